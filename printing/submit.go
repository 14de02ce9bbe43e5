package printing

import (
	"bytes"
	"context"
	"encoding/json"
)

// Request is a print request as the API receives it.
type Request struct {
	Printer        string // "": the default printer
	Origin         string
	Title          string
	Copies         int // 0 means 1
	IdempotencyKey string
	Label          json.RawMessage // the label model, or
	Document       json.RawMessage // a document (PDF, PNG, JPEG: printing/document's params), or
	Raw            []byte          // raw printer commands
	Language       string          // the language of Raw, if known
	// One design, many labels (batchsubmit.go): Template names a saved
	// design (instead of Label); Rows fill its {{placeholders}}, Counters
	// number its labels.
	Template string
	Rows     []map[string]string
	Counters []Counter
	// ReprintOf and RetryOf mark a job made again from another (Job.ReprintOf, Job.RetryOf).
	ReprintOf, RetryOf string
}

// SubmitResult is the outcome of a Submit.
type SubmitResult struct {
	Job Job
	// Existing is true when the idempotency key matched an earlier job.
	Existing bool
	Err      error
}

// Submit validates and queues a print request. Checks that need no disk
// (bad params, unknown printer, full queue, a label that does not compile)
// fail at once; otherwise the channel yields the job once it is durably
// stored. Requests submitted one after another by one goroutine print in
// that order.
func (s *Spooler) Submit(req Request) <-chan SubmitResult {
	return s.SubmitContext(context.Background(), req)
}

// SubmitContext is Submit whose label compiling stops (with ctx's error)
// when ctx is done, e.g. when the requesting connection closes.
func (s *Spooler) SubmitContext(ctx context.Context, req Request) <-chan SubmitResult {
	out := make(chan SubmitResult, 1)
	j, payload, source, q, e, err := s.prepare(ctx, req)
	if err != nil {
		out <- SubmitResult{Err: err}
		return out
	}
	created := s.store.CreateAsync(NewJob{Job: j, Payload: payload, Source: source})
	go func() {
		r := <-created
		out <- s.finishSubmit(q, e, r)
	}()
	return out
}

// SubmitWait is Submit that waits for the result.
func (s *Spooler) SubmitWait(ctx context.Context, req Request) (SubmitResult, error) {
	select {
	case r := <-s.SubmitContext(ctx, req):
		return r, r.Err
	case <-ctx.Done():
		return SubmitResult{}, ctx.Err()
	}
}

