package main

import (
	"context"
	"log/slog"
)

// runHeadless keeps the agent running without a tray (no tray host, or a
// build without one) until ctx ends (SIGINT, SIGTERM), then stops it.
func runHeadless(ctx context.Context, a *agent, log *slog.Logger, why string) error {
	log.Info("running headless: no tray icon", "reason", why, "panel", a.panelURL())
	<-ctx.Done()
	log.Info("stopping on signal")
	return stopAgent(a)
}
