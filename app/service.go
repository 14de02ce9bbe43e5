package main

// `labelbridge service …`: run the headless agent under the OS service
// manager (kardianos/service: a systemd --user unit on Linux, a
// ~/Library/LaunchAgents plist on macOS, a Windows service), and
// `service policy`, which writes the machine-wide admin policy for
// installers (the MSI runs it as a custom action).

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/kardianos/service"

	"github.com/labelbridge/labelbridge/config"
	"github.com/labelbridge/labelbridge/internal/atomicfile"
	"github.com/labelbridge/labelbridge/origins"
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

// serviceName is the unit/plist/service name.
const serviceName = "labelbridge"

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

// serviceSpec is what the service is made of, independent of the OS.
type serviceSpec struct {
	Exe  string
	Port int               // 0: the config's port
	Env  map[string]string // passed on to the service
}

// serviceConfig builds the kardianos config. The service runs
// serviceRunArgs (serve on Linux and macOS; `service run` on Windows,
// which must answer the service control manager).
func serviceConfig(spec serviceSpec) *service.Config {
	args := append([]string(nil), serviceRunArgs...)
	if spec.Port > 0 {
		args = append(args, "--port", strconv.Itoa(spec.Port))
	}
	return &service.Config{
		Name:        serviceName,
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

// serviceEnv is the environment the service inherits from the installing
// shell: only Labelbridge's own variables.
func serviceEnv() map[string]string {
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
func newService(spec serviceSpec, prg service.Interface) (service.Service, error) {
	if err := checkServiceManager(service.ChosenSystem()); err != nil {
		return nil, err
	}
	s, err := service.New(prg, serviceConfig(spec))
	if err != nil {
		return nil, fmt.Errorf("service: %w", err)
	}
	return s, nil
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
	spec := serviceSpec{Env: serviceEnv()}
	if action == "install" {
		port, err := parsePortFlag(action, args)
		if err != nil {
			return err
		}
		spec.Port = port
	} else if len(args) > 0 {
		return fmt.Errorf("service %s: unexpected argument %q", action, args[0])
	}
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("service %s: find this program: %w", action, err)
	}
	if exe, err = filepath.EvalSymlinks(exe); err != nil {
		return fmt.Errorf("service %s: find this program: %w", action, err)
	}
	spec.Exe = exe
	s, err := newService(spec, &serviceProgram{})
	if err != nil {
		return err
	}
	if err := service.Control(s, action); err != nil {
		return fmt.Errorf("service %s: %w%s", action, err, serviceHint(err))
	}
	fmt.Printf("labelbridge service: %s done\n", action)
	return nil
}

func serviceStatus(args []string, out io.Writer) error {
	if len(args) > 0 {
		return fmt.Errorf("service status: unexpected argument %q", args[0])
	}
	s, err := newService(serviceSpec{Exe: "labelbridge"}, &serviceProgram{})
	if err != nil {
		return err
	}
	st, err := s.Status()
	switch {
	case errors.Is(err, service.ErrNotInstalled):
		fmt.Fprintln(out, "labelbridge service: not installed")
		return &exitError{code: statusExitNotInstalled, err: errors.New("service is not installed (labelbridge service install)")}
	case err != nil:
		return fmt.Errorf("service status: %w%s", err, serviceHint(err))
	case st == service.StatusRunning:
		fmt.Fprintln(out, "labelbridge service: running")
		return nil
	case st == service.StatusStopped:
		fmt.Fprintln(out, "labelbridge service: stopped")
		return &exitError{code: statusExitStopped, err: errors.New("service is stopped (labelbridge service start)")}
	default:
		return fmt.Errorf("service status: unknown state %d", st)
	}
}

// serviceHint explains the usual reason a service manager call fails.
func serviceHint(err error) string {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "Failed to connect to bus"), strings.Contains(msg, "XDG_RUNTIME_DIR"):
		return " (no systemd --user session: log in as that user, or run `loginctl enable-linger $USER`)"
	case strings.Contains(msg, "Access is denied"):
		return " (a Windows service needs an administrator prompt)"
	}
	return ""
}

// serviceProgram is the agent as a kardianos program: Start must not
// block, Stop returns within seconds.
type serviceProgram struct {
	port   int
	agent  *agent
	closer io.Closer
}

func (p *serviceProgram) Start(service.Service) error {
	cfg, err := loadConfig(p.port)
	if err != nil {
		return err
	}
	log, closer, err := agentLogger(cfg)
	if err != nil {
		return err
	}
	a, err := startAgent(cfg, log, agentOptions{})
	if err != nil {
		closer.Close()
		return err
	}
	p.agent, p.closer = a, closer
	return nil
}

