package printing_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/printing/store"
)

// flakyStore is the real store whose Put fails while failPut is set (a full
// or read-only disk).
type flakyStore struct {
	*store.Store
	failPut atomic.Bool
}

func (f *flakyStore) Put(ctx context.Context, jobs ...printing.Job) error {
	if f.failPut.Load() {
		return errors.New("write jobs.db: no space left on device (test)")
	}
	return f.Store.Put(ctx, jobs...)
}

func newFlakyHarness(t *testing.T, opt printing.Options) (*harness, *flakyStore) {
	t.Helper()
	f := &flakyStore{}
	h := &harness{t: t, dir: t.TempDir(), opt: opt, wrap: func(st *store.Store) printing.JobStore {
		f.Store = st
		return f
	}}
	h.open()
	return h, f
}

// sentStrings is what a recorder printed, as strings.
func sentStrings(r *recorder) []string {
	var out []string
	for _, d := range r.sent() {
		out = append(out, string(d))
	}
	return out
}

// An idempotency key outlives its job's body: origin B flooding more jobs
// than the history keeps cannot make origin A's resend print twice.
func TestIdempotencyKeyOutlivesHistoryCap(t *testing.T) {
	h := newHarness(t, printing.Options{})
	rec := &recorder{}
	h.attach("p1", rec)
	reqA := raw("label for A")
	reqA.Printer, reqA.Origin, reqA.IdempotencyKey = "p1", "https://a.example", "K"
	first := h.submit(reqA).Job
	h.waitJob(first.ID, printing.JobDone)
	var last printing.Job
	for i := range 30 {
		req := raw(fmt.Sprint("flood ", i))
		req.Printer, req.Origin, req.IdempotencyKey = "p1", "https://b.example", fmt.Sprint("b-", i)
		last = h.submit(req).Job
	}
	h.waitJob(last.ID, printing.JobDone)
	const historyJobs = 10
	n, err := h.store.Prune(context.Background(), store.Retention{MaxAge: 7 * 24 * time.Hour, MaxJobs: historyJobs}, time.Now())
	if err != nil || n != 31-historyJobs {
		t.Fatalf("prune deleted %d (%v), want %d", n, err, 31-historyJobs)
	}
	if _, err := h.sp.Job(first.ID); printing.ReasonOf(err, "") != printing.ErrReasonJobNotFound {
		t.Fatalf("A's job body should be pruned, Job = %v", err)
	}
	for _, restart := range []bool{false, true} {
		if restart {
			h.close()
			h.open()
			h.attach("p1", rec)
		}
		again := h.submit(reqA)
		if !again.Existing || again.Job.ID != first.ID {
			t.Fatalf("resend of K (restart %v) = %+v: want a duplicate of %s", restart, again, first.ID)
		}
		if !again.Job.Pruned || again.Job.State != printing.JobDone || again.Job.IdempotencyKey != "K" || again.Job.Printer != "p1" {
			t.Fatalf("duplicate of a pruned job = %+v: want its minimal form (pruned, done, key, printer)", again.Job)
		}
	}
	marker := raw("marker")
	marker.Printer = "p1"
	h.waitJob(h.submit(marker).Job.ID, printing.JobDone)
	if got := slices.DeleteFunc(sentStrings(rec), func(s string) bool { return s != "label for A" }); len(got) != 1 {
		t.Fatalf("A's label printed %d times, want once", len(got))
	}
}

// A retry whose store write fails changes nothing: the job is not queued
// and never prints.
func TestRetryStoreFailureDoesNotPrint(t *testing.T) {
	h, f := newFlakyHarness(t, printing.Options{})
	rec := &recorder{fail: func(n int) error {
		if n == 0 {
			return fmt.Errorf("printer said no: %w", printing.ErrPermanent)
		}
		return nil
	}}
	h.attach("p1", rec)
	req := raw("retried")
	req.Printer = "p1"
	j := h.submit(req).Job
	h.waitJob(j.ID, printing.JobFailed)
	f.failPut.Store(true)
	if _, err := h.sp.Retry(context.Background(), j.ID); printing.ReasonOf(err, "") != printing.ErrReasonStoreFailed {
		t.Fatalf("retry with a failing store = %v, want store_failed", err)
	}
	if got, _ := h.sp.Job(j.ID); got.State != printing.JobFailed {
		t.Fatalf("after a failed retry the job is %s, want still failed", got.State)
	}
	f.failPut.Store(false)
	marker := raw("marker")
	marker.Printer = "p1"
	h.waitJob(h.submit(marker).Job.ID, printing.JobDone) // one queue: anything queued before it went first
	if got := sentStrings(rec); !slices.Equal(got, []string{"marker"}) {
		t.Fatalf("printed %q: the failed retry must not print", got)
	}
}

