package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/labelbridge/labelbridge/client"
	"github.com/labelbridge/labelbridge/config"
	"github.com/labelbridge/labelbridge/printing"
)

// runBench is the load benchmark: N WebSocket clients each send M raw jobs
// to the virtual printer of an agent running in this process, on loopback.
// The same clients then run against a bare floor server (WebSocket read →
// write to the same kind of sink, no store) so the agent's cost is a ratio.
func runBench(args []string) error {
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
	if *clients < 1 || *jobs < 1 || *size < 1 {
		return fmt.Errorf("bench: --clients, --jobs and --size must be at least 1")
	}
	home, err := os.MkdirTemp("", "labelbridge-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(home)
	load := benchLoad{clients: *clients, jobs: *jobs, size: *size, rate: *rate}

	agentRes, err := benchAgent(home, *sinkDir, load)
	if err != nil {
		return err
	}
	results := map[string]*benchResult{"agent": agentRes}
	if *floor {
		floorDir := filepath.Join(home, "floor")
		if *sinkDir != "" {
			floorDir = filepath.Join(*sinkDir, "floor")
		}
		fl, err := benchFloor(floorDir, load)
		if err != nil {
			return err
		}
		results["floor"] = fl
		agentRes.RatioToFloor = agentRes.JobsPerSec / fl.JobsPerSec
	}
	agentRes.PeakRSSMiB = peakRSSMiB()
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(results)
	}
	fmt.Printf("load: %d clients × %d jobs of %d bytes", load.clients, load.jobs, load.size)
	if load.rate > 0 {
		fmt.Printf(", paced at %.0f jobs/s", load.rate)
	}
	fmt.Println()
	for _, name := range []string{"agent", "floor"} {
		r := results[name]
		if r == nil {
			continue
		}
		fmt.Printf("%-6s %8.0f jobs/s  ack p50 %6.2f ms  p99 %6.2f ms", name, r.JobsPerSec, r.AckP50ms, r.AckP99ms)
		if name == "agent" {
			fmt.Printf("  submit→written p50 %6.2f ms  p99 %6.2f ms  commits %d (%.1f jobs/commit)", r.DoneP50ms, r.DoneP99ms, r.Commits, r.JobsPerCommit)
		}
		fmt.Println()
	}
	if agentRes.RatioToFloor > 0 {
		fmt.Printf("ratio to floor: %.2f\n", agentRes.RatioToFloor)
	}
	fmt.Printf("peak RSS of this process: %.1f MiB\n", agentRes.PeakRSSMiB)
	return nil
}

type benchLoad struct {
	clients, jobs, size int
	rate                float64
}

