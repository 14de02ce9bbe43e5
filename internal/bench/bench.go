// Package bench is the load benchmark behind `labelbridge bench`: N
// WebSocket clients, each from its own origin, send M raw ZPL jobs each to
// the virtual printer of an agent on loopback, one at a time per client
// (each waits for its acknowledgement, as a page would). The same clients
// then run against a bare floor server (WebSocket read → write the bytes to
// a file, no store, no queue), so the agent's cost is a ratio. It reports
// jobs/s, acknowledgement and submit→written latency, group commits and the
// process's peak RSS (docs/benchmarks.md has the figures).
//
// The agent is started by the caller (the composition root) through a
// StartFunc: this package knows only the client side and the config.
package bench

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/labelbridge/labelbridge/config"
)

// Agent is an agent under test, listening on loopback.
type Agent interface {
	// URL is its WebSocket endpoint (ws://127.0.0.1:PORT/ws).
	URL() string
	// CommitStats are its job store's group commits and the operations
	// they carried, so far.
	CommitStats() (commits, ops int64)
	// Stop stops it.
	Stop() error
}

// StartFunc starts an agent for cfg on an ephemeral loopback port.
type StartFunc func(cfg *config.Loaded) (Agent, error)

// Load is what the clients send.
type Load struct {
	Clients int     // concurrent WebSocket clients
	Jobs    int     // jobs per client
	Size    int     // bytes of raw ZPL per job
	Rate    float64 // paced total jobs/s (0: as fast as acks allow)
}

// Result is one run's figures (the --json output's shape).
type Result struct {
	Jobs          int     `json:"jobs"`
	Seconds       float64 `json:"seconds"`
	JobsPerSec    float64 `json:"jobsPerSec"`
	AckP50ms      float64 `json:"ackP50ms"`
	AckP99ms      float64 `json:"ackP99ms"`
	DoneP50ms     float64 `json:"submitToWrittenP50ms,omitempty"`
	DoneP99ms     float64 `json:"submitToWrittenP99ms,omitempty"`
	Commits       int64   `json:"commits,omitempty"`
	JobsPerCommit float64 `json:"jobsPerCommit,omitempty"`
	RatioToFloor  float64 `json:"ratioToFloor,omitempty"`
	PeakRSSMiB    float64 `json:"peakRSSMiB,omitempty"`
}

// Main is `labelbridge bench [flags]`: it parses args, runs the agent
// (started with start) and the floor, and writes the report to stdout.
func Main(args []string, stdout io.Writer, start StartFunc) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	sinkDir := fs.String("sink", "", "folder for the virtual printer's files and the floor's (default: a temp folder beside the store)")
	clients := fs.Int("clients", 50, "concurrent WebSocket clients")
	jobs := fs.Int("jobs", 100, "jobs per client")
	size := fs.Int("size", 300, "bytes of raw ZPL per job")
	rate := fs.Float64("rate", 0, "paced total jobs/s (0: as fast as acks allow)")
	floor := fs.Bool("floor", true, "also measure the bare floor server")
	asJSON := fs.Bool("json", false, "print the results as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("bench: unexpected argument %q", fs.Arg(0))
	}
	if *clients < 1 || *jobs < 1 || *size < 1 {
		return fmt.Errorf("bench: --clients, --jobs and --size must be at least 1")
	}
	if *rate < 0 {
		return fmt.Errorf("bench: --rate must be 0 (as fast as acks allow) or more, got %g", *rate)
	}
	home, err := os.MkdirTemp("", "labelbridge-bench-")
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	defer os.RemoveAll(home)
	load := Load{Clients: *clients, Jobs: *jobs, Size: *size, Rate: *rate}

	agentRes, err := runAgent(home, *sinkDir, load, start)
	if err != nil {
		return fmt.Errorf("bench: agent: %w", err)
	}
	results := map[string]*Result{"agent": agentRes}
	if *floor {
		floorDir := filepath.Join(home, "floor")
		if *sinkDir != "" {
			floorDir = filepath.Join(*sinkDir, "floor")
		}
		fl, err := runFloor(floorDir, load)
		if err != nil {
			return fmt.Errorf("bench: floor: %w", err)
		}
		results["floor"] = fl
		agentRes.RatioToFloor = agentRes.JobsPerSec / fl.JobsPerSec
	}
	agentRes.PeakRSSMiB = peakRSSMiB()
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(results)
	}
	return report(stdout, load, results)
}

// report writes the human-readable results.
func report(w io.Writer, load Load, results map[string]*Result) error {
	fmt.Fprintf(w, "load: %d clients × %d jobs of %d bytes", load.Clients, load.Jobs, load.Size)
	if load.Rate > 0 {
		fmt.Fprintf(w, ", paced at %.0f jobs/s", load.Rate)
	}
	fmt.Fprintln(w)
	for _, name := range []string{"agent", "floor"} {
		r := results[name]
		if r == nil {
			continue
		}
		fmt.Fprintf(w, "%-6s %8.0f jobs/s  ack p50 %6.2f ms  p99 %6.2f ms", name, r.JobsPerSec, r.AckP50ms, r.AckP99ms)
		if name == "agent" {
			fmt.Fprintf(w, "  submit→written p50 %6.2f ms  p99 %6.2f ms  commits %d (%.1f jobs/commit)", r.DoneP50ms, r.DoneP99ms, r.Commits, r.JobsPerCommit)
		}
		fmt.Fprintln(w)
	}
	agent := results["agent"]
	if agent == nil {
		return nil
	}
	if agent.RatioToFloor > 0 {
		fmt.Fprintf(w, "ratio to floor: %.2f\n", agent.RatioToFloor)
	}
	_, err := fmt.Fprintf(w, "peak RSS of this process: %.1f MiB\n", agent.PeakRSSMiB)
	return err
}

// runAgent writes a config for the load in home (USB off, queue and
// virtual printer history big enough), starts the agent and drives it.
func runAgent(home, sinkDir string, load Load, start StartFunc) (*Result, error) {
	paths := config.Paths{ConfigDir: filepath.Join(home, "config"), DataDir: filepath.Join(home, "data"), LogDir: ""}
	paths.ConfigFile = filepath.Join(paths.ConfigDir, "config.json")
	paths.TokenFile = filepath.Join(paths.ConfigDir, "token")
	off := false
	if err := config.NewWriter(paths.ConfigFile).Update(func(c *config.Config) error {
		c.USB = &off
		c.Limits.QueueDepth = load.Clients*load.Jobs + 1
		c.Virtual.Keep = load.Clients*load.Jobs + 1
		if sinkDir != "" {
			c.Virtual.Dir = filepath.Join(sinkDir, "agent")
		}
		return nil
	}); err != nil {
		return nil, err
	}
	cfg, err := config.Load(paths)
	if err != nil {
		return nil, err
	}
	a, err := start(cfg)
	if err != nil {
		return nil, err
	}
	defer a.Stop()
	c0, c1 := a.CommitStats()
	res, err := drive(a.URL(), load, true)
	if err != nil {
		return nil, err
	}
	c2, c3 := a.CommitStats()
	res.Commits = c2 - c0
	if res.Commits > 0 {
		res.JobsPerCommit = float64(c3-c1) / float64(res.Commits)
	}
	return res, nil
}
