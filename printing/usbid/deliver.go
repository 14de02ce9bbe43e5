package usbid

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/labelbridge/labelbridge/printing"
)

// Port is an open byte link to one printer: a claimed USB interface's bulk
// endpoints, a /dev/usb/lp node, a usbprint handle. Implementations return
// promptly once ctx ends.
type Port interface {
	// Write sends p, returning how much went out.
	Write(ctx context.Context, p []byte) (int, error)
	// Read returns what the printer sent back. (0, nil) is allowed.
	Read(ctx context.Context, p []byte) (int, error)
}

// Errors of the status helpers.
var (
	// ErrNoReply: the printer did not answer (fully) in time.
	ErrNoReply = errors.New("printer sent no status reply")
	// ErrNoStatus: neither a language query nor a port status is available.
	ErrNoStatus = errors.New("printer status is not available on this link")
)

// maxReply bounds a status reply.
const maxReply = 4096

// QueryStatus sends lang's status query on p and parses the reply, waiting at
// most timeout for it. It returns an error wrapping ErrNoStatus for a
// language without a query, and ErrNoReply when nothing (or not a whole
// reply) came back in time.
func QueryStatus(ctx context.Context, p Port, lang string, timeout time.Duration) (printing.Status, error) {
	q, ok := StatusQueryFor(lang)
	if !ok {
		return printing.Status{}, fmt.Errorf("language %q: %w", lang, ErrNoStatus)
	}
	qctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if _, err := p.Write(qctx, q.Command); err != nil {
		if ctx.Err() == nil && qctx.Err() != nil {
			return printing.Status{}, fmt.Errorf("send %s status query: %w", lang, ErrNoReply)
		}
		return printing.Status{}, fmt.Errorf("send %s status query: %w", lang, err)
	}
	var reply []byte
	buf := make([]byte, 512)
	idle := time.NewTimer(0)
	defer idle.Stop()
	<-idle.C
	for !q.Complete(reply) {
		n, err := p.Read(qctx, buf)
		reply = append(reply, buf[:n]...)
		if len(reply) > maxReply {
			return printing.Status{}, fmt.Errorf("%s status reply over %d bytes: %w", lang, maxReply, ErrBadReply)
		}
		if err != nil {
			if q.Complete(reply) {
				break
			}
			if ctx.Err() == nil && qctx.Err() != nil {
				return printing.Status{}, fmt.Errorf("%s status after %v (%d bytes %q): %w", lang, timeout, len(reply), reply, ErrNoReply)
			}
			return printing.Status{}, fmt.Errorf("read %s status: %w", lang, err)
		}
		if n == 0 { // an empty transfer: do not spin on a link that returns at once
			idle.Reset(10 * time.Millisecond)
			select {
			case <-idle.C:
			case <-qctx.Done():
			}
		}
	}
	st, err := q.Parse(reply)
	if err != nil {
		return printing.Status{}, fmt.Errorf("parse %s status %q: %w", lang, reply, err)
	}
	return st, nil
}

// JobOptions describe a link for SendJob and ReadStatus.
type JobOptions struct {
	Language string
	// Bidirectional is true when the link can read replies (a bulk IN
	// endpoint, protocol 2).
	Bidirectional bool
	ChunkSize     int           // bytes per write (default 64 KiB)
	ChunkTimeout  time.Duration // a chunk the printer does not take in this time holds the job (default 10 s)
	StatusTimeout time.Duration // wait for a status reply (default 2 s)
	// PortStatus reads the printer-class port status byte, when the link
	// has it (nil: it has not). It is used when no language query answers.
	PortStatus func(ctx context.Context) (byte, error)
	// Classify maps a link error to what SendJob returns, e.g. a vanished
	// device to *printing.HoldError{Why: "disconnected"}. nil: errors are
	// returned wrapped (the spooler retries them).
	Classify func(err error) error
}

func (o *JobOptions) fill() {
	if o.ChunkSize <= 0 {
		o.ChunkSize = 64 << 10
	}
	if o.ChunkTimeout <= 0 {
		o.ChunkTimeout = 10 * time.Second
	}
	if o.StatusTimeout <= 0 {
		o.StatusTimeout = 2 * time.Second
	}
}

func (o *JobOptions) classify(err error) error {
	if o.Classify != nil {
		if c := o.Classify(err); c != nil {
			return c
		}
	}
	return err
}