func (p *serviceProgram) Stop(service.Service) error {
	if p.agent == nil {
		return nil
	}
	err := stopAgent(p.agent)
	p.closer.Close()
	p.agent = nil
	return err
}

// serviceRun is what the service manager starts: the agent, stopped by
// the manager's stop request (or SIGTERM/Ctrl-C when run by hand).
func serviceRun(args []string) error {
	port, err := parsePortFlag("run", args)
	if err != nil {
		return err
	}
	s, err := service.New(&serviceProgram{port: port}, serviceConfig(serviceSpec{Port: port}))
	if err != nil {
		return fmt.Errorf("service run: %w", err)
	}
	if err := s.Run(); err != nil {
		return fmt.Errorf("service run: %w", err)
	}
	return nil
}

// adminPolicy is the file `service policy` writes (a subset of
// config.Policy: the loader accepts any config key).
type adminPolicy struct {
	AllowedOrigins     []string `json:"allowedOrigins"`
	LockAllowedOrigins bool     `json:"lockAllowedOrigins,omitempty"`
}

// parseYes reads an installer property: "", 0, no, false = off; 1, yes,
// true, on = on.
func parseYes(name, v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "0", "no", "false", "off":
		return false, nil
	case "1", "yes", "true", "on":
		return true, nil
	}
	return false, fmt.Errorf("--%s: want yes or no (1 or 0), got %q", name, v)
}

// parseOriginList splits a comma, semicolon or space separated list and
// checks every origin, naming the bad one.
func parseOriginList(s string) ([]string, error) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\t' || r == '\n' })
	var out []string
	seen := map[string]bool{}
	for _, f := range fields {
		p, err := origins.Parse(f)
		if err != nil {
			return nil, err
		}
		if o := p.String(); !seen[o] {
			seen[o] = true
			out = append(out, o)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("--allowed-origins: no origins given (e.g. https://wms.example.com)")
	}
	return out, nil
}

// chromeURLPattern turns an allow-list origin into Chrome's URL pattern
// syntax ("https://*.example.com" → "https://[*.]example.com").
func chromeURLPattern(origin string) string {
	scheme, rest, ok := strings.Cut(origin, "://")
	if !ok {
		return origin
	}
	if host, found := strings.CutPrefix(rest, "*."); found {
		rest = "[*.]" + host
	}
	return scheme + "://" + rest
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
		return removePolicy(path, out)
	}
	lockOn, err := parseYes("lock", *lock)
	if err != nil {
		return fmt.Errorf("service policy: %w", err)
	}
	browserOn, err := parseYes("browser", *browser)
	if err != nil {
		return fmt.Errorf("service policy: %w", err)
	}
	list2, err := parseOriginList(*list)
	if err != nil {
		return fmt.Errorf("service policy: %w", err)
	}
	if err := writePolicy(path, adminPolicy{AllowedOrigins: list2, LockAllowedOrigins: lockOn}); err != nil {
		return err
	}
	fmt.Fprintf(out, "wrote admin policy %s\n", path)
	if browserOn {
		patterns := make([]string, len(list2))
		for i, o := range list2 {
			patterns[i] = chromeURLPattern(o)
		}
		if err := setBrowserPolicy(patterns); err != nil {
			return fmt.Errorf("service policy: browser policy: %w", err)
		}
		fmt.Fprintln(out, "allowed the origins in the Chrome and Edge local network access policies")
	}
	return nil
}

// writePolicy writes the policy file atomically (readable by every user).
func writePolicy(path string, pol adminPolicy) error {
	data, err := json.MarshalIndent(pol, "", "  ")
	if err != nil {
		return fmt.Errorf("service policy: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("service policy: %w", err)
	}
	if err := atomicfile.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("service policy: %w", err)
	}
	return nil
}

// removePolicy undoes writePolicy and setBrowserPolicy: it removes the
// browser entries for the file's origins, then the file. Nothing there is
// not an error (uninstallers run it unconditionally).
func removePolicy(path string, out io.Writer) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(out, "no admin policy at %s\n", path)
		return nil
	}
	if err != nil {
		return fmt.Errorf("service policy: %w", err)
	}
	var pol adminPolicy
	if err := json.Unmarshal(data, &pol); err == nil && len(pol.AllowedOrigins) > 0 {
		patterns := make([]string, len(pol.AllowedOrigins))
		for i, o := range pol.AllowedOrigins {
			patterns[i] = chromeURLPattern(o)
		}
		if err := removeBrowserPolicy(patterns); err != nil {
			return fmt.Errorf("service policy: browser policy: %w", err)
		}
	}
	if err := os.Remove(path); err != nil {
		return fmt.Errorf("service policy: %w", err)
	}
	_ = os.Remove(filepath.Dir(path)) // only when empty
	fmt.Fprintf(out, "removed admin policy %s\n", path)
	return nil
}
