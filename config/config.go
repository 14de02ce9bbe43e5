// Package config loads Labelbridge's settings: the user's JSON config file,
// the machine-wide admin policy that wins over it, and environment
// overrides; it validates every key and writes back the few settings the
// user changes from the tray or panel (default printer, approved sites).
package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labelbridge/labelbridge/internal/atomicfile"
	"github.com/labelbridge/labelbridge/internal/strictjson"
	"github.com/labelbridge/labelbridge/origins"
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

// Validate checks every value, naming the key of the first bad one.
func (c *Config) Validate() error {
	if c.Port < 1 || c.Port > 65535 {
		return fmt.Errorf("port: must be 1 to 65535, got %d", c.Port)
	}
	for i, o := range c.AllowedOrigins {
		if _, err := origins.Parse(o); err != nil {
			return fmt.Errorf("allowedOrigins[%d]: %w", i, err)
		}
	}
	for i, o := range c.DeniedOrigins {
		if _, err := origins.ParseOrigin(o); err != nil {
			return fmt.Errorf("deniedOrigins[%d]: %w", i, err)
		}
	}
	ids := map[string]bool{}
	for i, p := range c.NetworkPrinters {
		key := fmt.Sprintf("networkPrinters[%d]", i)
		if p.Address == "" {
			return fmt.Errorf("%s.address: required (host or host:port)", key)
		}
		if host, port, err := net.SplitHostPort(p.Address); err == nil {
			if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 || host == "" {
				return fmt.Errorf("%s.address: %q is not host:port", key, p.Address)
			}
		}
		if !slices.Contains(Languages, p.Language) {
			return fmt.Errorf("%s.language: must be one of %s, got %q", key, strings.Join(Languages, ", "), p.Language)
		}
		if p.DPI != 0 && (p.DPI < 100 || p.DPI > 600) {
			return fmt.Errorf("%s.dpi: must be 100 to 600, got %d", key, p.DPI)
		}
		id := p.PrinterID()
		if ids[id] {
			return fmt.Errorf("%s.id: %q is used twice", key, id)
		}
		ids[id] = true
	}
	if !slices.Contains(Languages, c.Virtual.Language) {
		return fmt.Errorf("virtual.language: must be one of %s, got %q", strings.Join(Languages, ", "), c.Virtual.Language)
	}
	if c.Virtual.DPI < 100 || c.Virtual.DPI > 600 {
		return fmt.Errorf("virtual.dpi: must be 100 to 600, got %d", c.Virtual.DPI)
	}
	if c.Virtual.Dir != "" && !filepath.IsAbs(c.Virtual.Dir) {
		return fmt.Errorf("virtual.dir: must be an absolute path, got %q", c.Virtual.Dir)
	}
	if c.Virtual.Keep < 0 {
		return fmt.Errorf("virtual.keep: must not be negative")
	}
	l := c.Limits
	checks := []struct {
		key      string
		v, lo, h int
	}{
		{"limits.maxMessageBytes", l.MaxMessageBytes, 64 << 10, 1 << 30},
		{"limits.maxJobBytes", l.MaxJobBytes, 1 << 10, 1 << 30},
		{"limits.queueDepth", l.QueueDepth, 1, 1000000},
		{"limits.historyDays", l.HistoryDays, 1, 3650},
		{"limits.historyJobs", l.HistoryJobs, 10, 10000000},
	}
	for _, ch := range checks {
		if ch.v < ch.lo || ch.v > ch.h {
			return fmt.Errorf("%s: must be %d to %d, got %d", ch.key, ch.lo, ch.h, ch.v)
		}
	}
	if l.HoldTimeout.Duration < time.Second {
		return fmt.Errorf("limits.holdTimeout: must be at least 1s")
	}
	if l.SendTimeout.Duration < time.Second {
		return fmt.Errorf("limits.sendTimeout: must be at least 1s")
	}
	if bp := c.BrowserPrint.Port; bp < 1 || bp > 65535 || (c.BrowserPrint.Enabled && bp == c.Port) {
		return fmt.Errorf("browserPrint.port: must be 1 to 65535 and not the agent's port %d, got %d", c.Port, bp)
	}
	if tp := c.TLSPort; tp != -1 && (tp < 1 || tp > 65535 || tp == c.Port) {
		return fmt.Errorf("tlsPort: must be 1 to 65535 (or -1: off) and not the agent's port %d, got %d", c.Port, tp)
	}
	if w := c.BrowserPrint.ApprovalWait; w != nil && (w.Duration < 0 || w.Duration > 10*time.Minute) {
		return fmt.Errorf("browserPrint.approvalWait: must be 0s to 10m, got %s", w.Duration)
	}
	if tp := c.BrowserPrint.TLSPort; tp != -1 && (tp < 1 || tp > 65535 || tp == c.BrowserPrint.Port) {
		return fmt.Errorf("browserPrint.tlsPort: must be 1 to 65535 (or -1: off) and not browserPrint.port %d, got %d", c.BrowserPrint.Port, tp)
	}
	if err := c.QZTray.validate(c.Port); err != nil {
		return err
	}
	if err := validatePrinterSettings(c.PrinterSettings); err != nil {
		return err
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("logLevel: must be debug, info, warn or error, got %q", c.LogLevel)
	}
	return c.Fleet.validate()
}

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

