// Package adminpolicy writes and removes the machine-wide admin policy that
// installers set (`labelbridge service policy`, run by the MSI as a custom
// action): the policy file with allowedOrigins and lockAllowedOrigins,
// which every user's agent reads (config.Load), and, on Windows, the same
// origins in Chrome's and Edge's Local Network Access policies. The
// registry code is a Windows leaf file; elsewhere an admin drops a
// managed-policy file instead (docs/install.md).
package adminpolicy

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/labelbridge/labelbridge/internal/atomicfile"
	"github.com/labelbridge/labelbridge/origins"
)

// Policy is the file Write writes (a subset of config.Policy: the loader
// accepts any config key).
type Policy struct {
	AllowedOrigins     []string `json:"allowedOrigins"`
	LockAllowedOrigins bool     `json:"lockAllowedOrigins,omitempty"`
}

// ParseYes reads an installer property: "", 0, no, false, off = off; 1,
// yes, true, on = on.
func ParseYes(v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "0", "no", "false", "off":
		return false, nil
	case "1", "yes", "true", "on":
		return true, nil
	}
	return false, fmt.Errorf("want yes or no (1 or 0), got %q", v)
}

// ParseOrigins splits a comma, semicolon or space separated list, checks
// every origin (naming the bad one) and drops repeats.
func ParseOrigins(s string) ([]string, error) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\t' || r == '\n' })
	var out []string
	seen := map[string]bool{}
	for _, f := range fields {
		p, err := origins.Parse(f)
		if err != nil {
			return nil, err
		}
		if o := p.String(); !seen[o] {
			seen[o] = true
			out = append(out, o)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("no origins given (e.g. https://wms.example.com)")
	}
	return out, nil
}

// ChromeURLPattern turns an allow-list origin into Chrome's URL pattern
// syntax ("https://*.example.com" → "https://[*.]example.com").
func ChromeURLPattern(origin string) string {
	scheme, rest, ok := strings.Cut(origin, "://")
	if !ok {
		return origin
	}
	if host, found := strings.CutPrefix(rest, "*."); found {
		rest = "[*.]" + host
	}
	return scheme + "://" + rest
}

func chromeURLPatterns(origins []string) []string {
	patterns := make([]string, len(origins))
	for i, o := range origins {
		patterns[i] = ChromeURLPattern(o)
	}
	return patterns
}

// Write writes the policy file atomically, readable by every user (each
// user's agent reads it), creating its folder.
func Write(path string, pol Policy) error {
	data, err := json.MarshalIndent(pol, "", "  ")
	if err != nil {
		return fmt.Errorf("admin policy: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("admin policy: %w", err)
	}
	if err := atomicfile.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("admin policy: %w", err)
	}
	return nil
}

// AllowInBrowsers adds the origins to Chrome's and Edge's Local Network
// Access allow-lists (Windows only: elsewhere an error that points to the
// docs), keeping entries an admin put there.
func AllowInBrowsers(origins []string) error {
	if err := setBrowserPolicy(chromeURLPatterns(origins)); err != nil {
		return fmt.Errorf("browser policy: %w", err)
	}
	return nil
}

// Remove undoes Write and AllowInBrowsers: it removes the browser entries
// for the file's origins, then the file, then its folder when empty. No
// file there is not an error (uninstallers run it unconditionally):
// removed says whether there was one.
func Remove(path string) (removed bool, err error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("admin policy: %w", err)
	}
	var pol Policy
	if err := json.Unmarshal(data, &pol); err == nil && len(pol.AllowedOrigins) > 0 {
		if err := removeBrowserPolicy(chromeURLPatterns(pol.AllowedOrigins)); err != nil {
			return false, fmt.Errorf("browser policy: %w", err)
		}
	}
	if err := os.Remove(path); err != nil {
		return false, fmt.Errorf("admin policy: %w", err)
	}
	_ = os.Remove(filepath.Dir(path)) // only when empty
	return true, nil
}