// ReadStatus asks the printer for its status: the language's query on a
// bidirectional link, else (or when that gets no answer) the port status.
// Errors wrap ErrNoStatus when nothing could be learnt; link failures go
// through o.Classify.
func ReadStatus(ctx context.Context, p Port, o JobOptions) (printing.Status, error) {
	o.fill()
	var qerr error = ErrNoStatus
	if o.Bidirectional {
		st, err := QueryStatus(ctx, p, o.Language, o.StatusTimeout)
		if err == nil {
			return st, nil
		}
		if ctx.Err() != nil {
			return printing.Status{}, err
		}
		if !errors.Is(err, ErrNoReply) && !errors.Is(err, ErrNoStatus) && !errors.Is(err, ErrBadReply) {
			return printing.Status{}, o.classify(err)
		}
		qerr = err
	}
	if o.PortStatus != nil {
		pctx, cancel := context.WithTimeout(ctx, o.StatusTimeout)
		b, err := o.PortStatus(pctx)
		cancel()
		if err == nil {
			return ParsePortStatus(b), nil
		}
		if ctx.Err() != nil {
			return printing.Status{}, err
		}
		qerr = errors.Join(qerr, fmt.Errorf("port status: %w", err))
	}
	return printing.Status{}, fmt.Errorf("%w: %w", ErrNoStatus, qerr)
}

// HoldFor returns the HoldError for a printer that is not ready (its first
// reason), or nil when it is.
func HoldFor(st printing.Status, detail error) error {
	if st.Ready() {
		return nil
	}
	why := st.State
	if len(st.Reasons) > 0 {
		why = st.Reasons[0]
	}
	return &printing.HoldError{Why: why, Err: detail}
}

// SendJob delivers one job over p:
//
//  1. ask for the status (ReadStatus); a printer that is not ready holds the
//     job with its reason (paper_out, head_open, …) and nothing is written;
//     a printer that does not answer is written to anyway;
//  2. write data in chunks of o.ChunkSize, each within o.ChunkTimeout; a
//     printer that stops taking data holds the job with the reason its
//     status then gives (or "timeout");
//  3. for languages whose printers answer at once even mid-job (ZPL, TSPL),
//     ask again, so a printer that ran out of paper is never reported done.
//
// A held job is sent again from its start later (the spooler's job).
func SendJob(ctx context.Context, p Port, data []byte, o JobOptions) error {
	o.fill()
	st, err := ReadStatus(ctx, p, o)
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("status before job: %w", ctx.Err())
	case err == nil:
		if h := HoldFor(st, errors.New("printer status before the job")); h != nil {
			return h
		}
	case !errors.Is(err, ErrNoStatus):
		return err
	}

	for off := 0; off < len(data); {
		n := min(o.ChunkSize, len(data)-off)
		cctx, cancel := context.WithTimeout(ctx, o.ChunkTimeout)
		w, err := p.Write(cctx, data[off:off+n])
		timedOut := cctx.Err() != nil
		cancel()
		off += max(w, 0)
		if err == nil {
			continue
		}
		if ctx.Err() != nil {
			return fmt.Errorf("write job at byte %d of %d: %w", off, len(data), ctx.Err())
		}
		if timedOut {
			detail := fmt.Errorf("printer took %d of %d bytes, then nothing for %v: %w", off, len(data), o.ChunkTimeout, err)
			if st, serr := ReadStatus(ctx, p, o); serr == nil {
				if h := HoldFor(st, detail); h != nil {
					return h
				}
			}
			return &printing.HoldError{Why: printing.ReasonTimeout, Err: detail}
		}
		return o.classify(fmt.Errorf("write job at byte %d of %d: %w", off, len(data), err))
	}

	q, ok := StatusQueryFor(o.Language)
	if !o.Bidirectional || !ok || !q.AfterJob {
		return nil
	}
	st, err = QueryStatus(ctx, p, o.Language, o.StatusTimeout)
	switch {
	case err == nil:
		return HoldFor(st, errors.New("printer status right after the job"))
	case ctx.Err() != nil:
		return fmt.Errorf("status after job: %w", ctx.Err())
	case errors.Is(err, ErrNoReply) || errors.Is(err, ErrBadReply):
		return nil // the job went out; a printer busy printing may not answer
	default:
		return o.classify(err)
	}
}
