package main

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/labelbridge/labelbridge/internal/autostart"
	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/tray"
)

// runTray runs the agent with its tray icon: the default mode. Where no
// tray host can be reached (no D-Bus session, a server) it runs headless
// and says so once in the log. The agent runs on its own goroutines; the
// tray holds the main goroutine (macOS draws the menu bar there).
func runTray(args []string) error {
	a, log, closer, err := startFromFlags("tray", args)
	if err != nil {
		return err
	}
	defer closer.Close()
	// Libraries that use the standard logger (systray) log through ours.
	slog.SetDefault(log)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if os.Getenv("LABELBRIDGE_TRAY") == "off" {
		return runHeadless(ctx, a, log, "LABELBRIDGE_TRAY=off")
	}
	note, err := tray.Available()
	if err != nil {
		return runHeadless(ctx, a, log, err.Error())
	}
	if note != "" {
		log.Warn(note)
	}
	b := newTrayBackend(a)
	defer b.close()
	ready, done := make(chan struct{}), make(chan struct{})
	go trayWatchdog(ctx, a, log, ready, done)
	onReady := func() {
		log.Info("tray icon shown", "panel", a.panelURL())
		close(ready)
	}
	err = tray.Run(ctx, b, tray.Options{Logger: log, OnReady: onReady})
	close(done) // before stopping: the watchdog must not stop the agent too
	if err != nil {
		log.Warn("tray stopped", "err", err)
		if ctx.Err() == nil {
			return runHeadless(ctx, a, log, err.Error())
		}
	}
	log.Info("stopping: jobs stay stored and resume on the next start")
	return stopAgent(a)
}

// trayWatchdog covers a tray that never comes up: on Windows without a
// desktop, systray logs an error and its message loop never ends, so
// tray.Run does not return. The agent keeps serving (headless in all but
// name); this says so, and still stops cleanly on a signal.
func trayWatchdog(ctx context.Context, a *agent, log *slog.Logger, ready, done <-chan struct{}) {
	select {
	case <-ready:
		return
	case <-done:
		return
	case <-time.After(20 * time.Second):
		log.Warn("the tray icon did not come up (no desktop?): running headless")
		select {
		case <-ready:
			return
		case <-done:
			return
		case <-ctx.Done():
		}
	case <-ctx.Done():
	}
	// Stopping. A tray that is still coming up returns from Run in a
	// moment, and runTray stops the agent; one that never came up does not.
	select {
	case <-done:
		return
	case <-time.After(10 * time.Second):
	}
	log.Warn("the tray did not stop: stopping without it")
	if err := stopAgent(a); err != nil {
		log.Warn("stop", "err", err)
	}
	os.Exit(0)
}

// trayBackend adapts the agent to tray.Backend.
type trayBackend struct {
	a       *agent
	changed chan struct{}
	cancel  context.CancelFunc
	done    chan struct{}
}

func newTrayBackend(a *agent) *trayBackend {
	ctx, cancel := context.WithCancel(context.Background())
	b := &trayBackend{a: a, changed: make(chan struct{}, 1), cancel: cancel, done: make(chan struct{})}
	a.sites.OnChange(b.notify)
	go b.watch(ctx)
	return b
}

// notify records that something changed (coalesced into one pending value).
func (b *trayBackend) notify() {
	select {
	case b.changed <- struct{}{}:
	default:
	}
}

// watch turns the spooler's events into change notices. A subscription
// dropped for falling behind is replaced.
func (b *trayBackend) watch(ctx context.Context) {
	defer close(b.done)
	for {
		sub := b.a.spooler.Subscribe(256)
		for open := true; open; {
			select {
			case <-ctx.Done():
				sub.Close()
				return
			case _, open = <-sub.C:
				b.notify()
			}
		}
	}
}

func (b *trayBackend) close() {
	b.cancel()
	<-b.done
}

func (b *trayBackend) Changed() <-chan struct{} { return b.changed }

// Status is computed from the spooler's printer list (which carries the
// queued counts), so it costs no disk reads.
func (b *trayBackend) Status() tray.Status {
	sp := b.a.spooler
	st := tray.Status{
		Paused:                sp.Paused(),
		PendingSites:          b.a.sites.PendingCount(),
		Version:               version,
		StartAtLoginSupported: autostart.Supported,
	}
	if on, err := autostart.Enabled(); err == nil {
		st.StartAtLogin = on
	}
	printers := sp.Printers()
	// A stable order: physical printers by name, the virtual one last.
	slices.SortStableFunc(printers, func(x, y printing.Printer) int {
		if (x.Connection == printing.ConnVirtual) != (y.Connection == printing.ConnVirtual) {
			if x.Connection == printing.ConnVirtual {
				return 1
			}
			return -1
		}
		if c := strings.Compare(strings.ToLower(x.Name), strings.ToLower(y.Name)); c != 0 {
			return c
		}
		return strings.Compare(x.ID, y.ID)
	})
	for _, p := range printers {
		offline := p.Status.State == printing.PrinterOffline || p.Status.State == printing.PrinterError
		st.Printers = append(st.Printers, tray.Printer{ID: p.ID, Name: p.Name, Default: p.IsDefault, Offline: offline})
		st.QueuedJobs += p.Queued
		if offline || slices.Contains(p.Status.Reasons, printing.ReasonPaused) {
			st.HeldJobs += p.Queued
		}
		if offline && (p.Queued > 0 || p.IsDefault) {
			st.Problems = append(st.Problems, p.Name+" is "+p.Status.State)
		}
	}
	return st
}

func (b *trayBackend) SetDefaultPrinter(id string) error {
	_, err := b.a.spooler.SetDefault(id)
	return err
}

func (b *trayBackend) SetPaused(paused bool) error {
	b.a.spooler.SetPaused(paused)
	return nil
}

func (b *trayBackend) SetStartAtLogin(on bool) error {
	defer b.notify()
	if err := autostart.Set(on); err != nil {
		return err
	}
	b.a.log.Info("start at login changed from the tray", "on", on)
	return nil
}

// PanelURL opens the panel signed in: each call mints a one-time login
// code (the tray runs as the desktop user, in the agent's process). The
// browser keeps the #page across /login's redirect to the panel.
func (b *trayBackend) PanelURL(page tray.Page) string {
	return b.a.panelLoginURL() + "#" + string(page)
}
