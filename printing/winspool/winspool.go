// Package winspool prints raw label commands through the Windows print
// spooler (winspool.drv, pure Go): OpenPrinter, StartDocPrinter with the
// "RAW" datatype ("XPS_PASS" for v4 XPS drivers), WritePrinter, EndDocPrinter.
// It needs an installed queue for the printer, with its vendor driver or
// "Generic / Text Only"; the printer's connection ("spooler") can then be
// USB, network or anything else Windows prints to.
//
// The app calls Watch once; it blocks until its context ends:
//
//	err := winspool.Watch(ctx, spooler, winspool.Options{Logger: log})
//
// Every Options.Interval it lists the installed queues (EnumPrinters level 2)
// and attaches those Options.Match accepts (by default label printers: a
// driver or name that tells the language, or "Generic / Text Only") under
// the id "spooler:<queue name>". The queue's status (paper out, offline,
// paused, …) is passed on with SetStatus, and Send waits until Windows has
// handed the job to the printer: a job that Windows reports as failed (paper
// out, offline, error) is deleted from the Windows queue and held, so the
// spooler resends it later, never twice.
//
// Status read-back through the spooler is only what the driver reports; for
// the printer's own status use the usbprint path (printing/winusb).
// Elsewhere Watch returns an error wrapping errors.ErrUnsupported.
package winspool

