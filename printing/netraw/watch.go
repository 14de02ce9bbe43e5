package netraw

import (
	"context"
	"sync"
	"time"

	"github.com/labelbridge/labelbridge/printing"
)

// ProbeEvery is how often a watched network printer's status is measured
// (besides on add, on demand with Check, and every few seconds while it
// holds jobs: the spooler polls QueryStatus then).
const ProbeEvery = 30 * time.Second

// Spooler is what a Watcher reports to (printing.Spooler).
type Spooler interface {
	Attach(p printing.Printer, t printing.Transport)
	SetStatus(id string, st printing.Status)
	Printer(id string) (printing.Printer, error)
}

// Watcher attaches network printers to the spooler and keeps their status
// measured: one Monitor per printer, reporting to the spooler, until ctx
// ends or the printer is removed.
type Watcher struct {
	spooler Spooler
	ctx     context.Context
	mu      sync.Mutex
	watched map[string]*watch
}

type watch struct {
	tr     *Printer
	cancel context.CancelFunc
}

// NewWatcher watches printers until ctx ends.
func NewWatcher(ctx context.Context, sp Spooler) *Watcher {
	return &Watcher{spooler: sp, ctx: ctx, watched: map[string]*watch{}}
}

// Attach starts using the printer info describes (at info.Address) and
// measuring it, and returns its id. With measureNow the first measurement
// is made before it returns (a printer added in the panel shows its real
// status at once); otherwise it is made in the background.
func (n *Watcher) Attach(info printing.Printer, measureNow bool) string {
	tr := New(info.Address)
	tr.Language = info.Language
	if measureNow {
		ctx, cancel := context.WithTimeout(n.ctx, ProbeConnectTimeout+ProbeReadTimeout)
		info.Status, _ = tr.QueryStatus(ctx)
		cancel()
	}
	n.spooler.Attach(info, tr)
	if measureNow {
		n.spooler.SetStatus(info.ID, info.Status)
	}
	ctx, cancel := context.WithCancel(n.ctx)
	n.mu.Lock()
	if old := n.watched[info.ID]; old != nil {
		old.cancel()
	}
	n.watched[info.ID] = &watch{tr: tr, cancel: cancel}
	n.mu.Unlock()
	go tr.Monitor(ctx, ProbeEvery, func(st printing.Status) {
		if _, err := n.spooler.Printer(info.ID); err != nil {
			cancel() // removed
			return
		}
		n.spooler.SetStatus(info.ID, st)
	})
	return info.ID
}

// Check measures a printer now (printers.check): a network printer is
// probed and its status recorded; any other printer's status is already
// live (USB status polls, the OS queue), so it is returned as it is.
func (n *Watcher) Check(ctx context.Context, id string) (printing.Printer, error) {
	n.mu.Lock()
	w := n.watched[id]
	n.mu.Unlock()
	if w != nil {
		st, _ := w.tr.QueryStatus(ctx)
		n.spooler.SetStatus(id, st)
	}
	return n.spooler.Printer(id)
}
