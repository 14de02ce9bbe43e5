// Writer: writing back the settings the user changes from the tray or panel.

package config

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/labelbridge/labelbridge/internal/atomicfile"
)

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
