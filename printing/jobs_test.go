package printing_test

import (
	"context"
	"errors"
	"testing"

	"github.com/labelbridge/labelbridge/printing"
)

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
