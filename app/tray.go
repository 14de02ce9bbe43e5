package main

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/labelbridge/labelbridge/internal/traybackend"
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
	b := traybackend.New(traybackend.Options{Spooler: a.spooler, Sites: a.sites, Version: version,
		PanelLoginURL: a.panelLoginURL, Logger: log, Fleet: a.fleet, Problems: a.ports.Problems})
	defer b.Close()
	a.ports.OnChange(b.Notify)
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
