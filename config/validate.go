// Validation of the effective configuration: every key checked, errors name the key.

package config

import (
	"fmt"
	"net"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labelbridge/labelbridge/origins"
)

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
