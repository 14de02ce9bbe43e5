package printing_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
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

func TestSubmitPrintsBytesInOrder(t *testing.T) {
	h := newHarness(t, printing.Options{})
	rec := &recorder{}
	h.attach("p1", rec)
	var last printing.Job
	for i := range 50 {
		req := raw(fmt.Sprintf("^XA^FDjob %d^FS^XZ", i))
		req.Printer = "p1"
		last = h.submit(req).Job
	}
	h.waitJob(last.ID, printing.JobDone)
	got := rec.sent()
	if len(got) != 50 {
		t.Fatalf("sent %d jobs, want 50", len(got))
	}
	for i, d := range got {
		if want := fmt.Sprintf("^XA^FDjob %d^FS^XZ", i); string(d) != want {
			t.Fatalf("job %d: sent %q, want %q", i, d, want)
		}
	}
}

func TestCopiesRepeatRawData(t *testing.T) {
	h := newHarness(t, printing.Options{})
	rec := &recorder{}
	h.attach("p1", rec)
	req := raw("AB")
	req.Printer, req.Copies = "p1", 3
	j := h.submit(req).Job
	if j.Copies != 3 || j.Bytes != 6 {
		t.Fatalf("job = %+v, want copies 3 and 6 bytes", j)
	}
	h.waitJob(j.ID, printing.JobDone)
	if got := rec.sent(); len(got) != 1 || string(got[0]) != "ABABAB" {
		t.Fatalf("sent %q", got)
	}
}

func TestDefaultPrinterChoice(t *testing.T) {
	h := newHarness(t, printing.Options{})
	h.sp.Attach(printing.Printer{ID: printing.VirtualPrinterID, Connection: printing.ConnVirtual, Language: "zpl"}, &recorder{})
	if got := h.sp.DefaultPrinter(); got != printing.VirtualPrinterID {
		t.Fatalf("default with only the virtual printer = %q", got)
	}
	h.sp.Attach(printing.Printer{ID: "usb:0a5f:0080:X", Connection: printing.ConnUSB, Language: "zpl"}, &recorder{})
	if got := h.sp.DefaultPrinter(); got != "usb:0a5f:0080:X" {
		t.Fatalf("default with the sole USB printer = %q, want it over the virtual one", got)
	}
	if _, err := h.sp.SetDefault(printing.VirtualPrinterID); err != nil {
		t.Fatal(err)
	}
	if got := h.sp.DefaultPrinter(); got != printing.VirtualPrinterID {
		t.Fatalf("default after SetDefault = %q", got)
	}
	if _, err := h.sp.SetDefault("nope"); printing.ReasonOf(err, "") != printing.ErrReasonPrinterNotFound {
		t.Fatalf("SetDefault(nope) = %v, want printer_not_found", err)
	}
	list := h.sp.Printers()
	if len(list) != 2 || !list[0].IsDefault || list[0].ID != printing.VirtualPrinterID || list[1].IsDefault {
		t.Fatalf("printers = %+v: want the default first and flagged", list)
	}
}

func TestRequestErrors(t *testing.T) {
	h := newHarness(t, printing.Options{QueueDepth: 2, MaxJobBytes: 100})
	h.attach("p1", &staller{calls: make(chan struct{}, 1)})
	cases := []struct {
		name   string
		req    printing.Request
		reason string
	}{
		{"unknown printer", printing.Request{Printer: "nope", Raw: []byte("x")}, printing.ErrReasonPrinterNotFound},
		{"no data", printing.Request{Printer: "p1"}, printing.ErrReasonInvalidParams},
		{"empty raw", printing.Request{Printer: "p1", Raw: []byte{}}, printing.ErrReasonInvalidParams},
		{"too big", printing.Request{Printer: "p1", Raw: make([]byte, 101)}, printing.ErrReasonPayloadTooLarge},
		{"copies make it too big", printing.Request{Printer: "p1", Raw: make([]byte, 40), Copies: 3}, printing.ErrReasonPayloadTooLarge},
		{"negative copies", printing.Request{Printer: "p1", Raw: []byte("x"), Copies: -1}, printing.ErrReasonInvalidParams},
		{"label without compiler", printing.Request{Printer: "p1", Label: []byte(`{}`)}, printing.ErrReasonInvalidParams},
		{"language mismatch", printing.Request{Printer: "p1", Raw: []byte("x"), Language: "tspl"}, "language_mismatch"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := <-h.sp.Submit(c.req)
			if got := printing.ReasonOf(r.Err, ""); got != c.reason {
				t.Fatalf("reason = %q (%v), want %q", got, r.Err, c.reason)
			}
		})
	}
	t.Run("queue full", func(t *testing.T) {
		h.submit(printing.Request{Printer: "p1", Raw: []byte("1")})
		h.submit(printing.Request{Printer: "p1", Raw: []byte("2")})
		r := <-h.sp.Submit(printing.Request{Printer: "p1", Raw: []byte("3")})
		if got := printing.ReasonOf(r.Err, ""); got != printing.ErrReasonQueueFull {
			t.Fatalf("third job: %v, want queue_full", r.Err)
		}
	})
}