import (
	"log/slog"
	"strings"
	"time"

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

// Queue is an installed Windows printer queue (PRINTER_INFO_2).
type Queue struct {
	Name       string
	Port       string
	Driver     string
	Status     uint32 // PRINTER_STATUS_* flags
	Attributes uint32 // PRINTER_ATTRIBUTE_* flags
}

// Options tune Watch. Zero values take the defaults.
type Options struct {
	// Interval between listings of the queues (default 2 s).
	Interval time.Duration
	// Match chooses the queues to offer (default DefaultMatch).
	Match func(Queue) bool
	// ChunkSize is the size of one WritePrinter call (default 64 KiB).
	ChunkSize int
	// CompleteTimeout bounds the wait for Windows to hand a job to the
	// printer (default 60 s; negative: do not wait, "done" means spooled).
	// A job still waiting then is deleted from the Windows queue and held.
	CompleteTimeout time.Duration
	Logger          *slog.Logger
}

func (o *Options) fill() {
	if o.Interval <= 0 {
		o.Interval = 2 * time.Second
	}
	if o.Match == nil {
		o.Match = DefaultMatch
	}
	if o.ChunkSize <= 0 {
		o.ChunkSize = 64 << 10
	}
	if o.CompleteTimeout == 0 {
		o.CompleteTimeout = 60 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
}

// GenericTextOnly is the name of Windows' raw pass-through driver.
const GenericTextOnly = "Generic / Text Only"

// DefaultMatch accepts label printer queues: a driver or queue name that
// tells the command language (ZDesigner …, TSC …, EPSON TM-… Receipt), or the
// "Generic / Text Only" driver; never file, PDF, XPS, fax or OneNote queues.
func DefaultMatch(q Queue) bool {
	switch strings.ToUpper(strings.TrimSpace(q.Port)) {
	case "", "PORTPROMPT:", "FILE:", "NUL:", "NUL", "XPSPORT:", "SHRFAX:":
		return false
	}
	if strings.HasPrefix(strings.ToUpper(q.Driver), "MICROSOFT ") || strings.Contains(strings.ToUpper(q.Name), "ONENOTE") {
		return false
	}
	return strings.EqualFold(q.Driver, GenericTextOnly) || language(q) != ""
}

func language(q Queue) string {
	if l := usbid.LanguageFromName(q.Driver); l != "" {
		return l
	}
	return usbid.LanguageFromName(q.Name)
}

// vendorWords maps words of driver names to vendors.
var vendorWords = map[string]string{
	"ZDESIGNER": "Zebra", "ZEBRA": "Zebra", "TSC": "TSC", "EPSON": "Epson", "GODEX": "Godex",
	"BIXOLON": "Bixolon", "SATO": "SATO", "CITIZEN": "Citizen", "DATAMAX": "Datamax-O'Neil",
	"HONEYWELL": "Honeywell", "INTERMEC": "Intermec", "XPRINTER": "Xprinter", "GPRINTER": "Gprinter",
	"STAR": "Star Micronics", "BROTHER": "Brother", "DYMO": "Dymo", "TOSHIBA": "Toshiba TEC",
}

// PrinterID is the id of a queue's printer.
func PrinterID(queue string) string { return "spooler:" + queue }

// printerFor is the API view of a queue.
func printerFor(q Queue) printing.Printer {
	vendor := ""
	if f := strings.Fields(q.Driver); len(f) > 0 {
		vendor = vendorWords[strings.ToUpper(f[0])]
	}
	return printing.Printer{
		ID: PrinterID(q.Name), Name: q.Name, Connection: printing.ConnSpooler, Language: language(q),
		Vendor: vendor, Model: q.Driver, DPI: usbid.DPIFromModel(q.Driver), Address: q.Port,
		Status: queueStatus(q.Status, q.Attributes),
	}
}

// PRINTER_STATUS_* (winspool.h).
const (
	printerStatusPaused           = 0x00000001
	printerStatusError            = 0x00000002
	printerStatusPendingDeletion  = 0x00000004
	printerStatusPaperJam         = 0x00000008
	printerStatusPaperOut         = 0x00000010
	printerStatusPaperProblem     = 0x00000040
	printerStatusOffline          = 0x00000080
	printerStatusBusy             = 0x00000200
	printerStatusPrinting         = 0x00000400
	printerStatusNotAvailable     = 0x00001000
	printerStatusUserIntervention = 0x00100000
	printerStatusDoorOpen         = 0x00400000

	printerAttributeWorkOffline = 0x00000400
)

// ReasonQueuePaused: the Windows queue was paused by a person.
const ReasonQueuePaused = "queue_paused"

// queueStatus maps a queue's PRINTER_STATUS flags (what the driver reports).
func queueStatus(status, attrs uint32) printing.Status {
	var reasons []string
	add := func(bit uint32, r string) {
		if status&bit != 0 {
			reasons = append(reasons, r)
		}
	}
	add(printerStatusDoorOpen, usbid.ReasonCoverOpen)
	add(printerStatusPaperOut, printing.ReasonPaperOut)
	add(printerStatusPaperJam, usbid.ReasonPaperJam)
	add(printerStatusPaperProblem, usbid.ReasonPrinterError)
	add(printerStatusOffline, usbid.ReasonOffline)
	add(printerStatusNotAvailable, usbid.ReasonOffline)
	add(printerStatusPendingDeletion, usbid.ReasonOffline)
	add(printerStatusUserIntervention, usbid.ReasonPrinterError)
	add(printerStatusError, usbid.ReasonPrinterError)
	add(printerStatusPaused, ReasonQueuePaused)
	add(printerStatusPrinting|printerStatusBusy, usbid.ReasonPrinterBusy)
	if attrs&printerAttributeWorkOffline != 0 {
		reasons = append(reasons, usbid.ReasonOffline)
	}
	return usbid.NewStatus(reasons...)
}

// JOB_STATUS_* (winspool.h).
const (
	jobStatusPaused           = 0x00000001
	jobStatusError            = 0x00000002
	jobStatusDeleting         = 0x00000004
	jobStatusOffline          = 0x00000020
	jobStatusPaperOut         = 0x00000040
	jobStatusPrinted          = 0x00000080
	jobStatusDeleted          = 0x00000100
	jobStatusBlockedDevQ      = 0x00000200
	jobStatusUserIntervention = 0x00000400
	jobStatusComplete         = 0x00001000
)

// jobOutcome reads a Windows job's status while Send waits for it: done once
// it has gone to the printer; a hold reason when Windows reports it stuck;
// deleted when someone removed it from the Windows queue.
func jobOutcome(status uint32) (done bool, hold string, deleted bool) {
	switch {
	case status&(jobStatusPrinted|jobStatusComplete) != 0:
		return true, "", false
	case status&(jobStatusDeleting|jobStatusDeleted) != 0:
		return false, "", true
	case status&jobStatusPaperOut != 0:
		return false, printing.ReasonPaperOut, false
	case status&jobStatusOffline != 0:
		return false, usbid.ReasonOffline, false
	case status&(jobStatusError|jobStatusBlockedDevQ|jobStatusUserIntervention) != 0:
		return false, usbid.ReasonPrinterError, false
	}
	return false, "", false // spooling, printing, or paused by a person: wait
}

// driverAttrsOffset is where DRIVER_INFO_8W keeps dwPrinterDriverAttributes
// for a pointer size, with MSVC's alignment: its DWORDLONG is 8-aligned even
// on 386, where a Go struct would 4-align it.
func driverAttrsOffset(ptr uintptr) uintptr {
	align := func(off, a uintptr) uintptr { return (off + a - 1) &^ (a - 1) }
	off := align(4, ptr) + 10*ptr // cVersion, then pName … pszzPreviousNames
	off += 8                      // ftDriverDate (FILETIME)
	off = align(off, 8) + 8       // dwlDriverVersion (DWORDLONG)
	off = align(off, ptr) + 8*ptr // pszMfgName … pszInfPath
	return off
}
