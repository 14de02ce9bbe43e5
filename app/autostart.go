package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/labelbridge/labelbridge/internal/atomicfile"
)

// autostartExecutable is the program that starts at login: this binary,
// with symlinks resolved.
func autostartExecutable() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("find this program's path: %w", err)
	}
	if real, err := filepath.EvalSymlinks(exe); err == nil {
		exe = real
	}
	return exe, nil
}

// writeFileAtomic writes data to path through a temporary file, fsync and
// a rename (internal/atomicfile), creating the folder.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return atomicfile.WriteFile(path, data, perm)
}