// A printer that stalls holds only its own jobs: the healthy printer's jobs
// all finish.
func TestHeadOfLineIsolation(t *testing.T) {
	h := newHarness(t, printing.Options{SendTimeout: 50 * time.Millisecond, RetryMin: time.Hour})
	stall := &staller{calls: make(chan struct{}, 1)}
	healthy := &recorder{}
	h.attach("stuck", stall)
	h.attach("ok", healthy)
	var stuckJobs []printing.Job
	for i := range 5 {
		req := raw(fmt.Sprint("stuck ", i))
		req.Printer = "stuck"
		stuckJobs = append(stuckJobs, h.submit(req).Job)
	}
	var last printing.Job
	for i := range 100 {
		req := raw(fmt.Sprint("ok ", i))
		req.Printer = "ok"
		last = h.submit(req).Job
	}
	h.waitJob(last.ID, printing.JobDone)
	if n := len(healthy.sent()); n != 100 {
		t.Fatalf("healthy printer printed %d of 100", n)
	}
	for _, j := range stuckJobs {
		got := h.waitJob(j.ID, printing.JobHeld)
		if got.Reason != printing.ReasonTimeout {
			t.Errorf("stuck job %s held with reason %q, want timeout", j.ID, got.Reason)
		}
	}
	p, err := h.sp.Printer("stuck")
	if err != nil {
		t.Fatal(err)
	}
	if p.Status.State != printing.PrinterError || p.Status.Reasons[0] != printing.ReasonTimeout {
		t.Fatalf("stuck printer status = %+v, want error/timeout", p.Status)
	}
}

func TestHeldJobRetriesAndPrints(t *testing.T) {
	h := newHarness(t, printing.Options{RetryMin: 10 * time.Millisecond, RetryMax: 20 * time.Millisecond})
	rec := &recorder{fail: func(n int) error {
		if n < 2 {
			return &printing.HoldError{Why: printing.ReasonPaperOut}
		}
		return nil
	}}
	h.attach("p1", rec)
	req := raw("hello")
	req.Printer = "p1"
	j := h.submit(req).Job
	held := h.waitJob(j.ID, printing.JobHeld)
	if held.Reason != printing.ReasonPaperOut {
		t.Fatalf("held reason = %q, want paper_out", held.Reason)
	}
	done := h.waitJob(j.ID, printing.JobDone)
	if done.Attempts != 3 {
		t.Fatalf("attempts = %d, want 3", done.Attempts)
	}
	if got := rec.sent(); len(got) != 1 || string(got[0]) != "hello" {
		t.Fatalf("sent %q", got)
	}
}

func TestPermanentErrorFails(t *testing.T) {
	h := newHarness(t, printing.Options{})
	h.attach("p1", &recorder{fail: func(int) error { return fmt.Errorf("printer said no: %w", printing.ErrPermanent) }})
	req := raw("x")
	req.Printer = "p1"
	j := h.submit(req).Job
	got := h.waitJob(j.ID, printing.JobFailed)
	if got.Reason != printing.ReasonSendFailed || got.Detail == "" {
		t.Fatalf("failed job = %+v", got)
	}
}

func TestHoldTimeoutFailsJob(t *testing.T) {
	h := newHarness(t, printing.Options{HoldTimeout: 30 * time.Millisecond, RetryMin: time.Hour})
	h.attach("p1", &recorder{fail: func(int) error { return &printing.HoldError{Why: printing.ReasonDisconnected} }})
	req := raw("x")
	req.Printer = "p1"
	j := h.submit(req).Job
	got := h.waitJob(j.ID, printing.JobFailed)
	if got.Reason != printing.ReasonHeldTooLong {
		t.Fatalf("reason = %q, want held_too_long", got.Reason)
	}
}

func TestPauseHoldsAndResumePrints(t *testing.T) {
	h := newHarness(t, printing.Options{HoldTimeout: time.Millisecond})
	rec := &recorder{}
	h.attach("p1", rec)
	h.sp.SetPaused(true)
	req := raw("x")
	req.Printer = "p1"
	j := h.submit(req).Job
	if j.State != printing.JobHeld || j.Reason != printing.ReasonPaused {
		t.Fatalf("job while paused = %s/%s, want held/paused", j.State, j.Reason)
	}
	h.sp.SetPaused(false)
	h.waitJob(j.ID, printing.JobDone) // paused time never counts towards HoldTimeout
}

func TestDetachHoldsAndReattachPrints(t *testing.T) {
	h := newHarness(t, printing.Options{})
	rec := &recorder{}
	h.attach("p1", rec)
	h.sp.Detach("p1")
	req := raw("x")
	req.Printer = "p1"
	j := h.submit(req).Job
	if j.State != printing.JobHeld || j.Reason != printing.ReasonDisconnected {
		t.Fatalf("job for a detached printer = %s/%s", j.State, j.Reason)
	}
	p, err := h.sp.Printer("p1")
	if err != nil || p.Status.State != printing.PrinterOffline {
		t.Fatalf("detached printer with jobs = %+v, %v: want listed offline", p, err)
	}
	h.attach("p1", rec)
	h.waitJob(j.ID, printing.JobDone)
}

