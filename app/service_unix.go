//go:build !windows

package main

import (
	"errors"
	"fmt"

	"github.com/kardianos/service"
)

// serviceRunArgs: systemd and launchd stop a service with SIGTERM, which
// `serve` handles itself.
var serviceRunArgs = []string{"serve"}

// checkServiceManager refuses service managers without per-user services
// (SysV init, Upstart, OpenRC: kardianos refuses UserService there with a
// terse error) and says what to do instead.
func checkServiceManager(sys service.System) error {
	if sys == nil {
		return errors.New("service: no supported service manager found on this machine; run `labelbridge serve` under your own supervisor")
	}
	switch name := sys.String(); name {
	case "linux-systemd", "darwin-launchd":
		return nil
	default:
		return fmt.Errorf("service: this machine's service manager is %s, which has no per-user services; "+
			"Labelbridge's service mode needs systemd --user (Linux) or launchd (macOS). "+
			"Use the tray autostart, or run `labelbridge serve` under your own supervisor", name)
	}
}

// Browser policies are written by the Windows MSI; on Linux and macOS an
// admin drops a managed-policy JSON file instead (docs/install.md).
func setBrowserPolicy([]string) error {
	return errors.New("only the Windows registry is written here; on Linux and macOS use a managed policy file (see docs/install.md)")
}

func removeBrowserPolicy([]string) error { return nil }
