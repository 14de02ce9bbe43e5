// Package usb finds USB label printers and prints to them through libusb
// (github.com/google/gousb; this is the only package that imports it). It
// needs cgo and libusb-1.0 (libusb-1.0-0-dev and pkg-config to build), and
// builds only for Linux and macOS: elsewhere, with CGO_ENABLED=0, or with the
// build tag nolibusb (for machines without the libusb headers), Watch
// returns an error wrapping errors.ErrUnsupported (use printing/usblp on
// Linux without libusb, and printing/winusb or printing/winspool on Windows).
//
// The app calls Watch once; it blocks until its context ends:
//
//	err := usb.Watch(ctx, spooler, usb.Options{Logger: log})
//
// Watch scans the bus every Options.Interval (1 s; libusb keeps the device
// list current from hotplug events, so a scan costs no I/O). Every device with
// a printer-class (7) interface, and vendor-specific interfaces of known
// label-printer vendors, is identified once: its IEEE-1284 device ID
// (GET_DEVICE_ID) gives the manufacturer, model and command language, the
// serial number gives a stable id ("usb:0a5f:0080:SERIAL", or the bus path
// "usb:1203:0230:1-2" without one). Each printer is handed to the Sink with
// its Transport; an unplugged printer is Detached, and Attached again under
// the same id when it comes back, so the spooler resends held jobs.
//
// The transport opens the device only while it works: each Send and status
// query opens it, claims the printer interface (libusb auto-detach takes it
// from the usblp kernel driver and gives it back on release), checks the
// printer's status in its language (ZPL ~HQES, TSPL <ESC>!?, EPL2 ^ee,
// ESC/POS DLE EOT), writes the job in chunks with timeouts, checks again,
// and closes. A printer that reports paper out holds the job
// (printing.HoldError{Why: "paper_out"}); the transport is a
// printing.StatusQuerier so the spooler resumes it once the printer is ready.
package usb

import (
	"log/slog"
	"time"

	"github.com/labelbridge/labelbridge/printing"
)

// Sink receives printers as they come and go. *printing.Spooler implements it.
type Sink interface {
	Attach(p printing.Printer, t printing.Transport)
	Detach(id string)
	SetStatus(id string, st printing.Status)
}

var _ Sink = (*printing.Spooler)(nil)

// Options tune Watch. Zero values take the defaults.
type Options struct {
	// Interval between bus scans (default 1 s). Printers appear and
	// disappear within about one interval of being plugged or unplugged.
	Interval time.Duration
	// ChunkSize is the size of one bulk OUT transfer (default 64 KiB).
	ChunkSize int
	// ChunkTimeout bounds one bulk OUT transfer: a printer that takes
	// nothing for this long holds the job (default 10 s).
	ChunkTimeout time.Duration
	// StatusTimeout bounds the wait for a status reply, and each control
	// request (default 2 s).
	StatusTimeout time.Duration
	// NoInitialStatus skips the status query made when a printer appears
	// (which claims the interface briefly).
	NoInitialStatus bool
	Logger          *slog.Logger
}

func (o *Options) fill() {
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
