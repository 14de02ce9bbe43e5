package printing

import (
	"context"
	"time"

	"github.com/labelbridge/labelbridge/printing/media"
)

// Connection kinds of a Printer (the public "connection" field).
const (
	ConnUSB     = "usb"
	ConnNetwork = "network"
	ConnSpooler = "spooler"
	ConnVirtual = "virtual"
)

// Printer states (the public "status.state" field).
const (
	PrinterReady   = "ready"
	PrinterBusy    = "busy"
	PrinterError   = "error"
	PrinterOffline = "offline"
)

// Common status and hold reasons (status.reasons of a printer, reason of
// a held or failed job).
const (
	ReasonPaused       = "paused" // the user paused printing in the tray or panel
	ReasonDisconnected = "disconnected"
	ReasonTimeout      = "timeout"
	ReasonSendFailed   = "send_failed"
	ReasonPaperOut     = "paper_out"
	ReasonHeadOpen     = "head_open"
	ReasonRibbonOut    = "ribbon_out"
	ReasonHeldTooLong  = "held_too_long"
	ReasonCanceled     = "canceled_by_user"
	// Reported by printers (USB status queries).
	ReasonAccessDenied  = "access_denied" // the OS refused access (Linux: udev rule missing)
	ReasonDeviceBusy    = "device_busy"   // another program holds the printer
	ReasonPrinterPaused = "printer_paused"
	ReasonQueuePaused   = "queue_paused" // an OS print queue is paused
	ReasonCoverOpen     = "cover_open"
	ReasonPaperJam      = "paper_jam"
	ReasonCutterError   = "cutter_error"
	ReasonOverheated    = "overheated"
	ReasonOffline       = "offline"
	ReasonPrinterError  = "printer_error"
	// Warnings: the printer stays ready.
	ReasonPaperLow = "paper_low"
	ReasonPrinting = "printing"
)

// VirtualPrinterID is the id of the built-in virtual printer.
const VirtualPrinterID = "virtual"

// Printer describes one printer as the API shows it.
type Printer struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Connection string `json:"connection"`
	Language   string `json:"language"`
	Vendor     string `json:"vendor,omitempty"`
	Model      string `json:"model,omitempty"`
	DPI        int    `json:"dpi,omitempty"`
	Status     Status `json:"status"`
	IsDefault  bool   `json:"isDefault"`
	// Address is where the printer is reached (host:port, a device path), for people.
	Address string `json:"address,omitempty"`
	// Configured is true for printers the user added in config (removable in the panel).
	Configured bool `json:"configured,omitempty"`
	// Queued counts the jobs waiting for this printer (queued, sending or held).
	Queued int `json:"queued"`
	// Settings are the print and media settings configured for this
	// printer (printers.configure, config printerSettings), if any.
	Settings *media.Settings `json:"settings,omitempty"`
}

// Status is a printer's live state and the reasons behind it.
type Status struct {
	State   string   `json:"state"`
	Reasons []string `json:"reasons"`
}

// Ready reports whether a printer in this status can take jobs.
func (s Status) Ready() bool {
	return s.State == PrinterReady || s.State == PrinterBusy || s.State == ""
}

// JobState is the lifecycle state of a Job.
type JobState string

// Job states (the public "state" field).
const (
	JobQueued   JobState = "queued"
	JobSending  JobState = "sending"
	JobDone     JobState = "done"
	JobFailed   JobState = "failed"
	JobCanceled JobState = "canceled"
	JobHeld     JobState = "held"
)

// Terminal reports whether no further transition can happen without a retry.
func (s JobState) Terminal() bool {
	return s == JobDone || s == JobFailed || s == JobCanceled
}

// Valid reports whether s is one of the known job states.
func (s JobState) Valid() bool {
	switch s {
	case JobQueued, JobSending, JobDone, JobFailed, JobCanceled, JobHeld:
		return true
	}
	return false
}

// Job is one print request as the API shows it.
type Job struct {
	ID             string   `json:"id"`
	State          JobState `json:"state"`
	Printer        string   `json:"printer"`
	Origin         string   `json:"origin"`
	Title          string   `json:"title,omitempty"`
	Copies         int      `json:"copies"`
	IdempotencyKey string   `json:"idempotencyKey,omitempty"`
	Reason         string   `json:"reason,omitempty"`
	// Labels counts a batch's labels, copies included (print {rows} or
	// {counters}); 0 for a single label.
	Labels int `json:"labels,omitempty"`
	// Detail is the error text behind Reason, for people (logs, the panel).
	Detail string `json:"detail,omitempty"`
	// Cause is the printer's condition that held the job (unreachable,
	// refused, dns, paper_out, …): the same as Reason while it is held, and
	// kept when it fails for being held too long (Reason held_too_long).
	Cause string `json:"cause,omitempty"`
	// ReprintOf is the job this one reprints (jobs.retry of a done job);
	// RetryOf the job it was sent again for on another printer.
	ReprintOf string    `json:"reprintOf,omitempty"`
	RetryOf   string    `json:"retryOf,omitempty"`
	Language  string    `json:"language,omitempty"`
	Bytes     int       `json:"bytes"`
	Attempts  int       `json:"attempts"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	// DoneAt is set when the job reached done, so pages can show the time taken.
	DoneAt *time.Time `json:"doneAt,omitempty"`
	// Pruned is true on the minimal form of a job whose record was removed
	// from the history while its idempotency key is still kept: a duplicate
	// print then returns only its id, state, printer, origin, copies, key and
	// times (no title, reason or bytes).
	Pruned bool `json:"pruned,omitempty"`
}

// Transport writes a job's bytes to one printer. Implementations must honour
// ctx: when it is done, Send returns promptly with ctx.Err() (wrapped).
// Return a *HoldError when the printer cannot take the job now (offline,
// paper out: the job is held and sent again from its start later), an error
// wrapping ErrPermanent when retrying cannot help, any other error for a
// failed send that is worth retrying.
//
// Send is called by one worker at a time per printer, never concurrently for
// the same Transport. job says what is being sent (for file names, spooler
// document titles); data is the whole job, copies included.
type Transport interface {
	Send(ctx context.Context, job Job, data []byte) error
}

// StatusQuerier is implemented by transports that can ask the printer for its
// live status (paper out, head open, …). The spooler polls it every
// Options.StatusEvery while the printer holds jobs, so they resume as soon as
// it is ready; checking before and after a job is the transport's Send's job
// (it returns a *HoldError).
type StatusQuerier interface {
	QueryStatus(ctx context.Context) (Status, error)
}

// Closer is implemented by transports that hold resources (open devices,
// sockets) to release when the printer goes away or the agent stops.
type Closer interface {
	Close() error
}
