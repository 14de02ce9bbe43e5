//go:build windows

package winspool

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"

	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/printing/usbid"
)

// Watch lists the Windows printer queues and keeps sink up to date until ctx
// ends: queues Options.Match accepts are Attached (id "spooler:<name>"),
// removed ones Detached, and status changes passed on with SetStatus. It
// Detaches every printer before it returns. It returns nil once ctx ends, or
// an error when the spooler cannot be asked at all.
func Watch(ctx context.Context, sink Sink, opt Options) error {
	if _, err := listQueues(); err != nil {
		return fmt.Errorf("winspool: list printers: %w", err)
	}
	opt.fill()
	w := &watcher{sink: sink, opt: opt, log: opt.Logger, queues: map[string]*attached{}}
	defer w.close()
	t := time.NewTicker(opt.Interval)
	defer t.Stop()
	for {
		w.scan()
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

type attached struct {
	q  Queue
	tr *transport
}

type watcher struct {
	sink   Sink
	opt    Options
	log    *slog.Logger
	queues map[string]*attached // by queue name
}

func (w *watcher) close() {
	for name, a := range w.queues {
		a.tr.closed.Store(true)
		w.sink.Detach(PrinterID(name))
	}
}

func (w *watcher) scan() {
	qs, err := listQueues()
	if err != nil {
		w.log.Warn("winspool: list printers", "err", err)
		return
	}
	seen := map[string]bool{}
	for _, q := range qs {
		if !w.opt.Match(q) {
			continue
		}
		seen[q.Name] = true
		a, ok := w.queues[q.Name]
		switch {
		case !ok || a.q.Driver != q.Driver || a.q.Port != q.Port:
			tr := &transport{name: q.Name, opt: w.opt}
			w.queues[q.Name] = &attached{q: q, tr: tr}
			w.log.Info("winspool: printer queue found", "printer", PrinterID(q.Name), "driver", q.Driver, "port", q.Port)
			w.sink.Attach(printerFor(q), tr)
		case a.q.Status != q.Status || a.q.Attributes != q.Attributes:
			a.q = q
			w.sink.SetStatus(PrinterID(q.Name), queueStatus(q.Status, q.Attributes))
		}
	}
	for name, a := range w.queues {
		if !seen[name] {
			delete(w.queues, name)
			a.tr.closed.Store(true)
			w.log.Info("winspool: printer queue gone", "printer", PrinterID(name))
			w.sink.Detach(PrinterID(name))
		}
	}
}

// transport prints to one queue.
type transport struct {
	name   string
	opt    Options
	mu     sync.Mutex
	closed atomic.Bool
}

var (
	_ printing.Transport     = (*transport)(nil)
	_ printing.StatusQuerier = (*transport)(nil)
	_ printing.Closer        = (*transport)(nil)
)

func (t *transport) Close() error {
	t.closed.Store(true)
	return nil
}

// QueryStatus is the queue's status as the driver reports it.
func (t *transport) QueryStatus(ctx context.Context) (printing.Status, error) {
	h, err := openPrinter(t.name)
	if err != nil {
		return printing.Status{}, err
	}
	defer h.close()
	q, err := h.queue()
	if err != nil {
		return printing.Status{}, err
	}
	return queueStatus(q.Status, q.Attributes), nil
}

// Send spools the job as one RAW document, then waits until Windows has
// handed it to the printer (Options.CompleteTimeout).
func (t *transport) Send(ctx context.Context, job printing.Job, data []byte) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed.Load() {
		return &printing.HoldError{Why: printing.ReasonDisconnected, Err: fmt.Errorf("queue %q was removed", t.name)}
	}
	h, err := openPrinter(t.name)
	if err != nil {
		return &printing.HoldError{Why: printing.ReasonDisconnected, Err: fmt.Errorf("open queue %q: %w", t.name, err)}
	}
	defer h.close()
	if q, err := h.queue(); err == nil {
		if hold := usbid.HoldFor(queueStatus(q.Status, q.Attributes), fmt.Errorf("queue %q status %#x", t.name, q.Status)); hold != nil {
			return hold
		}
	}
	title := job.Title
	if title == "" {
		title = "Labelbridge job " + job.ID
	}
	dt := h.datatype()
	doc := docInfo1{DocName: windows.StringToUTF16Ptr(title), Datatype: windows.StringToUTF16Ptr(dt)}
	r, err := call(procStartDocPrinterW, uintptr(h), 1, uintptr(unsafe.Pointer(&doc)))
	if err != nil {
		return fmt.Errorf("queue %q: start %s document: %w", t.name, dt, err)
	}
	jobID := uint32(r)
	abort := func(cause error) error {
		_, _ = call(procAbortPrinter, uintptr(h))
		return cause
	}
	if _, err := call(procStartPagePrinter, uintptr(h)); err != nil {
		return abort(fmt.Errorf("queue %q: %w", t.name, err))
	}
	for off := 0; off < len(data); {
		if err := ctx.Err(); err != nil {
			return abort(fmt.Errorf("queue %q at byte %d: %w", t.name, off, err))
		}
		n := min(t.opt.ChunkSize, len(data)-off)
		var written uint32
		if _, err := call(procWritePrinter, uintptr(h), uintptr(unsafe.Pointer(&data[off])), uintptr(n), uintptr(unsafe.Pointer(&written))); err != nil {
			return abort(fmt.Errorf("queue %q at byte %d: %w", t.name, off, err))
		}
		off += int(written)
	}
	if _, err := call(procEndPagePrinter, uintptr(h)); err != nil {
		return abort(fmt.Errorf("queue %q: %w", t.name, err))
	}
	if _, err := call(procEndDocPrinter, uintptr(h)); err != nil {
		return fmt.Errorf("queue %q: %w", t.name, err)
	}
	if t.opt.CompleteTimeout < 0 {
		return nil
	}
	return t.waitPrinted(ctx, h, jobID)
}

// waitPrinted polls the Windows job until it has gone to the printer. A job
// Windows reports stuck, or one still waiting at the deadline, is deleted
// from the Windows queue and held, so the spooler's resend is the only copy.
func (t *transport) waitPrinted(ctx context.Context, h handle, id uint32) error {
	ctx, cancel := context.WithTimeout(ctx, t.opt.CompleteTimeout)
	defer cancel()
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		status, gone, err := h.jobStatus(id)
		if err != nil {
			return fmt.Errorf("queue %q: job %d: %w", t.name, id, err)
		}
		if gone {
			return nil
		}
		done, hold, deleted := jobOutcome(status)
		switch {
		case done:
			return nil
		case deleted:
			return fmt.Errorf("queue %q: job %d was deleted from the Windows queue: %w", t.name, id, printing.ErrPermanent)
		case hold != "":
			_ = h.deleteJob(id)
			return &printing.HoldError{Why: hold, Err: fmt.Errorf("queue %q: Windows job %d status %#x", t.name, id, status)}
		}
		select {
		case <-ctx.Done():
			_ = h.deleteJob(id)
			return &printing.HoldError{Why: printing.ReasonTimeout, Err: fmt.Errorf("queue %q: Windows job %d still waiting (status %#x): %w", t.name, id, status, ctx.Err())}
		case <-tick.C:
		}
	}
}
