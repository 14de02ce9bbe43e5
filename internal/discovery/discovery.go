// Package discovery runs this OS's printer discovery loops, which attach
// the printers they find to the spooler and detach them when they go: USB
// through libusb or /dev/usb/lp* on Linux, libusb on macOS, the usbprint
// driver and the print spooler's queues on Windows (one leaf file per OS;
// other systems have none, and the virtual and network printers still
// work).
package discovery

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/labelbridge/labelbridge/printing"
)

// Watcher is one discovery loop; Run blocks until ctx ends.
type Watcher struct {
	Name string
	Run  func(ctx context.Context, sp *printing.Spooler, log *slog.Logger) error
}

// Start runs each watcher on its own goroutine, counted in wg, until ctx
// ends. A loop that stops early is logged (as info when this build or OS
// lacks it, errors.ErrUnsupported); it never takes the agent down.
func Start(ctx context.Context, wg *sync.WaitGroup, watchers []Watcher, sp *printing.Spooler, log *slog.Logger) {
	for _, w := range watchers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := run(ctx, w, sp, log)
			switch {
			case err == nil || ctx.Err() != nil:
			case errors.Is(err, errors.ErrUnsupported):
				log.Info("printer discovery not available in this build", "discovery", w.Name, "why", err)
			default:
				log.Warn("printer discovery stopped", "discovery", w.Name, "err", err)
			}
		}()
	}
}

// run runs one discovery loop; a panic inside it (an OS library missing a
// function, a driver returning nonsense) is returned as an error, never
// allowed to take the agent and its queued jobs down.
func run(ctx context.Context, w Watcher, sp *printing.Spooler, log *slog.Logger) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s discovery crashed: %v", w.Name, r)
		}
	}()
	return w.Run(ctx, sp, log)
}