// A cancel whose store write fails changes nothing: the job stays in its
// queue and prints when printing resumes (as the store says it should).
func TestCancelStoreFailureKeepsJob(t *testing.T) {
	h, f := newFlakyHarness(t, printing.Options{})
	rec := &recorder{}
	h.attach("p1", rec)
	h.sp.SetPaused(true)
	req := raw("kept")
	req.Printer = "p1"
	j := h.submit(req).Job
	f.failPut.Store(true)
	if _, err := h.sp.Cancel(j.ID); printing.ReasonOf(err, "") != printing.ErrReasonStoreFailed {
		t.Fatalf("cancel with a failing store = %v, want store_failed", err)
	}
	if got, _ := h.sp.Job(j.ID); got.State != printing.JobHeld {
		t.Fatalf("after a failed cancel the job is %s, want still held", got.State)
	}
	f.failPut.Store(false)
	h.sp.SetPaused(false)
	h.waitJob(j.ID, printing.JobDone)
}

// lateFinisher writes the whole job just as the agent stops: Send returns
// success after its context ended.
type lateFinisher struct{ started chan struct{} }

func (l *lateFinisher) Send(ctx context.Context, _ printing.Job, _ []byte) error {
	l.started <- struct{}{}
	<-ctx.Done()
	return nil
}

// A send that completed as the agent stopped is recorded as done, so it is
// not sent again after the restart.
func TestDoneAtShutdownIsRecorded(t *testing.T) {
	h := newHarness(t, printing.Options{})
	lf := &lateFinisher{started: make(chan struct{}, 1)}
	h.attach("p1", lf)
	req := raw("once")
	req.Printer = "p1"
	j := h.submit(req).Job
	select {
	case <-lf.started:
	case <-time.After(10 * time.Second):
		t.Fatal("the job was never sent")
	}
	expired, cancel := context.WithCancel(context.Background())
	cancel() // no grace: the send is cut off at once, and it had finished
	if err := h.sp.Stop(expired); err != nil {
		t.Fatal(err)
	}
	if got, err := h.store.Get(j.ID); err != nil || got.State != printing.JobDone {
		t.Fatalf("stored after stop: %s (%v), want done", got.State, err)
	}
	h.sp = nil
	_ = h.store.Close()
	h.open()
	rec := &recorder{}
	h.attach("p1", rec)
	marker := raw("marker")
	marker.Printer = "p1"
	h.waitJob(h.submit(marker).Job.ID, printing.JobDone)
	if got := sentStrings(rec); !slices.Equal(got, []string{"marker"}) {
		t.Fatalf("after restart printed %q: the finished job must not be sent again", got)
	}
}

// A discovered printer is remembered across restarts: a job for it before
// discovery reports it again is held as disconnected and prints once it
// is back; a never-seen id is still printer_not_found.
func TestRememberedPrinterHoldsJobsAfterRestart(t *testing.T) {
	h := newHarness(t, printing.Options{})
	const id = "usb:0a5f:0166:D4J123"
	zebra := printing.Printer{ID: id, Name: "Zebra GK420d", Connection: printing.ConnUSB, Language: "zpl", DPI: 203, Vendor: "Zebra", Model: "GK420d"}
	h.sp.Attach(zebra, &recorder{})
	h.close()
	h.open() // no discovery yet

	p, err := h.sp.Printer(id)
	if err != nil {
		t.Fatalf("remembered printer: %v", err)
	}
	if p.Name != zebra.Name || p.Language != "zpl" || p.DPI != 203 || p.Model != "GK420d" || p.Vendor != "Zebra" || p.Connection != printing.ConnUSB {
		t.Fatalf("remembered printer = %+v, want the details it had", p)
	}
	if p.Status.State != printing.PrinterOffline || !slices.Contains(p.Status.Reasons, printing.ReasonDisconnected) {
		t.Fatalf("remembered printer status = %+v, want offline/disconnected", p.Status)
	}
	if !slices.ContainsFunc(h.sp.Printers(), func(x printing.Printer) bool { return x.ID == id }) {
		t.Fatalf("printers list leaves out the remembered printer")
	}
	req := raw("after restart")
	req.Printer = id
	j := h.submit(req).Job
	if j.State != printing.JobHeld || j.Reason != printing.ReasonDisconnected {
		t.Fatalf("job for the remembered printer = %s/%s, want held/disconnected", j.State, j.Reason)
	}
	never := raw("x")
	never.Printer = "usb:1234:5678:NEVER"
	if r := <-h.sp.Submit(never); printing.ReasonOf(r.Err, "") != printing.ErrReasonPrinterNotFound {
		t.Fatalf("job for a never-seen printer = %v, want printer_not_found", r.Err)
	}
	rec := &recorder{}
	h.sp.Attach(zebra, rec) // discovery finds it
	h.waitJob(j.ID, printing.JobDone)
	if got := sentStrings(rec); !slices.Equal(got, []string{"after restart"}) {
		t.Fatalf("printed %q", got)
	}
}

