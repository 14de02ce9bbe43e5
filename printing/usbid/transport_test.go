package usbid

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/labelbridge/labelbridge/printing"
)

// fakeWatcher counts operations between Begin and End; stop ends Stopping.
type fakeWatcher struct {
	mu       sync.Mutex
	refuse   bool // Begin fails, as after Shutdown
	begun    int
	inFlight int

	stopping context.Context
	stop     context.CancelFunc
}

func newFakeWatcher() *fakeWatcher {
	ctx, cancel := context.WithCancel(context.Background())
	return &fakeWatcher{stopping: ctx, stop: cancel}
}

func (w *fakeWatcher) Begin() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.refuse {
		return false
	}
	w.begun++
	w.inFlight++
	return true
}

func (w *fakeWatcher) End() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.inFlight--
}

func (w *fakeWatcher) Stopping() context.Context { return w.stopping }

func (w *fakeWatcher) counts() (begun, inFlight int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.begun, w.inFlight
}

// fakeDevice hands out ports and records how they are opened and closed.
type fakeDevice struct {
	mu      sync.Mutex
	openErr error
	opens   int
	closes  int
	open    int  // ports open now
	overlap bool // a port was opened while another was open
	job     bytes.Buffer

	entered chan struct{} // if set, Write says it started here…
	release chan struct{} // …and then waits for this or its context
}

type fakePort struct{ d *fakeDevice }

func (d *fakeDevice) Open() (*fakePort, func(), error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.openErr != nil {
		return nil, nil, d.openErr
	}
	d.opens++
	d.open++
	if d.open > 1 {
		d.overlap = true
	}
	return &fakePort{d}, func() {
		d.mu.Lock()
		defer d.mu.Unlock()
		d.closes++
		d.open--
	}, nil
}

func (d *fakeDevice) counts() (opens, closes int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.opens, d.closes
}

