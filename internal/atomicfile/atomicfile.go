// Package atomicfile replaces whole files so that a crash or power loss
// leaves either the old content or the new, never a torn mix: the data goes
// to a temporary file in the same folder, is fsynced, renamed over the
// target, and the folder is fsynced so the rename itself is durable.
package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// WriteFile atomically replaces (or creates) the file at path with data and
// mode perm. The folder must exist.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	tmp, err := writeTemp(path, data, perm)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("replace %s: %w", path, err)
	}
	return syncDir(filepath.Dir(path))
}

// Create atomically creates the file at path with data and mode perm, and
// fails with an error matching os.ErrExist when the file already exists
// (another process made it first): whoever wins, the file is never seen
// half-written.
func Create(path string, data []byte, perm os.FileMode) error {
	tmp, err := writeTemp(path, data, perm)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("create %s: %w", path, os.ErrExist)
		}
		// Some file systems have no hard links: fall back to a rename after
		// an existence check (a narrow race, but never a torn file).
		if _, serr := os.Lstat(path); serr == nil {
			return fmt.Errorf("create %s: %w", path, os.ErrExist)
		}
		if err := os.Rename(tmp, path); err != nil {
			return fmt.Errorf("create %s: %w", path, err)
		}
	}
	return syncDir(filepath.Dir(path))
}

// writeTemp writes data to a new temporary file next to path, fsyncs and
// closes it, and returns its name.
func writeTemp(path string, data []byte, perm os.FileMode) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	name := f.Name()
	fail := func(err error) (string, error) {
		f.Close()
		os.Remove(name)
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Chmod(perm); err != nil {
		return fail(err)
	}
	if _, err := f.Write(data); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(name)
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	return name, nil
}
