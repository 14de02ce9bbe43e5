package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// runTray runs the agent with its tray icon. Until the tray lands this runs
// headless, like serve, and says so.
func runTray(args []string) error {
	if len(args) > 0 {
		return runServe(args)
	}
	cfg, err := loadConfig(0)
	if err != nil {
		return err
	}
	log, closer, err := agentLogger(cfg)
	if err != nil {
		return err
	}
	defer closer.Close()
	a, err := startAgent(cfg, log, agentOptions{})
	if err != nil {
		return err
	}
	log.Info("running headless: no tray in this build")
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	return stopAgent(a)
}
