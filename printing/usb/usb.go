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
	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/printing/usbid"
)

// Sink receives printers as they come and go. *printing.Spooler implements it.
type Sink interface {
	Attach(p printing.Printer, t printing.Transport)
	Detach(id string)
	SetStatus(id string, st printing.Status)
}

var _ Sink = (*printing.Spooler)(nil)

// Options tune Watch (see usbid.WatchOptions). Zero values take the defaults.
type Options = usbid.WatchOptions