// prepare checks and compiles req. source is what the job is stored with
// to redo its preview: the label, or the document with its dpi.
func (s *Spooler) prepare(ctx context.Context, req Request) (Job, []byte, []byte, *queue, *entry, error) {
	if err := s.resolveTemplate(&req); err != nil {
		return Job{}, nil, nil, nil, nil, err
	}
	copies := req.Copies
	if copies == 0 {
		copies = 1
	}
	if copies < 0 || copies > s.opt.MaxCopies {
		return Job{}, nil, nil, nil, nil, errorf(ErrReasonInvalidParams, "copies: must be 1 to %d, got %d", s.opt.MaxCopies, copies)
	}
	if n := btoi(req.Label != nil) + btoi(req.Raw != nil) + btoi(req.Document != nil); n != 1 {
		return Job{}, nil, nil, nil, nil, errorf(ErrReasonInvalidParams, "exactly one of label, document or raw is required")
	}
	source := req.Label
	if len(req.Title) > 256 || len(req.IdempotencyKey) > 256 {
		return Job{}, nil, nil, nil, nil, errorf(ErrReasonInvalidParams, "title and idempotencyKey: at most 256 bytes")
	}

	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return Job{}, nil, nil, nil, nil, errorf(ErrReasonUnavailable, "agent is shutting down")
	}
	id := req.Printer
	if id == "" {
		id = s.defaultLocked()
	}
	// A printer seen during this run or remembered from an earlier one
	// takes jobs even while unplugged (they are held until it is back); so
	// does the chosen default before it is first plugged in. A never-seen
	// id is printer_not_found.
	q, ok := s.queues[id]
	if !ok && id == s.defaultLocked() {
		q, ok = s.queueLocked(id), true
	}
	if !ok {
		s.mu.Unlock()
		return Job{}, nil, nil, nil, nil, errorf(ErrReasonPrinterNotFound, "printer %q not found", id)
	}
	printer := s.withSettingsLocked(q.printer)
	s.mu.Unlock()

	var payload []byte
	labels := 0 // a batch's labels, copies included
	lang := req.Language
	if req.Label != nil {
		if s.compiler == nil {
			return Job{}, nil, nil, nil, nil, errorf(ErrReasonInvalidParams, "labels are not supported by this build")
		}
		if printer.Language == "" {
			return Job{}, nil, nil, nil, nil, errorf(ErrReasonPrinterNotFound, "printer %q is not connected, so its language is unknown: send raw data or plug it in", id)
		}
		out, err := s.compileLabel(ctx, req, printer)
		if err != nil {
			return Job{}, nil, nil, nil, nil, err
		}
		payload, lang, copies = out.Data, out.Language, max(out.Copies, 1)
		if out.Source != nil { // a batch: its first label
			source, req.Title, labels = out.Source, out.Title, out.Labels
		}
	} else if req.Document != nil {
		dc, ok := s.compiler.(DocumentCompiler)
		if !ok {
			return Job{}, nil, nil, nil, nil, errorf(ErrReasonInvalidParams, "documents are not supported by this build")
		}
		if printer.Language == "" {
			return Job{}, nil, nil, nil, nil, errorf(ErrReasonPrinterNotFound, "printer %q is not connected, so its language and dpi are unknown: plug it in first", id)
		}
		out, err := dc.CompileDocument(ctx, req.Document, printer, copies)
		if err != nil {
			return Job{}, nil, nil, nil, nil, err
		}
		payload, lang, copies, source = out.Data, out.Language, max(out.Copies, 1), out.Source
	} else {
		if len(req.Raw) == 0 {
			return Job{}, nil, nil, nil, nil, errorf(ErrReasonInvalidParams, "raw: no data")
		}
		if lang != "" && printer.Language != "" && printer.Connection != ConnVirtual && lang != printer.Language {
			return Job{}, nil, nil, nil, nil, errorf(ErrReasonLanguageMismatch, "raw data is %s but printer %q speaks %s", lang, id, printer.Language)
		}
		if len(req.Raw)*copies > s.opt.MaxJobBytes {
			return Job{}, nil, nil, nil, nil, errorf(ErrReasonPayloadTooLarge, "job is %d bytes (%d copies), over the limit of %d bytes", len(req.Raw)*copies, copies, s.opt.MaxJobBytes)
		}
		payload = bytes.Repeat(req.Raw, copies)
	}
	if len(payload) > s.opt.MaxJobBytes {
		return Job{}, nil, nil, nil, nil, errorf(ErrReasonPayloadTooLarge, "job is %d bytes, over the limit of %d bytes", len(payload), s.opt.MaxJobBytes)
	}
	if lang == "" {
		lang = printer.Language
	}

	j := Job{
		State: JobQueued, Printer: id, Origin: req.Origin, Title: req.Title,
		Copies: copies, IdempotencyKey: req.IdempotencyKey, Language: lang, Bytes: len(payload),
		Labels: labels, ReprintOf: req.ReprintOf, RetryOf: req.RetryOf,
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(q.entries) >= s.opt.QueueDepth {
		return Job{}, nil, nil, nil, nil, errorf(ErrReasonQueueFull, "printer %q has %d jobs waiting (the limit)", id, len(q.entries))
	}
	e := &entry{job: j}
	if reason := s.blockLocked(q); reason != "" {
		// Stored held from the start; the worker flips it if that changes.
		e.job.State, e.job.Reason, e.job.Cause, e.heldSince = JobHeld, reason, reason, s.opt.Now()
	}
	q.entries = append(q.entries, e)
	return e.job, payload, source, q, e, nil
}

func (s *Spooler) finishSubmit(q *queue, e *entry, r CreateResult) SubmitResult {
	q.persistMu.Lock()
	defer q.persistMu.Unlock()
	s.mu.Lock()
	if r.Err != nil || r.Existing {
		q.removeLocked(e)
		q.poke()
		s.mu.Unlock()
		if r.Err != nil {
			return SubmitResult{Err: &Error{Code: ErrReasonStoreFailed, Msg: "store job", Err: r.Err}}
		}
		return SubmitResult{Job: s.liveJob(r.Job), Existing: true}
	}
	e.job = r.Job
	e.stored = true
	j := e.job
	q.poke()
	s.mu.Unlock()
	s.publishJob(j)
	return SubmitResult{Job: j}
}
