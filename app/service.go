package main

// `labelbridge service …`: run the headless agent under the OS service
// manager (internal/svc), and `service policy`, which writes the
// machine-wide admin policy for installers (internal/adminpolicy; the MSI
// runs it as a custom action).

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/labelbridge/labelbridge/config"
	"github.com/labelbridge/labelbridge/internal/adminpolicy"
	"github.com/labelbridge/labelbridge/internal/svc"
)

const serviceUsage = `Usage:
  labelbridge service install [--port N]   register the headless agent with the service manager
                                           (systemd --user on Linux, launchd on macOS: per user;
                                           a Windows service on Windows, which needs admin rights)
  labelbridge service uninstall            remove it
  labelbridge service start|stop|restart   control it
  labelbridge service status               running (exit 0), stopped (3) or not installed (4)
  labelbridge service run [--port N]       what the service manager runs (serve plus the
                                           service-manager handshake); not for people
  labelbridge service policy --allowed-origins LIST [--lock yes] [--browser yes] [--file PATH]
                                           write the admin policy (installers use this)
  labelbridge service policy --remove [--file PATH]
                                           remove what 'service policy' wrote

LABELBRIDGE_HOME and LABELBRIDGE_POLICY set at install time are passed on to the service.
`

// Exit statuses of `service status` (as systemctl and LSB init scripts).
const (
	statusExitStopped      = 3
	statusExitNotInstalled = 4
)

func runService(args []string) error {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, serviceUsage)
		return &exitError{code: 2, err: errors.New("service: missing action (install, uninstall, start, stop, restart, status, run, policy)")}
	}
	action, rest := args[0], args[1:]
	switch action {
	case "install", "uninstall", "start", "stop", "restart":
		return serviceControl(action, rest)
	case "status":
		return serviceStatus(rest, os.Stdout)
	case "run":
		return serviceRun(rest)
	case "policy":
		return runPolicy(rest, os.Stdout)
	case "help", "-h", "--help":
		fmt.Print(serviceUsage)
		return nil
	default:
		fmt.Fprint(os.Stderr, serviceUsage)
		return &exitError{code: 2, err: fmt.Errorf("service: unknown action %q", action)}
	}
}

func parsePortFlag(name string, args []string) (int, error) {
	fs := flag.NewFlagSet("service "+name, flag.ContinueOnError)
	port := fs.Int("port", 0, "port the service listens on (default: config, LABELBRIDGE_PORT or 19810)")
	if err := fs.Parse(args); err != nil {
		return 0, err
	}
	if fs.NArg() > 0 {
		return 0, fmt.Errorf("service %s: unexpected argument %q", name, fs.Arg(0))
	}
	if *port < 0 || *port > 65535 {
		return 0, fmt.Errorf("service %s: --port must be 1 to 65535, got %d", name, *port)
	}
	return *port, nil
}

func serviceControl(action string, args []string) error {
	port := 0
	if action == "install" {
		var err error
		if port, err = parsePortFlag(action, args); err != nil {
			return err
		}
	} else if len(args) > 0 {
		return fmt.Errorf("service %s: unexpected argument %q", action, args[0])
	}
	if err := svc.Control(action, port); err != nil {
		return err
	}
	fmt.Printf("labelbridge service: %s done\n", action)
	return nil
}

func serviceStatus(args []string, out io.Writer) error {
	if len(args) > 0 {
		return fmt.Errorf("service status: unexpected argument %q", args[0])
	}
	st, err := svc.Status()
	if err != nil {
		return err
	}
	switch st {
	case svc.NotInstalled:
		fmt.Fprintln(out, "labelbridge service: not installed")
		return &exitError{code: statusExitNotInstalled, err: errors.New("service is not installed (labelbridge service install)")}
	case svc.Stopped:
		fmt.Fprintln(out, "labelbridge service: stopped")
		return &exitError{code: statusExitStopped, err: errors.New("service is stopped (labelbridge service start)")}
	}
	fmt.Fprintln(out, "labelbridge service: running")
	return nil
}

// serviceRun is what the service manager starts: the agent, stopped by
// the manager's stop request (or SIGTERM/Ctrl-C when run by hand).
func serviceRun(args []string) error {
	port, err := parsePortFlag("run", args)
	if err != nil {
		return err
	}
	var (
		a      *agent
		closer io.Closer
	)
	return svc.Run(port, svc.Program{
		OnStart: func() error {
			cfg, err := loadConfig(port)
			if err != nil {
				return err
			}
			log, c, err := agentLogger(cfg)
			if err != nil {
				return err
			}
			if a, err = startAgent(cfg, log, agentOptions{}); err != nil {
				c.Close()
				return err
			}
			closer = c
			return nil
		},
		OnStop: func() error {
			if a == nil {
				return nil
			}
			err := stopAgent(a)
			closer.Close()
			a = nil
			return err
		},
	})
}

func runPolicy(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("service policy", flag.ContinueOnError)
	list := fs.String("allowed-origins", "", "comma-separated origins, e.g. https://wms.example.com,https://*.example.com")
	lock := fs.String("lock", "", "yes: users cannot approve other sites (lockAllowedOrigins)")
	browser := fs.String("browser", "", "yes: also allow the origins in Chrome and Edge's Local Network Access policies (Windows)")
	file := fs.String("file", "", "policy file (default: the admin policy path, see `labelbridge paths`)")
	remove := fs.Bool("remove", false, "remove the policy file and the browser policy entries written before")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("service policy: unexpected argument %q", fs.Arg(0))
	}
	path := *file
	if path == "" {
		p, err := config.DefaultPaths()
		if err != nil {
			return fmt.Errorf("service policy: %w", err)
		}
		path = p.PolicyFile
	}
	if *remove {
		if *list != "" || *lock != "" || *browser != "" {
			return errors.New("service policy: --remove takes only --file")
		}
		removed, err := adminpolicy.Remove(path)
		switch {
		case err != nil:
			return fmt.Errorf("service policy: %w", err)
		case removed:
			fmt.Fprintf(out, "removed admin policy %s\n", path)
		default:
			fmt.Fprintf(out, "no admin policy at %s\n", path)
		}
		return nil
	}
	lockOn, err := adminpolicy.ParseYes(*lock)
	if err != nil {
		return fmt.Errorf("service policy: --lock: %w", err)
	}
	browserOn, err := adminpolicy.ParseYes(*browser)
	if err != nil {
		return fmt.Errorf("service policy: --browser: %w", err)
	}
	allowed, err := adminpolicy.ParseOrigins(*list)
	if err != nil {
		return fmt.Errorf("service policy: --allowed-origins: %w", err)
	}
	if err := adminpolicy.Write(path, adminpolicy.Policy{AllowedOrigins: allowed, LockAllowedOrigins: lockOn}); err != nil {
		return fmt.Errorf("service policy: %w", err)
	}
	fmt.Fprintf(out, "wrote admin policy %s\n", path)
	if browserOn {
		if err := adminpolicy.AllowInBrowsers(allowed); err != nil {
			return fmt.Errorf("service policy: %w", err)
		}
		fmt.Fprintln(out, "allowed the origins in the Chrome and Edge local network access policies")
	}
	return nil
}
