package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/labelbridge/labelbridge/client"
	"github.com/labelbridge/labelbridge/config"
	"github.com/labelbridge/labelbridge/edge"
	"github.com/labelbridge/labelbridge/edge/adminauth"
	"github.com/labelbridge/labelbridge/fleet"
	"github.com/labelbridge/labelbridge/internal/audit"
	"github.com/labelbridge/labelbridge/internal/logging"
	"github.com/labelbridge/labelbridge/internal/portowner"
	"github.com/labelbridge/labelbridge/internal/ports"
	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/printing/compile"
	"github.com/labelbridge/labelbridge/printing/netraw"
	"github.com/labelbridge/labelbridge/printing/store"
	"github.com/labelbridge/labelbridge/printing/virtual"
	"github.com/labelbridge/labelbridge/sites"
	"github.com/labelbridge/labelbridge/tlsca"
	"github.com/labelbridge/labelbridge/wsserver"
)

// agent is the running core: store, spooler, transports and the server.
type agent struct {
	cfg     *config.Loaded
	log     *slog.Logger
	store   *store.Store
	spooler *printing.Spooler
	sites   *sites.Registry
	server  *wsserver.Server
	writer  *config.Writer
	virtual *virtual.Printer
	port    int // the port actually bound
	token   string
	auth    *adminauth.Auth  // the panel's login codes and sessions
	audit   *audit.Log       // security events (app/audit.go)
	tls     *tlsca.Authority // the local CA's leaf for wss and https (internal/localca); nil when it could not be made
	tlsErr  error            // why tls is nil
	ports   *ports.Book      // the other listeners' state: port clashes (internal/ports)
	net     *netraw.Watcher  // network printers and their measured status

	fleet *fleet.Control // the customer's MQTT broker (app/fleet.go)

	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// agentOptions adjust an agent for special runs.
type agentOptions struct {
	// AnyPort binds an ephemeral port (a temporary agent for one CLI call,
	// benchmarks) instead of the configured one.
	AnyPort bool
}

// startAgent binds the port first (so a second copy fails fast with a
// clear message), then opens the store and starts everything.
func startAgent(cfg *config.Loaded, log *slog.Logger, opt agentOptions) (*agent, error) {
	port := cfg.Port
	if opt.AnyPort {
		port = 0
	}
	listeners, err := listen(port)
	if err != nil {
		return nil, err
	}
	warmFonts()
	closeListeners := func() {
		for _, l := range listeners {
			_ = l.Close()
		}
	}
	a := &agent{cfg: cfg, log: log, port: listeners[0].Addr().(*net.TCPAddr).Port, writer: config.NewWriter(cfg.Paths.ConfigFile), ports: ports.NewBook()}
	if a.audit, err = prepareFiles(cfg, log); err != nil {
		log.Error("no audit log: security events go to this log only", "err", err)
	}
	a.writer.OnSave(a.auditConfig)
	if err := a.build(opt); err != nil {
		closeListeners()
		a.closeStore()
		_ = a.audit.Close()
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	a.cancel = cancel
	a.net = netraw.NewWatcher(ctx, a.spooler)
	a.mountPanel()
	a.server.Serve(listeners)
	a.attachPrinters(ctx)
	a.startTLS(ctx, opt)
	a.startCompat(ctx)
	a.startFleet()
	a.startQZTray(ctx, a.localTLS)
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		a.store.PruneLoop(ctx, store.Retention{MaxAge: time.Duration(cfg.Limits.HistoryDays) * 24 * time.Hour, MaxJobs: cfg.Limits.HistoryJobs}, 10*time.Minute, log)
	}()
	log.Info("Labelbridge agent started", "version", version, "url", fmt.Sprintf("ws://127.0.0.1:%d/ws", a.port),
		"data", cfg.Paths.DataDir, "config", cfg.Paths.ConfigFile, "default_printer", a.spooler.DefaultPrinter())
	return a, nil
}

func (a *agent) build(opt agentOptions) error {
	cfg := a.cfg
	tok, err := config.EnsureToken(cfg.Paths.TokenFile)
	if err != nil {
		return err
	}
	a.token = tok
	a.store, err = store.Open(filepath.Join(cfg.Paths.DataDir, "jobs.db"), store.Options{})
	if err != nil {
		return err
	}
	compiler := compile.New(cfg.Fonts)
	a.spooler = printing.New(a.store, compiler, printing.Options{
		QueueDepth:    cfg.Limits.QueueDepth,
		MaxJobBytes:   cfg.Limits.MaxJobBytes,
		SendTimeout:   cfg.Limits.SendTimeout.Duration,
		HoldTimeout:   cfg.Limits.HoldTimeout.Duration,
		Logger:        a.log,
		ConfigDefault: cfg.DefaultPrinter,
		SaveDefault: func(id string) error {
			return a.writer.Update(func(c *config.Config) error { c.DefaultPrinter = id; return nil })
		},
		PrinterSettings: cfg.PrinterSettings,
	})
	if err := a.spooler.Start(); err != nil {
		return err
	}
	a.sites, err = sites.New(sites.Options{
		// Environment origins act like the policy's: in force, never saved.
		Policy: append(slices.Clone(cfg.PolicyOrigins), cfg.EnvOrigins...), User: cfg.UserOrigins, Denied: cfg.DeniedOrigins,
		Defaults: config.DefaultAllowedOrigins, Locked: cfg.LockAllowedOrigins,
		Record: func(event, origin string) { a.record(event, "origin", origin) },
		Persist: func(allowed, denied []string) error {
			return a.writer.Update(func(c *config.Config) error {
				c.AllowedOrigins, c.DeniedOrigins = allowed, denied
				return nil
			})
		},
	})
	if err != nil {
		return err
	}
	vdir := cfg.Virtual.Dir
	if vdir == "" {
		vdir = filepath.Join(cfg.Paths.DataDir, "virtual")
	}
	a.virtual, err = virtual.New(vdir, cfg.Virtual.Keep, compiler.PreviewJob(a.store))
	if err != nil {
		return err
	}
	a.auth = adminauth.New(adminauth.Options{})
	a.server = wsserver.New(a.spooler, a.sites, wsserver.Options{
		Port: a.port, Version: version, MaxMessageBytes: int64(cfg.Limits.MaxMessageBytes),
		Token: a.token, Logger: a.log, Previewer: compiler,
		Sessions: a.auth,
	})
	return nil
}

// attachPrinters adds the virtual printer, the configured network printers
// and starts discovery.
func (a *agent) attachPrinters(ctx context.Context) {
	a.spooler.Attach(virtual.Info(a.cfg.Virtual.Language, a.cfg.Virtual.DPI, a.virtual.Dir()), a.virtual)
	for _, np := range a.cfg.NetworkPrinters {
		a.net.Attach(networkPrinterInfo(np), false)
	}
	a.startDiscovery(ctx)
}

// networkPrinterInfo describes a configured network printer.
func networkPrinterInfo(np config.NetworkPrinter) printing.Printer {
	return netraw.Info(np.PrinterID(), np.Name, np.Address, np.Language, np.DPI)
}

// stop shuts down: no new connections, workers finish the send under way
// (within the deadline), everything stored stays for the next start.
func (a *agent) stop(ctx context.Context) error {
	err := a.server.Shutdown(ctx)
	a.stopFleet(ctx)
	a.cancel()
	a.wg.Wait()
	if e := a.spooler.Stop(ctx); err == nil {
		err = e
	}
	a.closeStore()
	_ = a.audit.Close()
	a.log.Info("Labelbridge agent stopped")
	return err
}

func (a *agent) closeStore() {
	if a.store != nil {
		_ = a.store.Close()
	}
}

// startTemporaryAgent runs an agent on an ephemeral loopback port for one
// command (CLI verbs with no agent running, the bench), logging at level to
// stderr only.
func startTemporaryAgent(cfg *config.Loaded, level string) (*agent, error) {
	log, _, err := logging.New(level, "", os.Stderr)
	if err != nil {
		return nil, err
	}
	return startAgent(cfg, log, agentOptions{AnyPort: true})
}

// listen binds the loopback listeners, explaining a port that is taken.
func listen(port int) ([]net.Listener, error) {
	ls, err := edge.Listen(port)
	if err == nil {
		return ls, nil
	}
	if !errors.Is(err, syscall.EADDRINUSE) {
		return nil, fmt.Errorf("listen on 127.0.0.1:%d: %w", port, err)
	}
	if v := client.Probe(port); v != "" {
		return nil, &exitError{code: 3, err: fmt.Errorf("Labelbridge %s is already running on port %d: use it (e.g. 'labelbridge printers'), or stop it first", v, port)}
	}
	who := portowner.Name(port)
	if who == "" {
		who = "another program"
	}
	return nil, &exitError{code: 3, err: fmt.Errorf("port %d is already in use by %s: stop it, or choose another port with \"port\" in the config file or LABELBRIDGE_PORT", port, who)}
}
