package printing

import (
	"bytes"
	"context"
)

// RetryOn sends a held, failed, canceled or done job to another printer,
// as a new job marked RetryOf the original (or ReprintOf, for a done job).
// A held job is canceled first, durably, so it can never print on both
// printers. The new job is made from the original's
// printed bytes when the new printer has the same language and dpi;
// otherwise a label job is compiled again from its label for the new
// printer, and a raw or document job is refused (language_mismatch).
// printer == the job's own printer is Retry.
func (s *Spooler) RetryOn(ctx context.Context, id, printer string) (Job, error) {
	j, err := s.Job(id)
	if err != nil {
		return Job{}, err
	}
	if printer == "" || printer == j.Printer {
		return s.Retry(ctx, id)
	}
	if _, err := s.Printer(printer); err != nil {
		return Job{}, err
	}
	switch j.State {
	case JobHeld, JobQueued:
		if j, err = s.Cancel(id); err != nil {
			return Job{}, err
		}
	case JobFailed, JobCanceled, JobDone:
	default:
		return Job{}, errorf(ErrReasonInvalidState, "job %q is %s: only held, failed, canceled or done jobs can be sent to another printer", id, j.State)
	}
	req := Request{Printer: printer, Origin: j.Origin, Title: j.Title, RetryOf: j.ID}
	if j.State == JobDone {
		req.RetryOf, req.ReprintOf = "", j.ID
	}
	target, _ := s.Printer(printer)
	from, fromErr := s.Printer(j.Printer)
	sameBytes := target.Language == j.Language && (fromErr != nil || from.DPI == 0 || target.DPI == from.DPI)
	src, err := s.store.Source(id)
	if err != nil {
		return Job{}, &Error{Code: ErrReasonStoreFailed, Msg: "read the job's label", Err: err}
	}
	if !sameBytes && len(src) > 0 && !bytes.HasPrefix(bytes.TrimSpace(src), []byte(`{"document":`)) {
		// Another language or dpi: compile the label again for it.
		req.Label, req.Copies = src, j.Copies
	} else {
		// The same language and dpi (or a raw job, or a document): the
		// bytes as printed, copies and every label of a batch included.
		data, err := s.store.Payload(id)
		if err != nil {
			return Job{}, &Error{Code: ErrReasonStoreFailed, Msg: "read job data", Err: err}
		}
		req.Raw, req.Language = data, j.Language
	}
	r, err := s.SubmitWait(ctx, req)
	if err != nil {
		return Job{}, err
	}
	return r.Job, nil
}
