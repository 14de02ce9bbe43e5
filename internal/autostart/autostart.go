// Package autostart turns "start Labelbridge at login" on and off for the
// desktop user, the way each OS's installer sets it up: an XDG autostart
// entry on Linux, the com.labelbridge.agent LaunchAgent on macOS, the Run
// key (or a Startup shortcut) on Windows. Each OS is a leaf file; others
// report Supported = false.
//
// Enabled reports whether Labelbridge starts at login for this user
// (counting what the installer set for every user); Set changes it for
// this user only.
package autostart

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/labelbridge/labelbridge/internal/atomicfile"
)

// executable is the program that starts at login: this binary, with
// symlinks resolved.
func executable() (string, error) {
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
