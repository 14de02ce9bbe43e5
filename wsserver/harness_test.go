package wsserver_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/client"
	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/printing/store"
	"github.com/labelbridge/labelbridge/sites"
	"github.com/labelbridge/labelbridge/wsserver"
)

const (
	pageOrigin = "http://localhost:3000"
	token      = "0123456789abcdef0123456789abcdef-test-token"
)

// sink is a transport that records bytes; block makes it hold every job.
type sink struct {
	mu    sync.Mutex
	data  []string
	block bool
}

func (s *sink) Send(ctx context.Context, _ printing.Job, data []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.block {
		return &printing.HoldError{Why: printing.ReasonPaperOut}
	}
	s.data = append(s.data, string(data))
	return nil
}

type env struct {
	t     testing.TB
	port  int
	url   string
	store *store.Store
	sp    *printing.Spooler
	sites *sites.Registry
	srv   *wsserver.Server
	sink  *sink
}

func newEnv(t testing.TB, mutate func(*wsserver.Options, *printing.Options)) *env {
	t.Helper()
	return newEnvWith(t, mutate, envWrap{})
}

// envWrap lets a test wrap the listener (e.g. small socket buffers) or the
// spooler the server sees (e.g. to record calls).
type envWrap struct {
	listener func(net.Listener) net.Listener
	spooler  func(*printing.Spooler) wsserver.Spooler
}

func newEnvWith(t testing.TB, mutate func(*wsserver.Options, *printing.Options), wrap envWrap) *env {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "jobs.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sopt := printing.Options{QueueDepth: 5, MaxJobBytes: 1 << 20, RetryMin: time.Hour}
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	wopt := wsserver.Options{Port: port, Version: "test", Token: token, MaxMessageBytes: 1 << 20}
	if mutate != nil {
		mutate(&wopt, &sopt)
	}
	sp := printing.New(st, nil, sopt)
	if err := sp.Start(); err != nil {
		t.Fatal(err)
	}
	reg, err := sites.New(sites.Options{Defaults: []string{"http://localhost:*", "http://127.0.0.1:*"}})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, port: port, url: client.URL(port), store: st, sp: sp, sites: reg, sink: &sink{}}
	sp.Attach(printing.Printer{ID: "virtual", Name: "Virtual", Connection: printing.ConnVirtual, Language: "zpl", DPI: 203}, e.sink)
	sp.Attach(printing.Printer{ID: "blocked", Name: "Blocked", Connection: printing.ConnNetwork, Language: "zpl"}, &sink{block: true})
	if _, err := sp.SetDefault("virtual"); err != nil {
		t.Fatal(err)
	}
	var wsp wsserver.Spooler = sp
	if wrap.spooler != nil {
		wsp = wrap.spooler(sp)
	}
	if wrap.listener != nil {
		l = wrap.listener(l)
	}
	e.srv = wsserver.New(wsp, reg, wopt)
	e.srv.Serve([]net.Listener{l})
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = e.srv.Shutdown(ctx)
		_ = sp.Stop(ctx)
		_ = st.Close()
	})
	return e
}

func (e *env) dial(opt client.Options) *client.Client {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := client.Dial(ctx, e.url, opt)
	if err != nil {
		e.t.Fatalf("dial: %v", err)
	}
	e.t.Cleanup(func() { c.Close() })
	return c
}

func (e *env) page() *client.Client { return e.dial(client.Options{Origin: pageOrigin}) }

func (e *env) jobCount() int {
	jobs, err := e.store.List(printing.JobFilter{})
	if err != nil {
		e.t.Fatal(err)
	}
	return len(jobs)
}

// waitState waits for a job event with the given state (Subscribe first).
func waitState(t *testing.T, c *client.Client, id string, state printing.JobState) {
	t.Helper()
	if j, err := c.Job(ctx(t), id); err == nil && j.State == state {
		return
	}
	deadline := time.After(10 * time.Second)
	for {
		select {
		case n, ok := <-c.Events():
			if !ok {
				t.Fatal("connection closed")
			}
			var j printing.Job
			if n.Method == "job" && json.Unmarshal(n.Params, &j) == nil && j.ID == id && j.State == state {
				return
			}
		case <-deadline:
			t.Fatalf("job %s never reached %s", id, state)
		}
	}
}

func ctx(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

func str(s string) *string { return &s }

func reasonOf(err error) string {
	var ce *client.Error
	if errors.As(err, &ce) {
		return ce.Reason
	}
	return ""
}
