//go:build !windows

package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// TightenModes narrows folders and files that an older version, an
// installer or a umask left readable by others: the config, data and log
// folders and extraDirs become 0700, the files directly in them (config.json,
// token, jobs.db, the logs…) 0600. Symbolic links are left alone. It returns
// what it changed (the agent logs one line each) and what it could not.
func TightenModes(p Paths, extraDirs ...string) ([]ModeChange, error) {
	dirs, files := privateTargets(p, extraDirs)
	var changes []ModeChange
	var errs []error
	tighten := func(path string, want fs.FileMode, isDir bool) {
		st, err := os.Lstat(path)
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, fmt.Errorf("check permissions of %s: %w", path, err))
			}
			return
		}
		if st.IsDir() != isDir || !(st.Mode().IsRegular() || st.IsDir()) {
			return
		}
		from := st.Mode().Perm()
		if from&^want == 0 {
			return
		}
		to := from & want
		if err := os.Chmod(path, to); err != nil {
			errs = append(errs, fmt.Errorf("tighten permissions of %s (%04o): %w", path, from, err))
			return
		}
		changes = append(changes, ModeChange{Path: path, From: from, To: to})
	}
	for _, d := range dirs {
		tighten(d, 0o700, true)
	}
	for _, f := range files {
		tighten(f, 0o600, false)
	}
	return changes, errors.Join(errs...)
}
