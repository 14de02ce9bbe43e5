// Package traybackend adapts the agent's core (the spooler, the site
// registry, start at login) to tray.Backend, the small interface the tray
// declares, so the tray never imports the core. It turns the spooler's
// events and the registry's changes into coalesced change notices, and
// sums the printer list up into the menu's status line.
package traybackend

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"

	"github.com/labelbridge/labelbridge/internal/autostart"
	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/sites"
	"github.com/labelbridge/labelbridge/tray"
	"github.com/labelbridge/labelbridge/wire"
)

// Options are what the backend adapts.
type Options struct {
	Spooler *printing.Spooler
	Sites   *sites.Registry
	Version string
	// PanelLoginURL returns the panel's address with a fresh one-time
	// login code.
	PanelLoginURL func() string
	Logger        *slog.Logger
	// Problems, when set, adds sentences to the status's problems (a
	// listener whose port another program holds); call Notify when they
	// change.
	Problems func() []string
	// Fleet is the connection to the customer's MQTT broker (nil: none).
	Fleet Fleet
}

// Fleet is what the tray needs of the fleet connection.
type Fleet interface {
	Status() wire.FleetStatus
	SetPaused(paused bool) error
	SetEnabled(on bool) error
	// OnChange registers fn to run whenever Status may have changed.
	OnChange(fn func())
}

// Backend implements tray.Backend. Close it when the tray is gone.
type Backend struct {
	opt     Options
	changed chan struct{}
	cancel  context.CancelFunc
	done    chan struct{}
}

var _ tray.Backend = (*Backend)(nil)

// New starts watching the spooler and the registry for changes.
func New(opt Options) *Backend {
	ctx, cancel := context.WithCancel(context.Background())
	b := &Backend{opt: opt, changed: make(chan struct{}, 1), cancel: cancel, done: make(chan struct{})}
	opt.Sites.OnChange(b.notify)
	if opt.Fleet != nil {
		opt.Fleet.OnChange(b.notify)
	}
	go b.watch(ctx)
	return b
}

// notify records that something changed (coalesced into one pending value).
func (b *Backend) notify() {
	select {
	case b.changed <- struct{}{}:
	default:
	}
}

// Notify tells the tray its status may have changed (Options.Problems).
func (b *Backend) Notify() { b.notify() }

// watch turns the spooler's events into change notices. A subscription
// dropped for falling behind is replaced.
func (b *Backend) watch(ctx context.Context) {
	defer close(b.done)
	for {
		sub := b.opt.Spooler.Subscribe(256)
		for open := true; open; {
			select {
			case <-ctx.Done():
				sub.Close()
				return
			case _, open = <-sub.C:
				b.notify()
			}
		}
	}
}

// Close stops watching.
func (b *Backend) Close() {
	b.cancel()
	<-b.done
}

// Changed implements tray.Backend.
func (b *Backend) Changed() <-chan struct{} { return b.changed }

// Status is computed from the spooler's printer list (which carries the
// queued counts), so it costs no disk reads.
func (b *Backend) Status() tray.Status {
	st := summarize(b.opt.Spooler.Printers())
	st.Paused = b.opt.Spooler.Paused()
	st.PendingSites = b.opt.Sites.PendingCount()
	st.Version = b.opt.Version
	if b.opt.Problems != nil {
		st.Problems = append(st.Problems, b.opt.Problems()...)
	}
	st.StartAtLoginSupported = autostart.Supported
	if on, err := autostart.Enabled(); err == nil {
		st.StartAtLogin = on
	}
	if b.opt.Fleet != nil {
		st.Fleet = fleetStatus(b.opt.Fleet.Status())
	}
	return st
}

// summarize is the printers part of the status: physical printers by
// name, the virtual one last; queued and held jobs; offline printers with
// jobs (or the default) as problems.
func summarize(printers []printing.Printer) tray.Status {
	var st tray.Status
	printers = slices.Clone(printers)
	slices.SortStableFunc(printers, func(x, y printing.Printer) int {
		if (x.Connection == printing.ConnVirtual) != (y.Connection == printing.ConnVirtual) {
			if x.Connection == printing.ConnVirtual {
				return 1
			}
			return -1
		}
		if c := strings.Compare(strings.ToLower(x.Name), strings.ToLower(y.Name)); c != 0 {
			return c
		}
		return strings.Compare(x.ID, y.ID)
	})
	for _, p := range printers {
		offline := p.Status.State == printing.PrinterOffline || p.Status.State == printing.PrinterError
		st.Printers = append(st.Printers, tray.Printer{ID: p.ID, Name: p.Name, Default: p.IsDefault, Offline: offline})
		st.QueuedJobs += p.Queued
		if offline || slices.Contains(p.Status.Reasons, printing.ReasonPaused) {
			st.HeldJobs += p.Queued
		}
		if offline && (p.Queued > 0 || p.IsDefault) {
			st.Problems = append(st.Problems, p.Name+" is "+p.Status.State)
		}
	}
	return st
}

// SetDefaultPrinter implements tray.Backend.
func (b *Backend) SetDefaultPrinter(id string) error {
	_, err := b.opt.Spooler.SetDefault(id)
	return err
}

// SetPaused implements tray.Backend.
func (b *Backend) SetPaused(paused bool) error {
	b.opt.Spooler.SetPaused(paused)
	return nil
}

// SetStartAtLogin implements tray.Backend.
func (b *Backend) SetStartAtLogin(on bool) error {
	defer b.notify()
	if err := autostart.Set(on); err != nil {
		return err
	}
	b.opt.Logger.Info("start at login changed from the tray", "on", on)
	return nil
}

// PanelURL opens the panel signed in: each call mints a one-time login
// code (the tray runs as the desktop user, in the agent's process). The
// browser keeps the #page across /login's redirect to the panel.
func (b *Backend) PanelURL(page tray.Page) string {
	return b.opt.PanelLoginURL() + "#" + string(page)
}

// fleetStatus is the tray's view of the fleet connection.
func fleetStatus(f wire.FleetStatus) tray.Fleet {
	return tray.Fleet{Configured: f.Configured, State: f.State, Broker: f.Broker, Error: f.Error}
}

// SetFleetPaused implements tray.Backend.
func (b *Backend) SetFleetPaused(paused bool) error {
	if b.opt.Fleet == nil {
		return errors.New("no fleet broker is configured")
	}
	defer b.notify()
	return b.opt.Fleet.SetPaused(paused)
}

// SetFleetEnabled implements tray.Backend.
func (b *Backend) SetFleetEnabled(on bool) error {
	if b.opt.Fleet == nil {
		return errors.New("no fleet broker is configured")
	}
	defer b.notify()
	return b.opt.Fleet.SetEnabled(on)
}
