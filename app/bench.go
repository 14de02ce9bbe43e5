package main

import (
	"os"

	"github.com/labelbridge/labelbridge/client"
	"github.com/labelbridge/labelbridge/config"
	"github.com/labelbridge/labelbridge/internal/bench"
)

// runBench is `labelbridge bench`: the load benchmark (internal/bench)
// against a temporary agent in this process.
func runBench(args []string) error {
	return bench.Main(args, os.Stdout, startBenchAgent)
}

// startBenchAgent starts the agent under test on an ephemeral port,
// logging errors only.
func startBenchAgent(cfg *config.Loaded) (bench.Agent, error) {
	a, err := startTemporaryAgent(cfg, "error")
	if err != nil {
		return nil, err
	}
	return benchAgent{a}, nil
}

// benchAgent adapts the agent to bench.Agent.
type benchAgent struct{ a *agent }

func (b benchAgent) URL() string                       { return client.URL(b.a.port) }
func (b benchAgent) CommitStats() (commits, ops int64) { return b.a.store.CommitStats() }
func (b benchAgent) Stop() error                       { return stopAgent(b.a) }