// Adding a printer never makes it the default: only SetDefault does. With
// no default chosen, jobs without a printer go to the sole USB printer, else
// the sole OS print queue, else the virtual printer.
func TestAddedPrinterNeverBecomesDefault(t *testing.T) {
	virtualP := printing.Printer{ID: printing.VirtualPrinterID, Name: "Virtual", Connection: printing.ConnVirtual, Language: "zpl"}
	hostile := printing.Printer{ID: "net:127.0.0.1:6666", Name: "Dock 3", Connection: printing.ConnNetwork, Language: "zpl", Configured: true}
	usbA := printing.Printer{ID: "usb:0a5f:0166:A", Name: "A", Connection: printing.ConnUSB, Language: "zpl"}
	usbB := printing.Printer{ID: "usb:0a5f:0166:B", Name: "B", Connection: printing.ConnUSB, Language: "zpl"}
	queue := printing.Printer{ID: "spooler:ZDesigner GK420d", Name: "ZDesigner GK420d", Connection: printing.ConnSpooler, Language: "zpl"}
	cases := []struct {
		name          string
		configDefault string
		before, added []printing.Printer
		want          string
	}{
		{"network printer, no default chosen", "", []printing.Printer{virtualP}, []printing.Printer{hostile}, printing.VirtualPrinterID},
		{"network printer beside the sole USB printer", "", []printing.Printer{virtualP, usbA}, []printing.Printer{hostile}, usbA.ID},
		{"network printer while the chosen default is unplugged", usbA.ID, []printing.Printer{virtualP}, []printing.Printer{hostile}, usbA.ID},
		{"network printer with the virtual printer chosen", printing.VirtualPrinterID, []printing.Printer{virtualP, usbA}, []printing.Printer{hostile}, printing.VirtualPrinterID},
		{"first USB printer plugged in, no default chosen (sole printer)", "", []printing.Printer{virtualP}, []printing.Printer{usbA}, usbA.ID},
		{"second USB printer plugged in", usbA.ID, []printing.Printer{virtualP, usbA}, []printing.Printer{usbB}, usbA.ID},
		{"second USB printer plugged in, no default chosen", "", []printing.Printer{virtualP, usbA}, []printing.Printer{usbB}, printing.VirtualPrinterID},
		{"sole print queue, no default chosen", "", []printing.Printer{virtualP}, []printing.Printer{queue}, queue.ID},
		{"the same printer through usbprint and its queue: USB first", "", []printing.Printer{virtualP, queue}, []printing.Printer{usbA}, usbA.ID},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, printing.Options{ConfigDefault: c.configDefault})
			recs := map[string]*recorder{}
			for _, p := range append(slices.Clone(c.before), c.added...) {
				recs[p.ID] = &recorder{}
				h.sp.Attach(p, recs[p.ID])
			}
			if got := h.sp.DefaultPrinter(); got != c.want {
				t.Fatalf("default = %q, want %q", got, c.want)
			}
			j := h.submit(raw("no printer named")).Job
			if j.Printer != c.want {
				t.Fatalf("a job without a printer went to %q, want %q", j.Printer, c.want)
			}
			if rec := recs[c.want]; rec != nil {
				h.waitJob(j.ID, printing.JobDone)
			}
			for _, p := range c.added {
				if p.ID != c.want && len(recs[p.ID].sent()) != 0 {
					t.Fatalf("the added printer %s received %d jobs", p.ID, len(recs[p.ID].sent()))
				}
			}
			for _, p := range h.sp.Printers() {
				if p.IsDefault != (p.ID == c.want) {
					t.Fatalf("printer %s isDefault = %v", p.ID, p.IsDefault)
				}
			}
		})
	}
	t.Run("explicit SetDefault and ClearDefault", func(t *testing.T) {
		var saved []string
		h := newHarness(t, printing.Options{SaveDefault: func(id string) error { saved = append(saved, id); return nil }})
		h.sp.Attach(virtualP, &recorder{})
		h.sp.Attach(hostile, &recorder{})
		if _, err := h.sp.SetDefault(hostile.ID); err != nil || h.sp.DefaultPrinter() != hostile.ID {
			t.Fatalf("SetDefault = %v, default %q", err, h.sp.DefaultPrinter())
		}
		if err := h.sp.ClearDefault(); err != nil || h.sp.DefaultPrinter() != printing.VirtualPrinterID {
			t.Fatalf("ClearDefault = %v, default %q: want the virtual printer", err, h.sp.DefaultPrinter())
		}
		if !slices.Equal(saved, []string{hostile.ID, ""}) {
			t.Fatalf("saved defaults %q", saved)
		}
	})
}
