// Package config loads Labelbridge's settings: the user's JSON config file,
// the machine-wide admin policy that wins over it, and environment
// overrides; it validates every key and writes back the few settings the
// user changes from the tray or panel (default printer, approved sites).
package config

import (
	"encoding/json"
	"fmt"
	"time"
)

// DefaultPort is the agent's WebSocket port.
const DefaultPort = 19810

// Config is the effective configuration. JSON keys are the file's keys.
type Config struct {
	Port            int              `json:"port,omitempty"`
	TLSPort         int              `json:"tlsPort,omitempty"` // wss and https (default port + 10; -1: off)
	AllowedOrigins  []string         `json:"allowedOrigins,omitempty"`
	DeniedOrigins   []string         `json:"deniedOrigins,omitempty"`
	DefaultPrinter  string           `json:"defaultPrinter,omitempty"`
	NetworkPrinters []NetworkPrinter `json:"networkPrinters,omitempty"`
	Virtual         Virtual          `json:"virtual,omitzero"`
	Limits          Limits           `json:"limits,omitzero"`
	Fonts           []string         `json:"fonts,omitempty"`
	LogLevel        string           `json:"logLevel,omitempty"`
	USB             *bool            `json:"usb,omitempty"` // discover USB printers (default true)
	BrowserPrint    BrowserPrint     `json:"browserPrint,omitzero"`
	QZTray          QZTray           `json:"qzTray,omitzero"`
	Fleet           Fleet            `json:"fleet,omitzero"` // the customer's MQTT broker (fleet.go)

	// PrinterSettings: print and media settings per printer id (printersettings.go).
	PrinterSettings PrinterSettings `json:"printerSettings,omitempty"`
}

// DefaultBrowserPrintPort is the port Zebra Browser Print listens on.
const DefaultBrowserPrintPort = 9100

// BrowserPrint configures the opt-in Zebra Browser Print compatible HTTP
// endpoint (off by default, so it never fights Zebra's own app for its port).
type BrowserPrint struct {
	Enabled bool `json:"enabled,omitempty"`
	Port    int  `json:"port,omitempty"` // default 9100
	// TLSPort serves the same API over https (Zebra's https port; -1: off).
	TLSPort int `json:"tlsPort,omitempty"` // default 9101
	// ApprovalWait holds a request from a site waiting for approval this
	// long (default 60s; "0s": refuse at once), as Zebra's app asks the
	// user to accept a new site before answering.
	ApprovalWait *Duration `json:"approvalWait,omitempty"`
}

// DefaultApprovalWait is browserPrint.approvalWait's default.
const DefaultApprovalWait = 60 * time.Second

// DefaultBrowserPrintTLSPort is the port Zebra Browser Print serves https on.
const DefaultBrowserPrintTLSPort = 9101

// NetworkPrinter is a raw TCP (9100) printer the user added.
type NetworkPrinter struct {
	ID       string `json:"id,omitempty"` // default "net:HOST:PORT"
	Name     string `json:"name,omitempty"`
	Address  string `json:"address"` // host or host:port
	Language string `json:"language"`
	DPI      int    `json:"dpi,omitempty"`
}

// Virtual configures the built-in virtual printer.
type Virtual struct {
	Language string `json:"language,omitempty"` // what labels compile to (default zpl)
	DPI      int    `json:"dpi,omitempty"`      // default 203
	Keep     int    `json:"keep,omitempty"`     // jobs whose files are kept (default 10000)
	Dir      string `json:"dir,omitempty"`      // where job files go (default <data>/virtual)
}

// Limits bound resources.
type Limits struct {
	MaxMessageBytes int      `json:"maxMessageBytes,omitempty"` // WebSocket read limit (default 16 MiB)
	MaxJobBytes     int      `json:"maxJobBytes,omitempty"`     // one job's bytes (default 8 MiB)
	QueueDepth      int      `json:"queueDepth,omitempty"`      // unfinished jobs per printer (default 1000)
	HistoryDays     int      `json:"historyDays,omitempty"`     // finished jobs kept (default 7)
	HistoryJobs     int      `json:"historyJobs,omitempty"`     // and at most this many (default 10000)
	HoldTimeout     Duration `json:"holdTimeout,omitzero"`      // a held job fails after this (default 15m)
	SendTimeout     Duration `json:"sendTimeout,omitzero"`      // base time for one send (default 30s)
}

