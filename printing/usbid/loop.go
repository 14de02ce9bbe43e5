package usbid

import (
	"context"
	"sync"
	"time"
)

// Loop is the lifecycle every USB discovery backend shares: a scan every
// interval or when nudged, and bookkeeping of device operations in flight so
// Shutdown can cancel them and wait.
type Loop struct {
	interval time.Duration
	rescan   chan struct{}
	stopping context.Context // ends at Shutdown: cancels work in flight
	cancel   context.CancelFunc

	mu     sync.Mutex // guards closed against ops.Add
	closed bool
	ops    sync.WaitGroup
}

// NewLoop returns a Loop that scans every interval.
func NewLoop(interval time.Duration) *Loop {
	stopping, cancel := context.WithCancel(context.Background())
	return &Loop{interval: interval, rescan: make(chan struct{}, 1), stopping: stopping, cancel: cancel}
}

// Run calls scan now, then every interval or after a Nudge, until ctx ends.
func (l *Loop) Run(ctx context.Context, scan func(context.Context)) {
	t := time.NewTicker(l.interval)
	defer t.Stop()
	for {
		scan(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-l.rescan:
		}
	}
}

// Nudge asks for a scan now (a transport saw its device vanish).
func (l *Loop) Nudge() {
	select {
	case l.rescan <- struct{}{}:
	default:
	}
}

// Begin registers an operation on a device; false once Shutdown started.
func (l *Loop) Begin() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return false
	}
	l.ops.Add(1)
	return true
}

// End ends an operation started with Begin.
func (l *Loop) End() { l.ops.Done() }

// Stopping is a context that ends at Shutdown: operations derive from it.
func (l *Loop) Stopping() context.Context { return l.stopping }

// Shutdown refuses new operations, cancels those in flight and waits for them.
func (l *Loop) Shutdown() {
	l.mu.Lock()
	l.closed = true
	l.mu.Unlock()
	l.cancel()
	l.ops.Wait()
}

// TakeNudge reports whether a Nudge is pending, and clears it.
func (l *Loop) TakeNudge() bool {
	select {
	case <-l.rescan:
		return true
	default:
		return false
	}
}
