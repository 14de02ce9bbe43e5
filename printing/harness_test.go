package printing_test

import (
	"bytes"
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/printing/store"
)

// recorder is a transport that keeps what it was sent.
type recorder struct {
	mu   sync.Mutex
	jobs []printing.Job
	data [][]byte
	// fail, when set, decides the outcome of each send.
	fail func(n int) error
}

func (r *recorder) Send(ctx context.Context, j printing.Job, data []byte) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		if err := r.fail(len(r.jobs)); err != nil {
			r.jobs = append(r.jobs, printing.Job{}) // count the attempt
			r.data = append(r.data, nil)
			return err
		}
	}
	r.jobs = append(r.jobs, j)
	r.data = append(r.data, bytes.Clone(data))
	return nil
}

func (r *recorder) sent() [][]byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out [][]byte
	for _, d := range r.data {
		if d != nil {
			out = append(out, d)
		}
	}
	return out
}

// staller blocks every send until its context ends.
type staller struct{ calls chan struct{} }

func (s *staller) Send(ctx context.Context, _ printing.Job, _ []byte) error {
	select {
	case s.calls <- struct{}{}:
	default:
	}
	<-ctx.Done()
	return ctx.Err()
}

type harness struct {
	t     *testing.T
	dir   string
	store *store.Store
	sp    *printing.Spooler
	sub   *printing.Subscription
	opt   printing.Options
	// wrap, when set, puts a test double around the real store.
	wrap func(*store.Store) printing.JobStore
}

func newHarness(t *testing.T, opt printing.Options) *harness {
	t.Helper()
	h := &harness{t: t, dir: t.TempDir(), opt: opt}
	h.open()
	return h
}

func (h *harness) open() {
	h.t.Helper()
	st, err := store.Open(filepath.Join(h.dir, "jobs.db"), store.Options{})
	if err != nil {
		h.t.Fatal(err)
	}
	h.store = st
	var js printing.JobStore = st
	if h.wrap != nil {
		js = h.wrap(st)
	}
	h.sp = printing.New(js, nil, h.opt)
	h.sub = h.sp.Subscribe(100000)
	if err := h.sp.Start(); err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(h.close)
}

func (h *harness) close() {
	if h.sp == nil {
		return
	}
	// Healthy workers stop at once; a stalled send is cut off after this.
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_ = h.sp.Stop(ctx)
	_ = h.store.Close()
	h.sp = nil
}

func (h *harness) attach(id string, t printing.Transport) {
	h.sp.Attach(printing.Printer{ID: id, Name: id, Connection: printing.ConnNetwork, Language: "zpl"}, t)
}

func (h *harness) submit(req printing.Request) printing.SubmitResult {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r, err := h.sp.SubmitWait(ctx, req)
	if err != nil {
		h.t.Fatalf("submit: %v", err)
	}
	return r
}

// waitJob waits (on events, with a deadline) until job id is in state.
func (h *harness) waitJob(id string, state printing.JobState) printing.Job {
	h.t.Helper()
	if j, err := h.sp.Job(id); err == nil && j.State == state {
		return j
	}
	deadline := time.After(10 * time.Second)
	for {
		select {
		case e := <-h.sub.C:
			if e.Kind == printing.EventJob && e.Job.ID == id && e.Job.State == state {
				return e.Job
			}
		case <-deadline:
			j, _ := h.sp.Job(id)
			h.t.Fatalf("job %s: want state %s, still %s (%s %s)", id, state, j.State, j.Reason, j.Detail)
		}
	}
}

func raw(s string) printing.Request {
	return printing.Request{Raw: []byte(s), Origin: "http://localhost:3000"}
}
