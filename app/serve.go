package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/labelbridge/labelbridge/config"
	"github.com/labelbridge/labelbridge/internal/logging"
)

// loadConfig resolves the paths and loads the config; portFlag (when > 0)
// wins over everything.
func loadConfig(portFlag int) (*config.Loaded, error) {
	paths, err := config.DefaultPaths()
	if err != nil {
		return nil, err
	}
	cfg, err := config.Load(paths)
	if err != nil {
		return nil, err
	}
	if portFlag > 0 {
		cfg.Port = portFlag
	}
	return cfg, nil
}

// agentLogger is the agent's logger: stderr and the log file.
func agentLogger(cfg *config.Loaded) (*slog.Logger, io.Closer, error) {
	return logging.New(cfg.LogLevel, cfg.Paths.LogDir, os.Stderr)
}

// startFromFlags parses a mode's flags (--port), loads the config, opens
// the log and starts the agent: what serve and the tray mode share. The
// closer closes the log file.
func startFromFlags(mode string, args []string) (*agent, *slog.Logger, io.Closer, error) {
	fs := flag.NewFlagSet(mode, flag.ContinueOnError)
	port := fs.Int("port", 0, "port to listen on (default: config, LABELBRIDGE_PORT or 19810)")
	if err := fs.Parse(args); err != nil {
		return nil, nil, nil, err
	}
	if fs.NArg() > 0 {
		return nil, nil, nil, fmt.Errorf("%s: unexpected argument %q", mode, fs.Arg(0))
	}
	cfg, err := loadConfig(*port)
	if err != nil {
		return nil, nil, nil, err
	}
	log, closer, err := agentLogger(cfg)
	if err != nil {
		return nil, nil, nil, err
	}
	a, err := startAgent(cfg, log, agentOptions{})
	if err != nil {
		closer.Close()
		return nil, nil, nil, err
	}
	return a, log, closer, nil
}

func runServe(args []string) error {
	a, log, closer, err := startFromFlags("serve", args)
	if err != nil {
		return err
	}
	defer closer.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return runHeadless(ctx, a, log, "serve mode")
}

// stopAgent stops an agent, giving a send under way 10 s to finish.
func stopAgent(a *agent) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return a.stop(ctx)
}

func runPaths(args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("paths takes no arguments")
	}
	p, err := config.DefaultPaths()
	if err != nil {
		return err
	}
	fmt.Printf("config file:  %s\nadmin policy: %s\ndata:         %s\nlogs:         %s\n", p.ConfigFile, p.PolicyFile, p.DataDir, p.LogDir)
	return nil
}
