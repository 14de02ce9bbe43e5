package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/labelbridge/labelbridge/printing"
)

// watcher is one discovery loop (USB through libusb, /dev/usb/lp*, Windows
// usbprint devices, Windows print queues); it blocks until ctx ends.
type watcher struct {
	name string
	run  func(ctx context.Context, sp *printing.Spooler, log *slog.Logger) error
}

// startDiscovery starts this OS's discovery loops (unless "usb": false).
func (a *agent) startDiscovery(ctx context.Context) {
	if !a.cfg.USBEnabled() {
		a.log.Info("USB discovery is off (\"usb\": false in config)")
		return
	}
	for _, w := range discoveryWatchers() {
		a.wg.Add(1)
		go func() {
			defer a.wg.Done()
			err := runWatcher(ctx, w, a)
			switch {
			case err == nil || ctx.Err() != nil:
			case errors.Is(err, errors.ErrUnsupported):
				a.log.Info("printer discovery not available in this build", "discovery", w.name, "why", err)
			default:
				a.log.Warn("printer discovery stopped", "discovery", w.name, "err", err)
			}
		}()
	}
}

// runWatcher runs one discovery loop; a panic inside it (an OS library
// missing a function, a driver returning nonsense) is logged as an error,
// never allowed to take the agent and its queued jobs down.
func runWatcher(ctx context.Context, w watcher, a *agent) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s discovery crashed: %v", w.name, r)
		}
	}()
	return w.run(ctx, a.spooler, a.log)
}
