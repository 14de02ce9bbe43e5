package usbid

import (
	"log/slog"
	"time"
)

// WatchOptions tune a USB discovery backend (gousb, usblp, usbprint). Zero
// values take the defaults.
type WatchOptions struct {
	// Interval between scans (default 1 s). Printers appear and disappear
	// within about one interval of being plugged or unplugged.
	Interval time.Duration
	// ChunkSize is the size of one write to the printer (default 64 KiB).
	ChunkSize int
	// ChunkTimeout bounds one write: a printer that takes nothing for this
	// long holds the job (default 10 s).
	ChunkTimeout time.Duration
	// StatusTimeout bounds the wait for a status reply, and each control
	// request (default 2 s).
	StatusTimeout time.Duration
	// NoInitialStatus skips the status query made when a printer appears
	// (which claims the interface briefly).
	NoInitialStatus bool
	Logger          *slog.Logger
}

// Fill sets the defaults of zero fields.
func (o *WatchOptions) Fill() {
	if o.Interval <= 0 {
		o.Interval = time.Second
	}
	if o.ChunkSize <= 0 {
		o.ChunkSize = 64 << 10
	}
	if o.ChunkTimeout <= 0 {
		o.ChunkTimeout = 10 * time.Second
	}
	if o.StatusTimeout <= 0 {
		o.StatusTimeout = 2 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
}
