package main

import (
	"context"
	"sync"
	"time"

	"github.com/labelbridge/labelbridge/config"
	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/printing/netraw"
)

// NetworkProbeEvery is how often a network printer's status is measured
// (besides on add, on demand with printers.check, and every few seconds
// while it holds jobs: the spooler polls netraw.QueryStatus then).
const NetworkProbeEvery = 30 * time.Second

// netPrinters attaches network printers and keeps their status measured:
// one netraw.Monitor per printer, reporting to the spooler.
type netPrinters struct {
	spooler *printing.Spooler
	ctx     context.Context
	mu      sync.Mutex
	watched map[string]*netWatch
}

type netWatch struct {
	tr     *netraw.Printer
	cancel context.CancelFunc
}

func newNetPrinters(ctx context.Context, sp *printing.Spooler) *netPrinters {
	return &netPrinters{spooler: sp, ctx: ctx, watched: map[string]*netWatch{}}
}

// attach starts using np and measuring it. With measureNow the first
// measurement is made before it returns (a printer added in the panel shows
// its real status at once); otherwise it is made in the background.
func (n *netPrinters) attach(np config.NetworkPrinter, measureNow bool) string {
	info := networkPrinterInfo(np)
	tr := netraw.New(np.Address)
	tr.Language = info.Language
	if measureNow {
		ctx, cancel := context.WithTimeout(n.ctx, netraw.ProbeConnectTimeout+netraw.ProbeReadTimeout)
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
	n.watched[info.ID] = &netWatch{tr: tr, cancel: cancel}
	n.mu.Unlock()
	go tr.Monitor(ctx, NetworkProbeEvery, func(st printing.Status) {
		if _, err := n.spooler.Printer(info.ID); err != nil {
			cancel() // removed
			return
		}
		n.spooler.SetStatus(info.ID, st)
	})
	return info.ID
}

// check measures a printer now (printers.check): a network printer is
// probed and its status recorded; any other printer's status is already
// live (USB status polls, the OS queue), so it is returned as it is.
func (n *netPrinters) check(ctx context.Context, id string) (printing.Printer, error) {
	n.mu.Lock()
	w := n.watched[id]
	n.mu.Unlock()
	if w != nil {
		st, _ := w.tr.QueryStatus(ctx)
		n.spooler.SetStatus(id, st)
	}
	return n.spooler.Printer(id)
}
