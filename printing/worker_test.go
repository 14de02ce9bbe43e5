package printing_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/printing"
)

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

// TestTransportPanicFailsTheJob: a transport that panics (a bug) fails its
// job with send_failed, once, and the spooler goes on printing.
func TestTransportPanicFailsTheJob(t *testing.T) {
	h := newHarness(t, printing.Options{})
	rec := &recorder{}
	h.attach("p1", &recorder{fail: func(int) error { panic("transport bug") }})
	h.attach("p2", rec)
	req := raw("x")
	req.Printer = "p1"
	j := h.submit(req).Job
	got := h.waitJob(j.ID, printing.JobFailed)
	if got.Reason != printing.ReasonSendFailed || !strings.Contains(got.Detail, "transport bug") || got.Attempts != 1 {
		t.Fatalf("failed job = %+v, want send_failed naming the panic after one attempt", got)
	}
	req = raw("after")
	req.Printer = "p2"
	next := h.submit(req).Job
	h.waitJob(next.ID, printing.JobDone)
	if sent := rec.sent(); len(sent) != 1 || string(sent[0]) != "after" {
		t.Fatalf("the other printer printed %q", sent)
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