func TestCancelAndRetry(t *testing.T) {
	h := newHarness(t, printing.Options{})
	rec := &recorder{}
	h.attach("p1", rec)
	h.sp.SetPaused(true)
	req := raw("x")
	req.Printer = "p1"
	j := h.submit(req).Job
	c, err := h.sp.Cancel(j.ID)
	if err != nil || c.State != printing.JobCanceled {
		t.Fatalf("cancel = %+v, %v", c, err)
	}
	if _, err := h.sp.Cancel(j.ID); printing.ReasonOf(err, "") != printing.ErrReasonInvalidState {
		t.Fatalf("second cancel = %v, want invalid_state", err)
	}
	if _, err := h.sp.Cancel("missing"); printing.ReasonOf(err, "") != printing.ErrReasonJobNotFound {
		t.Fatalf("cancel missing = %v, want job_not_found", err)
	}
	h.sp.SetPaused(false)
	r, err := h.sp.Retry(context.Background(), j.ID)
	if err != nil || r.ID != j.ID {
		t.Fatalf("retry = %+v, %v", r, err)
	}
	h.waitJob(j.ID, printing.JobDone)
	// Retrying a done job is a reprint: a new job with the same bytes.
	re, err := h.sp.Retry(context.Background(), j.ID)
	if err != nil || re.ID == j.ID {
		t.Fatalf("reprint = %+v, %v: want a new job", re, err)
	}
	h.waitJob(re.ID, printing.JobDone)
	if got := rec.sent(); len(got) != 2 {
		t.Fatalf("printed %d times, want 2", len(got))
	}
	if _, err := h.sp.Retry(context.Background(), "missing"); printing.ReasonOf(err, "") != printing.ErrReasonJobNotFound {
		t.Fatalf("retry missing = %v", err)
	}
}

func TestIdempotencyKeySurvivesRestart(t *testing.T) {
	h := newHarness(t, printing.Options{})
	rec := &recorder{}
	h.attach("p1", rec)
	req := raw("x")
	req.Printer, req.IdempotencyKey = "p1", "order-42"
	first := h.submit(req)
	again := h.submit(req)
	if !again.Existing || again.Job.ID != first.Job.ID {
		t.Fatalf("same key: %+v, want the first job back", again)
	}
	other := req
	other.Origin = "http://localhost:4000"
	if r := h.submit(other); r.Existing {
		t.Fatalf("same key from another origin must make a new job")
	}
	h.waitJob(first.Job.ID, printing.JobDone)
	h.close()
	h.open()
	h.attach("p1", rec)
	if r := h.submit(req); !r.Existing || r.Job.ID != first.Job.ID {
		t.Fatalf("after restart: %+v, want the first job back", r)
	}
}

// Jobs waiting when the agent stops print after it starts again; a job that
// was being sent is sent again (at-least-once for that job).
func TestRestartResumesJobs(t *testing.T) {
	h := newHarness(t, printing.Options{})
	h.attach("p1", &staller{calls: make(chan struct{}, 1)})
	var jobs []printing.Job
	for i := range 3 {
		req := raw(fmt.Sprint("job ", i))
		req.Printer = "p1"
		jobs = append(jobs, h.submit(req).Job)
	}
	h.waitJob(jobs[0].ID, printing.JobSending)
	h.close()
	h.open()
	rec := &recorder{}
	h.attach("p1", rec)
	h.waitJob(jobs[2].ID, printing.JobDone)
	got := rec.sent()
	if len(got) != 3 || string(got[0]) != "job 0" || string(got[2]) != "job 2" {
		t.Fatalf("after restart sent %q", got)
	}
	first, _ := h.sp.Job(jobs[0].ID)
	if first.Attempts != 2 {
		t.Fatalf("the in-flight job was attempted %d times, want 2", first.Attempts)
	}
}

func TestJobsListFilters(t *testing.T) {
	h := newHarness(t, printing.Options{})
	h.attach("p1", &recorder{})
	h.sp.SetPaused(true)
	a := h.submit(printing.Request{Printer: "p1", Raw: []byte("a"), Origin: "http://a"}).Job
	b := h.submit(printing.Request{Printer: "p1", Raw: []byte("b"), Origin: "http://b"}).Job
	list, err := h.sp.Jobs(printing.JobFilter{Origin: "http://a"})
	if err != nil || len(list) != 1 || list[0].ID != a.ID || list[0].State != printing.JobHeld {
		t.Fatalf("origin filter = %+v, %v", list, err)
	}
	list, _ = h.sp.Jobs(printing.JobFilter{State: printing.JobHeld})
	if len(list) != 2 || list[0].ID != b.ID {
		t.Fatalf("held, newest first = %+v", list)
	}
	list, _ = h.sp.Jobs(printing.JobFilter{Limit: 1})
	if len(list) != 1 {
		t.Fatalf("limit 1 gave %d", len(list))
	}
	if _, err := h.sp.Job("nope"); !errors.Is(err, err) || printing.ReasonOf(err, "") != printing.ErrReasonJobNotFound {
		t.Fatalf("Job(nope) = %v", err)
	}
}
