package printing_test

import (
	"context"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/printing"
)

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
