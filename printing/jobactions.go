package printing

import "context"

// Cancel cancels a queued or held job.
func (s *Spooler) Cancel(id string) (Job, error) {
	j, err := s.Job(id)
	if err != nil {
		return Job{}, err
	}
	s.mu.Lock()
	q := s.queues[j.Printer]
	s.mu.Unlock()
	if q == nil {
		return Job{}, errorf(ErrReasonInvalidState, "job %q is %s: only queued or held jobs can be canceled", id, j.State)
	}
	q.persistMu.Lock()
	defer q.persistMu.Unlock()
	s.mu.Lock()
	var e *entry
	for _, x := range q.entries {
		if x.stored && x.job.ID == id {
			e = x
		}
	}
	if e == nil || e.job.State == JobSending {
		state := j.State
		if e != nil {
			state = e.job.State
		}
		s.mu.Unlock()
		return Job{}, errorf(ErrReasonInvalidState, "job %q is %s: only queued or held jobs can be canceled", id, state)
	}
	canceled := e.job
	canceled.State, canceled.Reason, canceled.UpdatedAt = JobCanceled, ReasonCanceled, s.opt.Now().UTC()
	s.mu.Unlock()
	// Store before memory: until the cancel is durable the job stays queued
	// (persistMu keeps the worker from taking it meanwhile), so a failed
	// write leaves things as the store says they are.
	if err := s.store.Put(s.ctx, canceled); err != nil {
		return Job{}, &Error{Code: ErrReasonStoreFailed, Msg: "record cancel", Err: err}
	}
	s.mu.Lock()
	q.removeLocked(e)
	e.job = canceled
	q.poke()
	s.mu.Unlock()
	s.publishJob(canceled)
	return canceled, nil
}

// Retry puts a failed or canceled job back at the end of its printer's
// queue. A done job is printed again as a new job (a reprint).
func (s *Spooler) Retry(ctx context.Context, id string) (Job, error) {
	j, err := s.Job(id)
	if err != nil {
		return Job{}, err
	}
	switch j.State {
	case JobDone:
		data, err := s.store.Payload(id)
		if err != nil {
			return Job{}, &Error{Code: ErrReasonStoreFailed, Msg: "read job data", Err: err}
		}
		// Copies are already in the stored bytes.
		r, err := s.SubmitWait(ctx, Request{Printer: j.Printer, Origin: j.Origin, Title: j.Title, Raw: data, Language: j.Language, ReprintOf: j.ID})
		if err != nil {
			return Job{}, err
		}
		return r.Job, nil
	case JobFailed, JobCanceled:
	default:
		return Job{}, errorf(ErrReasonInvalidState, "job %q is %s: only failed, canceled or done jobs can be retried", id, j.State)
	}
	s.mu.Lock()
	q, ok := s.queues[j.Printer]
	if !ok || (!q.present && !q.remembered && j.Printer != s.defaultLocked()) {
		s.mu.Unlock()
		return Job{}, errorf(ErrReasonPrinterNotFound, "printer %q not found", j.Printer)
	}
	s.mu.Unlock()
	q.persistMu.Lock()
	defer q.persistMu.Unlock()
	s.mu.Lock()
	for _, x := range q.entries {
		if x.job.ID == id {
			j = x.job
			s.mu.Unlock()
			return j, nil // retried already
		}
	}
	if len(q.entries) >= s.opt.QueueDepth {
		s.mu.Unlock()
		return Job{}, errorf(ErrReasonQueueFull, "printer %q has %d jobs waiting (the limit)", j.Printer, len(q.entries))
	}
	s.mu.Unlock()
	// Read it again under persistMu (the worker records outcomes under it):
	// a retry racing this one may have queued and finished it meanwhile.
	if cur, err := s.store.Get(id); err != nil {
		return Job{}, &Error{Code: ErrReasonStoreFailed, Msg: "read job", Err: err}
	} else if cur.State != JobFailed && cur.State != JobCanceled {
		return Job{}, errorf(ErrReasonInvalidState, "job %q is %s: only failed, canceled or done jobs can be retried", id, cur.State)
	} else {
		j = cur
	}
	s.mu.Lock()
	now := s.opt.Now()
	j.State, j.Reason, j.Detail, j.Cause, j.UpdatedAt, j.DoneAt = JobQueued, "", "", "", now.UTC(), nil
	e := &entry{job: j, stored: true}
	if reason := s.blockLocked(q); reason != "" {
		e.job.State, e.job.Reason, e.job.Cause, e.heldSince = JobHeld, reason, reason, now
	}
	j = e.job
	s.mu.Unlock()
	// Store before memory: the job joins its queue only once the retry is
	// durable, so a failed write never prints it.
	if err := s.store.Put(ctx, j); err != nil {
		return Job{}, &Error{Code: ErrReasonStoreFailed, Msg: "record retry", Err: err}
	}
	s.mu.Lock()
	q.entries = append(q.entries, e)
	q.poke()
	s.mu.Unlock()
	s.publishJob(j)
	return j, nil
}
