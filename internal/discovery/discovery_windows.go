package discovery

import (
	"context"
	"log/slog"

	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/printing/winspool"
	"github.com/labelbridge/labelbridge/printing/winusb"
)

// On Windows: USB printers through the usbprint driver (beside the spooler,
// no driver change), and installed label-printer queues through the spooler.
func Watchers() []Watcher {
	return []Watcher{
		{Name: "usbprint", Run: func(ctx context.Context, sp *printing.Spooler, log *slog.Logger) error {
			return winusb.Watch(ctx, sp, winusb.Options{Logger: log})
		}},
		{Name: "spooler", Run: func(ctx context.Context, sp *printing.Spooler, log *slog.Logger) error {
			return winspool.Watch(ctx, sp, winspool.Options{Logger: log})
		}},
	}
}