func (p *fakePort) Write(ctx context.Context, b []byte) (int, error) {
	if p.d.entered != nil {
		p.d.entered <- struct{}{}
		select {
		case <-p.d.release:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
	p.d.mu.Lock()
	defer p.d.mu.Unlock()
	return p.d.job.Write(b)
}

func (p *fakePort) Read(ctx context.Context, b []byte) (int, error) {
	<-ctx.Done()
	return 0, ctx.Err()
}

var errTestGone = errors.New("test printer is gone")

func newFakeTransport(w Watcher, d *fakeDevice) *Transport[*fakePort] {
	return &Transport[*fakePort]{
		Watcher: w,
		Open:    d.Open,
		Options: func(*fakePort) JobOptions {
			// No language query; the port status says "ready".
			return JobOptions{PortStatus: func(context.Context) (byte, error) { return 0x18, nil }}
		},
		Gone: errTestGone,
	}
}

func TestTransportOpensAndClosesEachOperation(t *testing.T) {
	t.Parallel()
	w, d := newFakeWatcher(), &fakeDevice{}
	tr := newFakeTransport(w, d)
	ctx := context.Background()
	if err := tr.Send(ctx, printing.Job{}, []byte("^XA^XZ")); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if opens, closes := d.counts(); opens != 1 || closes != 1 {
		t.Errorf("after Send: %d opens, %d closes; want 1, 1", opens, closes)
	}
	st, err := tr.QueryStatus(ctx)
	if err != nil || st.State != "ready" {
		t.Fatalf("QueryStatus = %+v, %v", st, err)
	}
	if opens, closes := d.counts(); opens != 2 || closes != 2 {
		t.Errorf("after QueryStatus: %d opens, %d closes; want 2, 2", opens, closes)
	}
	if got := d.job.String(); got != "^XA^XZ" {
		t.Errorf("printer got %q", got)
	}
	if begun, inFlight := w.counts(); begun != 2 || inFlight != 0 {
		t.Errorf("watcher: %d begun, %d in flight; want 2, 0", begun, inFlight)
	}
	if tr.Closed() {
		t.Error("Closed before Close")
	}
}

func TestTransportRefuses(t *testing.T) {
	t.Parallel()
	errBusy := &printing.HoldError{Why: ReasonDeviceBusy, Err: errors.New("in use")}
	for _, tt := range []struct {
		name      string
		closed    bool
		refuse    bool
		openErr   error
		wantErr   error
		wantWhy   string
		wantBegun int
	}{
		{"closed", true, false, nil, errTestGone, printing.ReasonDisconnected, 0},
		{"watcher stopped", false, true, nil, errTestGone, printing.ReasonDisconnected, 0},
		{"open fails: the backend's error as is", false, false, errBusy, errBusy, ReasonDeviceBusy, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w, d := newFakeWatcher(), &fakeDevice{openErr: tt.openErr}
			w.refuse = tt.refuse
			tr := newFakeTransport(w, d)
			if tt.closed {
				if err := tr.Close(); err != nil {
					t.Fatalf("Close: %v", err)
				}
				if !tr.Closed() {
					t.Error("not Closed after Close")
				}
			}
			for name, op := range map[string]func() error{
				"Send": func() error { return tr.Send(context.Background(), printing.Job{}, []byte("x")) },
				"QueryStatus": func() error {
					_, err := tr.QueryStatus(context.Background())
					return err
				},
			} {
				err := op()
				if why := holdWhy(err); why != tt.wantWhy || !errors.Is(err, tt.wantErr) {
					t.Errorf("%s = %v, want a %q hold wrapping %v", name, err, tt.wantWhy, tt.wantErr)
				}
			}
			if opens, closes := d.counts(); opens != 0 || closes != 0 {
				t.Errorf("%d opens, %d closes; want none", opens, closes)
			}
			if begun, inFlight := w.counts(); begun != 2*tt.wantBegun || inFlight != 0 {
				t.Errorf("watcher: %d begun, %d in flight; want %d, 0", begun, inFlight, 2*tt.wantBegun)
			}
		})
	}
}

func TestTransportCancelledWhenWatcherStops(t *testing.T) {
	t.Parallel()
	w := newFakeWatcher()
	d := &fakeDevice{entered: make(chan struct{}), release: make(chan struct{})}
	tr := newFakeTransport(w, d)
	done := make(chan error, 1)
	go func() { done <- tr.Send(context.Background(), printing.Job{}, []byte("job")) }()
	<-d.entered
	w.stop()
	err := <-done
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Send = %v, want it cancelled", err)
	}
	if opens, closes := d.counts(); opens != 1 || closes != 1 {
		t.Errorf("%d opens, %d closes; want 1, 1", opens, closes)
	}
	if _, inFlight := w.counts(); inFlight != 0 {
		t.Errorf("%d operations still in flight", inFlight)
	}
}

func TestTransportOneOperationAtATime(t *testing.T) {
	t.Parallel()
	w := newFakeWatcher()
	d := &fakeDevice{entered: make(chan struct{}), release: make(chan struct{})}
	tr := newFakeTransport(w, d)
	const n = 8
	errs := make(chan error, n)
	for range n {
		go func() { errs <- tr.Send(context.Background(), printing.Job{}, []byte("job")) }()
	}
	for i := range n {
		<-d.entered // one Send is writing: the others must wait outside
		if tr.mu.TryLock() {
			tr.mu.Unlock()
			t.Fatalf("operation %d runs without holding the transport's lock", i)
		}
		d.release <- struct{}{}
	}
	for range n {
		if err := <-errs; err != nil {
			t.Errorf("Send: %v", err)
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.overlap {
		t.Error("a port was opened while another was open")
	}
	if d.opens != n || d.closes != n || d.job.Len() != n*len("job") {
		t.Errorf("%d opens, %d closes, %d bytes; want %d, %d, %d", d.opens, d.closes, d.job.Len(), n, n, n*len("job"))
	}
}
