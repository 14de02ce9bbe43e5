// Package svc registers and controls the headless agent with the OS
// service manager through kardianos/service: a systemd --user unit on
// Linux, a ~/Library/LaunchAgents plist on macOS (both per user), a Windows
// service on Windows. It knows nothing of the agent: the caller hands Run a
// Program whose Start and Stop start and stop it.
//
// Only the service managers with per-user services are accepted on Unix
// (CheckManager says what to do on the others); the OS differences live in
// leaf files (svc_unix.go, svc_windows.go).
package svc

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/kardianos/service"
)

// Name is the unit, plist and Windows service name.
const Name = "labelbridge"

// Spec is what the service is made of, independent of the OS.
type Spec struct {
	Exe  string            // the program the manager runs
	Port int               // 0: the config's port
	Env  map[string]string // passed on to the service
}

// Config builds the kardianos config. The service runs runArgs (serve on
// Linux and macOS; `service run` on Windows, which must answer the service
// control manager), plus --port when the spec has one.
func Config(spec Spec) *service.Config {
	args := append([]string(nil), runArgs...)
	if spec.Port > 0 {
		args = append(args, "--port", strconv.Itoa(spec.Port))
	}
	return &service.Config{
		Name:        Name,
		DisplayName: "Labelbridge",
		Description: "Labelbridge label printing agent (headless): lets web pages print on this PC's label printers.",
		Executable:  spec.Exe,
		Arguments:   args,
		EnvVars:     spec.Env,
		Option: service.KeyValue{
			"UserService": true,         // systemd --user / ~/Library/LaunchAgents; ignored on Windows
			"Restart":     "on-failure", // systemd
			"KeepAlive":   true,         // launchd
			"RunAtLoad":   true,         // launchd
			"OnFailure":   "restart",    // Windows
		},
	}
}

// Env is the environment the service inherits from the installing shell:
// only Labelbridge's own variables, LABELBRIDGE_HOME made absolute.
func Env() map[string]string {
	env := map[string]string{}
	for _, k := range []string{"LABELBRIDGE_HOME", "LABELBRIDGE_POLICY"} {
		if v := os.Getenv(k); v != "" {
			if k == "LABELBRIDGE_HOME" {
				if abs, err := filepath.Abs(v); err == nil {
					v = abs
				}
			}
			env[k] = v
		}
	}
	return env
}

// newService makes the kardianos service, after checking that this
// machine's service manager can run it.
func newService(spec Spec, prg service.Interface) (service.Service, error) {
	if err := CheckManager(service.ChosenSystem()); err != nil {
		return nil, err
	}
	s, err := service.New(prg, Config(spec))
	if err != nil {
		return nil, fmt.Errorf("service: %w", err)
	}
	return s, nil
}

// Hint explains the usual reason a service manager call fails ("" when
// there is nothing to add).
func Hint(err error) string {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "Failed to connect to bus"), strings.Contains(msg, "XDG_RUNTIME_DIR"):
		return " (no systemd --user session: log in as that user, or run `loginctl enable-linger $USER`)"
	case strings.Contains(msg, "Access is denied"):
		return " (a Windows service needs an administrator prompt)"
	}
	return ""
}

// Control runs install, uninstall, start, stop or restart for this
// program (port: what install writes into the unit; 0 for the config's).
func Control(action string, port int) error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("service %s: find this program: %w", action, err)
	}
	if exe, err = filepath.EvalSymlinks(exe); err != nil {
		return fmt.Errorf("service %s: find this program: %w", action, err)
	}
	s, err := newService(Spec{Exe: exe, Port: port, Env: Env()}, Program{})
	if err != nil {
		return err
	}
	if err := service.Control(s, action); err != nil {
		return fmt.Errorf("service %s: %w%s", action, err, Hint(err))
	}
	return nil
}

// State is what the service manager says of the service.
type State int

// The states Status reports.
const (
	Running State = iota
	Stopped
	NotInstalled
)

// Status asks the service manager about the service.
func Status() (State, error) {
	s, err := newService(Spec{Exe: Name}, Program{})
	if err != nil {
		return 0, err
	}
	st, err := s.Status()
	switch {
	case errors.Is(err, service.ErrNotInstalled):
		return NotInstalled, nil
	case err != nil:
		return 0, fmt.Errorf("service status: %w%s", err, Hint(err))
	case st == service.StatusRunning:
		return Running, nil
	case st == service.StatusStopped:
		return Stopped, nil
	default:
		return 0, fmt.Errorf("service status: unknown state %d", st)
	}
}

// Program is the agent as the service manager sees it: OnStart must not
// block, OnStop returns within seconds. Nil functions do nothing.
type Program struct {
	OnStart func() error
	OnStop  func() error
}

// Start implements service.Interface.
func (p Program) Start(service.Service) error {
	if p.OnStart == nil {
		return nil
	}
	return p.OnStart()
}

// Stop implements service.Interface.
func (p Program) Stop(service.Service) error {
	if p.OnStop == nil {
		return nil
	}
	return p.OnStop()
}

// Run is what the service manager starts (`labelbridge service run`): prg
// runs until the manager's stop request, or SIGTERM or Ctrl-C when run by
// hand.
func Run(port int, prg Program) error {
	s, err := service.New(prg, Config(Spec{Port: port}))
	if err != nil {
		return fmt.Errorf("service run: %w", err)
	}
	if err := s.Run(); err != nil {
		return fmt.Errorf("service run: %w", err)
	}
	return nil
}
