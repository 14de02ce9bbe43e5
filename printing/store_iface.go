package printing

import (
	"context"
	"errors"
)

// ErrNotFound is wrapped by stores for an unknown job.
var ErrNotFound = errors.New("not found")

// NewJob is what a JobStore needs to store a job.
type NewJob struct {
	Job     Job // ID, CreatedAt and UpdatedAt are filled in by the store
	Payload []byte
	// Source is the label the payload was compiled from (JSON), if any:
	// kept for previews.
	Source []byte
}

// CreateResult is the outcome of storing a NewJob.
type CreateResult struct {
	Job Job
	// Existing is true when an earlier job with the same origin and
	// idempotency key was found: Job is that job and nothing was stored.
	Existing bool
	Err      error
}

// JobFilter selects jobs. Zero fields match everything. Stores honour all
// of it: they read newest first and stop at Limit.
type JobFilter struct {
	State   JobState
	Printer string
	Origin  string
	Limit   int // 0: no limit
}

// Match reports whether j passes the filter (Limit aside).
func (f JobFilter) Match(j Job) bool {
	return (f.State == "" || j.State == f.State) &&
		(f.Printer == "" || j.Printer == f.Printer) &&
		(f.Origin == "" || j.Origin == f.Origin)
}

// JobStore is the durable storage the Spooler needs (package store is the
// real one).
type JobStore interface {
	// CreateAsync queues a job for the next group commit; the channel yields
	// once it is durable. Jobs queued by one goroutine commit in that order.
	CreateAsync(NewJob) <-chan CreateResult
	// Put durably records new states of existing jobs.
	Put(ctx context.Context, jobs ...Job) error
	Get(id string) (Job, error)
	Payload(id string) ([]byte, error)
	// Source returns the label a job was made from (nil for raw jobs).
	Source(id string) ([]byte, error)
	List(JobFilter) ([]Job, error)
	// Unfinished returns the jobs not in a terminal state, oldest first.
	Unfinished() ([]Job, error)
}

// PrinterMemory is implemented by stores that remember printers across
// restarts (package store does). The Spooler remembers the printers
// discovery attaches (USB, OS queues) so that after a restart a job for one
// of them is held as disconnected until it is found again, instead of being
// refused as printer_not_found.
type PrinterMemory interface {
	// RememberPrinter durably records a printer's id, name, connection,
	// language, dpi, vendor, model and address (status is not kept).
	RememberPrinter(ctx context.Context, p Printer) error
	RememberedPrinters() ([]Printer, error)
	ForgetPrinter(ctx context.Context, id string) error
}
