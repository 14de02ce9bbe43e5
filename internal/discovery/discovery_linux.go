package discovery

import (
	"context"
	"errors"
	"log/slog"

	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/printing/usb"
	"github.com/labelbridge/labelbridge/printing/usblp"
)

// On Linux: libusb (gousb) when this build has it and libusb starts,
// otherwise the kernel's /dev/usb/lp* devices. Never both: they would fight
// over the same printers.
func Watchers() []Watcher {
	return []Watcher{{Name: "usb", Run: func(ctx context.Context, sp *printing.Spooler, log *slog.Logger) error {
		err := usb.Watch(ctx, sp, usb.Options{Logger: log})
		if err == nil || ctx.Err() != nil {
			return err
		}
		log.Info("libusb is not usable; using /dev/usb/lp* instead", "why", err)
		if lpErr := usblp.WatchLP(ctx, sp, usblp.Options{WatchOptions: usb.Options{Logger: log}}); lpErr != nil {
			return errors.Join(err, lpErr)
		}
		return nil
	}}}
}
