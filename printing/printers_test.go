package printing_test

import (
	"context"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/printing"
)

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

// slowCloser is a transport whose Close blocks until release is closed, as
// closing a device or socket may (Closer: "open devices, sockets").
type slowCloser struct {
	recorder
	closing chan struct{} // closed when Close starts
	release chan struct{}
}

func newSlowCloser() *slowCloser {
	return &slowCloser{closing: make(chan struct{}), release: make(chan struct{})}
}

func (c *slowCloser) Close() error {
	close(c.closing)
	<-c.release
	return nil
}

// Closing a transport is I/O: the spooler must not do it while holding its
// lock, or one printer slow to let go of its device freezes every printer
// and every API call (listing printers, submitting) until it does.
func TestTransportCloseDoesNotBlockSpooler(t *testing.T) {
	tests := []struct {
		name string
		// drop makes the spooler close the slow transport.
		drop func(h *harness)
	}{
		{"detach", func(h *harness) { h.sp.Detach("p") }},
		{"attach replacing it", func(h *harness) { h.attach("p", &recorder{}) }},
		{"forget", func(h *harness) { _ = h.sp.Forget("p") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, printing.Options{})
			slow := newSlowCloser()
			h.attach("p", slow)
			h.attach("other", &recorder{})
			dropped := make(chan struct{})
			go func() { tt.drop(h); close(dropped) }()
			<-slow.closing
			defer func() { close(slow.release); <-dropped }()

			listed := make(chan []printing.Printer, 1)
			go func() { listed <- h.sp.Printers() }()
			select {
			case ps := <-listed:
				if len(ps) == 0 {
					t.Fatal("Printers listed nothing")
				}
			case <-time.After(10 * time.Second): // a hang guard, not a timing assert
				t.Fatal("Printers blocked while a transport was closing")
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			r, err := h.sp.SubmitWait(ctx, printing.Request{Printer: "other", Raw: []byte("x"), Origin: "http://localhost:3000"})
			if err != nil {
				t.Fatalf("submit to another printer while a transport was closing: %v", err)
			}
			h.waitJob(r.Job.ID, printing.JobDone)
		})
	}
}