// Duration is a time.Duration written as "15m", "30s".
type Duration struct{ time.Duration }

// MarshalJSON writes the duration as text.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads "15m"-style text.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("want a duration like \"15m\"")
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("want a duration like \"15m\": %w", err)
	}
	d.Duration = v
	return nil
}

// Languages the agent can send.
var Languages = []string{"zpl", "tspl", "epl", "escpos"}

// DefaultAllowedOrigins are allowed when nothing is configured: pages served
// from this PC only.
var DefaultAllowedOrigins = []string{"http://localhost:*", "http://127.0.0.1:*", "http://[::1]:*"}

func (c *Config) applyDefaults() {
	if c.Port == 0 {
		c.Port = DefaultPort
	}
	if c.Virtual.Language == "" {
		c.Virtual.Language = "zpl"
	}
	if c.Virtual.DPI == 0 {
		c.Virtual.DPI = 203
	}
	if c.Virtual.Keep == 0 {
		c.Virtual.Keep = 10000
	}
	l := &c.Limits
	if l.MaxMessageBytes == 0 {
		l.MaxMessageBytes = 16 << 20
	}
	if l.MaxJobBytes == 0 {
		l.MaxJobBytes = 8 << 20
	}
	if l.QueueDepth == 0 {
		l.QueueDepth = 1000
	}
	if l.HistoryDays == 0 {
		l.HistoryDays = 7
	}
	if l.HistoryJobs == 0 {
		l.HistoryJobs = 10000
	}
	if l.HoldTimeout.Duration == 0 {
		l.HoldTimeout.Duration = 15 * time.Minute
	}
	if l.SendTimeout.Duration == 0 {
		l.SendTimeout.Duration = 30 * time.Second
	}
	if c.LogLevel == "" {
		c.LogLevel = "info"
	}
	if c.BrowserPrint.Port == 0 {
		c.BrowserPrint.Port = DefaultBrowserPrintPort
	}
	c.QZTray.applyDefaults()
	if c.BrowserPrint.ApprovalWait == nil {
		c.BrowserPrint.ApprovalWait = &Duration{DefaultApprovalWait}
	}
	if c.BrowserPrint.TLSPort == 0 {
		c.BrowserPrint.TLSPort = DefaultBrowserPrintTLSPort
	}
	if c.TLSPort == 0 && c.Port <= 65525 {
		c.TLSPort = c.Port + 10
	}
	c.Fleet.applyDefaults()
}

// USBEnabled reports whether USB discovery is on.
func (c *Config) USBEnabled() bool { return c.USB == nil || *c.USB }

// PrinterID is the printer id of a configured network printer.
func (p NetworkPrinter) PrinterID() string {
	if p.ID != "" {
		return p.ID
	}
	return "net:" + p.Address
}

// Policy is what the machine-wide admin policy file adds: any Config key
// (which then wins over the user's), plus locks.
type Policy struct {
	Config
	// LockAllowedOrigins makes the policy's allowedOrigins the whole
	// allow-list: users cannot approve other sites.
	LockAllowedOrigins bool `json:"lockAllowedOrigins,omitempty"`
}

// Loaded is the outcome of Load.
type Loaded struct {
	Config     // effective settings
	Paths      Paths
	PolicyKeys map[string]bool // top-level keys the admin policy set (locked for users)
	// PolicyOrigins are the policy's allowed origins (shown as locked).
	PolicyOrigins []string
	// UserOrigins are the allowed origins of the user's config file (the
	// ones approving and revoking sites change); EnvOrigins come from
	// LABELBRIDGE_ALLOWED_ORIGINS and are never written back.
	UserOrigins        []string
	EnvOrigins         []string
	LockAllowedOrigins bool
	// Warnings are problems Load worked around (a torn config file); the
	// agent logs them once its log is open.
	Warnings []string
}

// AllowList is the effective origin allow-list: the defaults when nothing
// is configured, else the configured and approved sites.
func (l *Loaded) AllowList() []string {
	if len(l.AllowedOrigins) == 0 && !l.LockAllowedOrigins {
		return DefaultAllowedOrigins
	}
	return l.AllowedOrigins
}
