//go:build !windows

package svc

import (
	"errors"
	"fmt"

	"github.com/kardianos/service"
)

// runArgs: systemd and launchd stop a service with SIGTERM, which `serve`
// handles itself.
var runArgs = []string{"serve"}

// CheckManager refuses service managers without per-user services (SysV
// init, Upstart, OpenRC: kardianos refuses UserService there with a terse
// error) and says what to do instead.
func CheckManager(sys service.System) error {
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
