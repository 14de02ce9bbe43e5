//go:build !windows

package adminpolicy

import "errors"

// Browser policies are written by the Windows MSI; on Linux and macOS an
// admin drops a managed-policy JSON file instead (docs/install.md).
func setBrowserPolicy([]string) error {
	return errors.New("only the Windows registry is written here; on Linux and macOS use a managed policy file (see docs/install.md)")
}

func removeBrowserPolicy([]string) error { return nil }
