package discovery

import (
	"context"
	"log/slog"

	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/printing/usb"
)

// On macOS: libusb (gousb) in cgo builds.
func Watchers() []Watcher {
	return []Watcher{{Name: "usb", Run: func(ctx context.Context, sp *printing.Spooler, log *slog.Logger) error {
		return usb.Watch(ctx, sp, usb.Options{Logger: log})
	}}}
}
