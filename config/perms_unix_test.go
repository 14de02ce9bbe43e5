//go:build !windows

package config

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestTightenModes(t *testing.T) {
	p := testPaths(t)
	runtimeDir := filepath.Join(t.TempDir(), "run")
	outside := filepath.Join(t.TempDir(), "shared.txt")
	type entry struct {
		path       string
		dir        bool
		mode, want fs.FileMode
	}
	entries := []entry{
		{p.ConfigDir, true, 0o755, 0o700},
		{p.DataDir, true, 0o775, 0o700},
		{p.LogDir, true, 0o700, 0o700}, // already private: untouched
		{runtimeDir, true, 0o711, 0o700},
		{p.ConfigFile, false, 0o644, 0o600},
		{p.TokenFile, false, 0o640, 0o600},
		{filepath.Join(p.DataDir, "jobs.db"), false, 0o666, 0o600},
		{filepath.Join(p.LogDir, "labelbridge.log"), false, 0o604, 0o600},
		{filepath.Join(p.LogDir, "audit.log"), false, 0o400, 0o400}, // narrower than 0600 stays
		{outside, false, 0o644, 0o644},
	}
	for _, e := range entries {
		if e.dir {
			if err := os.MkdirAll(e.path, 0o700); err != nil {
				t.Fatal(err)
			}
		} else if err := os.WriteFile(e.path, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// A link in the config folder to a file elsewhere must not be followed.
	if err := os.Symlink(outside, filepath.Join(p.ConfigDir, "link")); err != nil {
		t.Fatal(err)
	}
	for i := len(entries) - 1; i >= 0; i-- { // files first, then their folders
		if err := os.Chmod(entries[i].path, entries[i].mode); err != nil {
			t.Fatal(err)
		}
	}
	changes, err := TightenModes(p, runtimeDir)
	if err != nil {
		t.Fatal(err)
	}
	changed := map[string]ModeChange{}
	for _, c := range changes {
		changed[c.Path] = c
	}
	for _, e := range entries {
		st, err := os.Stat(e.path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != e.want {
			t.Errorf("%s: mode %04o, want %04o", e.path, st.Mode().Perm(), e.want)
		}
		c, ok := changed[e.path]
		if ok != (e.mode != e.want) || (ok && (c.From != e.mode || c.To != e.want)) {
			t.Errorf("%s: reported change %+v (reported %v), mode was %04o", e.path, c, ok, e.mode)
		}
	}
	if len(changes) != 7 {
		t.Errorf("%d changes reported, want 7: %+v", len(changes), changes)
	}
	// A second run finds nothing to do.
	if again, err := TightenModes(p, runtimeDir); err != nil || len(again) != 0 {
		t.Fatalf("second run: %+v, %v", again, err)
	}
}
