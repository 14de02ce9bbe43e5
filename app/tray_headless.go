package main

import (
	"context"
	"log/slog"
	"strconv"
)

// runHeadless keeps the agent running without a tray (no tray host, or a
// build without one) until ctx ends (SIGINT, SIGTERM), then stops it.
func runHeadless(ctx context.Context, a *agent, log *slog.Logger, why string) error {
	log.Info("running headless: no tray icon", "reason", why, "panel", a.panelURL())
	<-ctx.Done()
	log.Info("stopping on signal")
	return stopAgent(a)
}

// panelURL is the local web panel's address.
func (a *agent) panelURL() string {
	return "http://127.0.0.1:" + strconv.Itoa(a.port) + "/"
}