// decodeStrict decodes JSON into v, failing on unknown keys with the key
// named, and on trailing data.
func decodeStrict(data []byte, v any, what string) error {
	err := strictjson.Decode(data, v)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, strictjson.ErrTrailingData):
		return fmt.Errorf("%s: unexpected data after the JSON object", what)
	}
	return fmt.Errorf("%s: %w", what, describeJSONError(err))
}

func describeJSONError(err error) error {
	var uf *strictjson.UnknownFieldError
	if errors.As(err, &uf) {
		return fmt.Errorf("unknown key %q", uf.Field)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Errorf("%s: want %s, got JSON %s", te.Field, te.Type, te.Value)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return fmt.Errorf("invalid JSON: the file ends early")
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("invalid JSON at byte %d: %w", se.Offset, err)
	}
	if strings.HasPrefix(err.Error(), "json: cannot unmarshal") || strings.Contains(err.Error(), "want a duration") {
		return errors.New(strings.TrimPrefix(err.Error(), "json: "))
	}
	return err
}

// Load reads the user config and the admin policy and applies the
// environment (LABELBRIDGE_PORT, LABELBRIDGE_ALLOWED_ORIGINS).
func Load(paths Paths) (*Loaded, error) {
	u, err := readUser(paths.ConfigFile)
	if err != nil {
		return nil, err
	}
	user := u.config
	eff := &Loaded{Config: user, Paths: paths, PolicyKeys: map[string]bool{}}
	if u.warning != "" {
		eff.Warnings = append(eff.Warnings, u.warning)
	}
	if u.good != nil {
		// Keep the last good copy for the day this file is torn.
		if err := refreshBackup(paths.ConfigFile, u.good); err != nil {
			eff.Warnings = append(eff.Warnings, fmt.Sprintf("could not keep a copy of %s: %v", paths.ConfigFile, err))
		}
	}
	// Decoding the policy over eff must not write into the user's arrays.
	eff.AllowedOrigins = slices.Clone(user.AllowedOrigins)
	eff.DeniedOrigins = slices.Clone(user.DeniedOrigins)
	eff.NetworkPrinters = slices.Clone(user.NetworkPrinters)
	eff.Fonts = slices.Clone(user.Fonts)
	if paths.PolicyFile != "" {
		data, err := os.ReadFile(paths.PolicyFile)
		switch {
		case err == nil:
			var pol Policy
			if err := decodeStrict(data, &pol, paths.PolicyFile); err != nil {
				return nil, err
			}
			var keys map[string]json.RawMessage
			_ = json.Unmarshal(data, &keys)
			for k := range keys {
				eff.PolicyKeys[k] = true
			}
			// The policy's keys replace the user's.
			if err := json.Unmarshal(data, &eff.Config); err != nil {
				return nil, fmt.Errorf("%s: %w", paths.PolicyFile, err)
			}
			eff.PolicyOrigins = pol.AllowedOrigins
			eff.LockAllowedOrigins = pol.LockAllowedOrigins
			if !pol.LockAllowedOrigins {
				eff.AllowedOrigins = append(slices.Clone(pol.AllowedOrigins), user.AllowedOrigins...)
			}
		case errors.Is(err, os.ErrNotExist):
		default:
			return nil, fmt.Errorf("read admin policy: %w", err)
		}
	}
	if v := os.Getenv("LABELBRIDGE_PORT"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil, fmt.Errorf("LABELBRIDGE_PORT: %q is not a number", v)
		}
		eff.Port = n
	}
	if !eff.LockAllowedOrigins {
		eff.UserOrigins = slices.Clone(user.AllowedOrigins)
		for _, o := range strings.Split(os.Getenv("LABELBRIDGE_ALLOWED_ORIGINS"), ",") {
			if o = strings.TrimSpace(o); o != "" {
				eff.EnvOrigins = append(eff.EnvOrigins, o)
				eff.AllowedOrigins = append(eff.AllowedOrigins, o)
			}
		}
	}
	eff.Fleet.applyEnv() // LABELBRIDGE_FLEET_BROKER, LABELBRIDGE_FLEET_STATION
	eff.applyDefaults()
	if err := eff.Validate(); err != nil {
		src := paths.ConfigFile
		if len(eff.PolicyKeys) > 0 {
			src += " (with admin policy " + paths.PolicyFile + ")"
		}
		return nil, fmt.Errorf("%s: %w", src, err)
	}
	return eff, nil
}

