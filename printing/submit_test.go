package printing_test

import (
	"fmt"
	"testing"

	"github.com/labelbridge/labelbridge/printing"
)

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
