package usbid

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/labelbridge/labelbridge/printing"
)

// Watcher is what a Transport needs of its backend's discovery loop; *Loop
// has it.
type Watcher interface {
	// Begin registers an operation; false once the watcher is stopping.
	Begin() bool
	// End ends an operation started with Begin.
	End()
	// Stopping ends when the watcher stops: operations in flight end too.
	Stopping() context.Context
}

var _ Watcher = (*Loop)(nil)

// Transport is the printing.Transport every USB backend shares, over the
// backend's port type P: one operation at a time, each opening the printer,
// running SendJob or ReadStatus on it and closing it again, so the device is
// held only while it works.
//
// Build it with its exported fields set, and use it by pointer.
type Transport[P Port] struct {
	// Watcher is the backend's discovery loop. Each operation runs between
	// its Begin and End, and its context ends when Watcher stops.
	Watcher Watcher
	// Open opens the printer for one operation. It returns the port and a
	// func that closes it, or an error the backend already classified (a
	// *printing.HoldError for a printer that is gone, busy or denied).
	Open func() (port P, closePort func(), err error)
	// Options describe the open port to SendJob and ReadStatus.
	Options func(port P) JobOptions
	// Gone is the error in the "disconnected" HoldError returned once the
	// transport is closed or the watcher stopped.
	Gone error

	mu     sync.Mutex // one operation on the printer at a time
	closed atomic.Bool
}

var (
	_ printing.Transport     = (*Transport[Port])(nil)
	_ printing.StatusQuerier = (*Transport[Port])(nil)
	_ printing.Closer        = (*Transport[Port])(nil)
)

// Send writes a job: status check, data in chunks, status check (see
// SendJob). A closed transport holds the job ("disconnected").
func (t *Transport[P]) Send(ctx context.Context, _ printing.Job, data []byte) error {
	return t.with(ctx, func(ctx context.Context, p P) error {
		return SendJob(ctx, p, data, t.Options(p))
	})
}

// QueryStatus asks the printer for its status (see ReadStatus).
func (t *Transport[P]) QueryStatus(ctx context.Context) (printing.Status, error) {
	var st printing.Status
	err := t.with(ctx, func(ctx context.Context, p P) error {
		var err error
		st, err = ReadStatus(ctx, p, t.Options(p))
		return err
	})
	return st, err
}

// Close marks the transport unusable (the printer was unplugged or
// replaced). An operation in flight runs to its end.
func (t *Transport[P]) Close() error {
	t.closed.Store(true)
	return nil
}

// Closed reports whether Close was called.
func (t *Transport[P]) Closed() bool { return t.closed.Load() }

// with opens the printer, runs fn on it and closes it, one call at a time.
// fn's context also ends when the watcher stops.
func (t *Transport[P]) with(ctx context.Context, fn func(context.Context, P) error) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed.Load() || !t.Watcher.Begin() {
		return &printing.HoldError{Why: printing.ReasonDisconnected, Err: t.Gone}
	}
	defer t.Watcher.End()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(t.Watcher.Stopping(), cancel)
	defer stop()

	p, closePort, err := t.Open()
	if err != nil {
		return err
	}
	defer closePort()
	return fn(ctx, p)
}