// AllowList is the effective origin allow-list: the defaults when nothing
// is configured, else the configured and approved sites.
func (l *Loaded) AllowList() []string {
	if len(l.AllowedOrigins) == 0 && !l.LockAllowedOrigins {
		return DefaultAllowedOrigins
	}
	return l.AllowedOrigins
}

// BackupSuffix and DamagedSuffix name the files kept next to config.json:
// its last good copy, and a torn file that was replaced.
const (
	BackupSuffix  = ".bak"
	DamagedSuffix = ".damaged"
)

// userFile is the user's config file as read by readUser.
type userFile struct {
	config  Config
	good    []byte // the file's bytes when it was valid and not empty
	torn    []byte // the file's bytes when it was torn
	warning string // set when the file was torn and a fallback is in use
}

// readUser reads the user's config file. A file that is not JSON at all —
// torn or truncated by a crash or power loss: empty, cut off mid-object,
// zero-filled — never stops the agent: the last good copy (config.json.bak)
// is used instead, or the defaults when there is none, with a warning that
// names both. Valid JSON with an unknown key or a bad value is an error that
// names the key (the documented contract: the user must fix it).
func readUser(path string) (userFile, error) {
	var u userFile
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return u, nil
	}
	if err != nil {
		return u, fmt.Errorf("read config: %w", err)
	}
	blank := len(bytes.TrimSpace(data)) == 0
	if !blank && json.Valid(data) {
		if err := decodeStrict(data, &u.config, path); err != nil {
			return u, err
		}
		u.good = data
		return u, nil
	}
	bak := path + BackupSuffix
	var why string
	if blank {
		why = "is empty"
	} else {
		u.torn = data
		why = "is damaged (" + describeJSONError(json.Unmarshal(data, new(any))).Error() + ")"
	}
	if b, err := os.ReadFile(bak); err == nil && len(bytes.TrimSpace(b)) > 0 && decodeStrict(b, &u.config, bak) == nil {
		u.warning = fmt.Sprintf("config file %s %s, probably cut short by a crash or power loss: using its last good copy %s", path, why, bak)
		return u, nil
	}
	u.config = Config{}
	if blank {
		return u, nil // an empty file with no copy to go back to: nothing configured
	}
	u.warning = fmt.Sprintf("config file %s %s, probably cut short by a crash or power loss, and there is no good copy %s: running on the defaults (fix or delete the file)", path, why, bak)
	return u, nil
}

// refreshBackup writes data to path's last good copy when it differs.
func refreshBackup(path string, data []byte) error {
	bak := path + BackupSuffix
	if old, err := os.ReadFile(bak); err == nil && bytes.Equal(old, data) {
		return nil
	}
	return atomicfile.WriteFile(bak, data, 0o600)
}

// Writer changes the user's config file: read, change, write atomically.
// The admin policy is never written.
type Writer struct {
	mu     sync.Mutex
	path   string
	onSave []func(before, after Config)
}

// OnSave registers fn to run after each successful Update with the user's
// config before and after it (the audit log compares printers and the
// default). fn runs with the Writer locked: it must not call Update.
func (w *Writer) OnSave(fn func(before, after Config)) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.onSave = append(w.onSave, fn)
}

// NewWriter returns a Writer for the user config file at path.
func NewWriter(path string) *Writer { return &Writer{path: path} }

// Update applies change to the user's config (not the effective one) and
// saves it.
func (w *Writer) Update(change func(c *Config) error) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	u, err := readUser(w.path)
	if err != nil {
		return err
	}
	before := u.config
	before.NetworkPrinters = slices.Clone(before.NetworkPrinters)
	c := u.config
	if err := change(&c); err != nil {
		return err
	}
	out, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return fmt.Errorf("encode config: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(w.path), 0o700); err != nil {
		return fmt.Errorf("create config dir: %w", err)
	}
	if u.torn != nil {
		// Replacing a torn file: keep it aside for whoever wants to look.
		if err := atomicfile.WriteFile(w.path+DamagedSuffix, u.torn, 0o600); err != nil {
			return fmt.Errorf("keep the damaged config: %w", err)
		}
	}
	if u.good != nil {
		if err := refreshBackup(w.path, u.good); err != nil {
			return fmt.Errorf("keep a copy of the config: %w", err)
		}
	}
	if err := atomicfile.WriteFile(w.path, append(out, '\n'), 0o600); err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	for _, fn := range w.onSave {
		fn(before, c)
	}
	return nil
}