type benchResult struct {
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

func benchAgent(home, sinkDir string, load benchLoad) (*benchResult, error) {
	paths := config.Paths{ConfigDir: filepath.Join(home, "config"), DataDir: filepath.Join(home, "data"), LogDir: ""}
	paths.ConfigFile = filepath.Join(paths.ConfigDir, "config.json")
	paths.TokenFile = filepath.Join(paths.ConfigDir, "token")
	off := false
	if err := config.NewWriter(paths.ConfigFile).Update(func(c *config.Config) error {
		c.USB = &off
		c.Limits.QueueDepth = load.clients*load.jobs + 1
		c.Virtual.Keep = load.clients*load.jobs + 1
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
	a, err := startTemporaryAgent(cfg, "error")
	if err != nil {
		return nil, err
	}
	defer stopAgent(a)
	c0, c1 := a.store.CommitStats()
	res, err := drive(client.URL(a.port), load, true)
	if err != nil {
		return nil, err
	}
	c2, c3 := a.store.CommitStats()
	res.Commits = c2 - c0
	if res.Commits > 0 {
		res.JobsPerCommit = float64(c3-c1) / float64(res.Commits)
	}
	return res, nil
}

// drive runs the clients against url and measures.
func drive(url string, load benchLoad, waitDone bool) (*benchResult, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	payload := make([]byte, load.size)
	copy(payload, "^XA^FO20,20^A0N,30,30^FD")
	for i := 25; i < len(payload)-9; i++ {
		payload[i] = 'A' + byte(i%26)
	}
	copy(payload[max(len(payload)-9, 0):], "^FS^XZ\n")
	b64 := base64.StdEncoding.EncodeToString(payload)

	conns := make([]*client.Client, load.clients)
	for i := range conns {
		// One origin per client, like separate stations: each sees only its own jobs' events.
		c, err := client.Dial(ctx, url, client.Options{Origin: fmt.Sprintf("http://localhost:%d", 8000+i), EventBuffer: load.jobs*4 + 16})
		if err != nil {
			return nil, fmt.Errorf("client %d: %w", i, err)
		}
		defer c.Close()
		if waitDone {
			if err := c.Subscribe(ctx, "jobs"); err != nil {
				return nil, err
			}
		}
		conns[i] = c
	}
	var (
		mu      sync.Mutex
		acks    []time.Duration
		dones   []time.Duration
		failed  atomic.Int64
		firstEr error
	)
	var tick <-chan time.Time
	if load.rate > 0 {
		t := time.NewTicker(time.Duration(float64(time.Second) / load.rate))
		defer t.Stop()
		tick = t.C
	}
	tickets := make(chan struct{})
	if tick != nil {
		go func() {
			for range load.clients * load.jobs {
				select {
				case <-tick:
					tickets <- struct{}{}
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	start := time.Now()
	var lastAck atomic.Int64 // ns since start
	var wg sync.WaitGroup
	for _, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sent := map[string]time.Time{}
			myAcks := make([]time.Duration, 0, load.jobs)
			for range load.jobs {
				if tick != nil {
					<-tickets
				}
				t0 := time.Now()
				job, err := c.Print(ctx, client.PrintParams{Raw: &client.Raw{Language: "zpl", Base64: &b64}})
				if err != nil {
					if failed.Add(1) == 1 {
						mu.Lock()
						firstEr = err
						mu.Unlock()
					}
					continue
				}
				myAcks = append(myAcks, time.Since(t0))
				sent[job.ID] = t0
			}
			for done := int64(time.Since(start)); ; {
				prev := lastAck.Load()
				if done <= prev || lastAck.CompareAndSwap(prev, done) {
					break
				}
			}
			var myDones []time.Duration
			if waitDone {
				myDones = waitAllDone(ctx, c, sent)
			}
			mu.Lock()
			acks = append(acks, myAcks...)
			dones = append(dones, myDones...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Duration(lastAck.Load())
	if n := failed.Load(); n > 0 {
		return nil, fmt.Errorf("%d prints failed, first: %w", n, firstEr)
	}
	if waitDone && len(dones) != len(acks) {
		return nil, fmt.Errorf("%d of %d jobs reported done", len(dones), len(acks))
	}
	res := &benchResult{Jobs: len(acks), Seconds: elapsed.Seconds()}
	res.AckP50ms, res.AckP99ms = percentile(acks, 50), percentile(acks, 99)
	res.DoneP50ms, res.DoneP99ms = percentile(dones, 50), percentile(dones, 99)
	// Throughput counts acknowledgements: when the last job was durably accepted.
	res.JobsPerSec = float64(len(acks)) / elapsed.Seconds()
	return res, nil
}

// waitAllDone collects submit→done latencies from job events (nothing
// to wait for when sent is empty or the server sends no events).
func waitAllDone(ctx context.Context, c *client.Client, sent map[string]time.Time) []time.Duration {
	var out []time.Duration
	if len(sent) == 0 {
		return out
	}
	for len(out) < len(sent) {
		select {
		case n, ok := <-c.Events():
			if !ok {
				return out
			}
			var j struct {
				ID    string
				State printing.JobState
			}
			if json.Unmarshal(n.Params, &j) != nil || j.State != printing.JobDone {
				continue
			}
			if t0, ok := sent[j.ID]; ok {
				out = append(out, n.Received.Sub(t0))
			}
		case <-ctx.Done():
			return out
		case <-time.After(30 * time.Second):
			return out // events stopped: report what arrived
		}
	}
	return out
}

func percentile(ds []time.Duration, p int) float64 {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := min(len(s)-1, (len(s)*p+99)/100-1)
	return float64(s[max(i, 0)]) / float64(time.Millisecond)
}

// benchFloor runs the clients against a bare server: read the message,
// decode it, write the bytes to a file, reply. No store, no queue.
func benchFloor(dir string, load benchLoad) (*benchResult, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	var seq atomic.Int64
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true})
		if err != nil {
			return
		}
		defer ws.CloseNow()
		ws.SetReadLimit(16 << 20)
		for {
			_, data, err := ws.Read(r.Context())
			if err != nil {
				return
			}
			var req struct {
				ID     json.RawMessage
				Params struct{ Raw struct{ Base64 string } }
			}
			if json.Unmarshal(data, &req) != nil {
				return
			}
			body, _ := base64.StdEncoding.DecodeString(req.Params.Raw.Base64)
			n := seq.Add(1)
			name := filepath.Join(dir, fmt.Sprintf("%012d.zpl", n))
			if err := os.WriteFile(name+".tmp", body, 0o600); err == nil {
				_ = os.Rename(name+".tmp", name)
			}
			reply, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": req.ID, "result": map[string]any{"job": map[string]any{"id": fmt.Sprint(n), "state": "done"}}})
			if ws.Write(r.Context(), websocket.MessageText, reply) != nil {
				return
			}
		}
	})}
	go func() { _ = srv.Serve(l) }()
	defer srv.Close()
	res, err := drive("ws://"+l.Addr().String()+"/ws", load, false)
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return nil, err
	}
	return res, nil
}
