package printing

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"
)

// work is the one goroutine that sends a printer's jobs, in order.
//
// Crash safety: a job is recorded as sending before its first byte goes out,
// and recorded as done before the next job is recorded as sending (both in
// one commit). After a crash at most the one job in flight is sent again.
func (s *Spooler) work(id string, q *queue) {
	defer s.wg.Done()
	var finished []Job // sent (done) or failed, not yet recorded
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		q.persistMu.Lock()
		s.mu.Lock()
		now := s.opt.Now()
		stopping := s.stopped
		probe := false
		if q.failure != "" && !now.Before(q.retryAt) && s.blockWithoutFailureLocked(q) == "" {
			probe = true // time to try the failed printer again, with the head job only
		}
		reason := s.blockLocked(q)
		userPaused := s.paused
		var changed []Job
		if !stopping {
			changed = s.syncHeldLocked(q, reason, probe, now)
			changed = append(changed, s.expireLocked(q, userPaused, now)...)
		}
		var next *entry
		if !stopping && (reason == "" || probe) && len(q.entries) > 0 && q.entries[0].stored {
			next = q.entries[0]
			next.job.State, next.job.Reason, next.job.Detail = JobSending, "", ""
			next.job.Attempts++
			next.job.UpdatedAt = now.UTC()
			changed = append(changed, next.job)
		}
		transport := q.transport
		querier, _ := transport.(StatusQuerier)
		poll := querier != nil && reason != "" && !userPaused && q.present
		wait := s.nextWakeLocked(q, userPaused, poll, now)
		s.mu.Unlock()

		record := append(finished, changed...)
		finished = nil
		if len(record) > 0 {
			if err := s.store.Put(context.Background(), record...); err != nil {
				s.log.Error("record job states", "printer", id, "err", err)
			}
			for _, j := range record {
				s.publishJob(j)
			}
		}
		q.persistMu.Unlock()
		if stopping {
			return
		}

		if next == nil {
			if poll {
				s.pollStatus(q, querier)
			}
			if !s.sleep(q, timer, wait) {
				return
			}
			continue
		}

		data, err := s.store.Payload(next.job.ID)
		if err == nil {
			err = s.send(transport, next.job, data)
		}
		finished = s.afterSend(q, next, err)
		if s.ctx.Err() != nil {
			// Stopping mid-send: a send that completed is recorded as done
			// before the worker exits (Stop waits for it); one that did not
			// stays "sending" and is sent again on the next start.
			s.finalRecord(id, q, finished)
			return
		}
	}
}

// finalRecord writes outcomes still held in memory when a worker exits.
func (s *Spooler) finalRecord(printer string, q *queue, jobs []Job) {
	if len(jobs) == 0 {
		return
	}
	q.persistMu.Lock()
	defer q.persistMu.Unlock()
	if err := s.store.Put(context.Background(), jobs...); err != nil {
		s.log.Error("record job states at shutdown", "printer", printer, "err", err)
		return
	}
	for _, j := range jobs {
		s.publishJob(j)
	}
}

func (s *Spooler) sleep(q *queue, timer *time.Timer, wait time.Duration) bool {
	if wait <= 0 {
		wait = time.Hour
	}
	timer.Reset(wait)
	defer func() {
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
	}()
	select {
	case <-q.wake:
	case <-timer.C:
	case <-s.ctx.Done():
		return false
	}
	return true
}

// send writes one job, within a deadline that grows with its size.
func (s *Spooler) send(t Transport, j Job, data []byte) error {
	if t == nil {
		return &HoldError{Why: ReasonDisconnected}
	}
	timeout := s.opt.SendTimeout + time.Duration(len(data)/s.opt.MinSendRate)*time.Second
	ctx, cancel := context.WithTimeout(s.ctx, timeout)
	defer cancel()
	err := s.sendSafely(ctx, t, j, data)
	if err != nil && ctx.Err() == context.DeadlineExceeded && s.ctx.Err() == nil {
		return &HoldError{Why: ReasonTimeout, Err: err}
	}
	return err
}

// sendSafely is t.Send; a panic in the transport (a bug) fails the job
// instead of stopping the agent, which would find the job "sending" at its
// next start and stop again. The job is not retried: it would panic again,
// and part of it may have printed (retrying is the user's call).
func (s *Spooler) sendSafely(ctx context.Context, t Transport, j Job, data []byte) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("a printer transport panicked: a bug, please report it with this log",
				"printer", j.Printer, "job", j.ID, "panic", r, "stack", string(debug.Stack()))
			err = fmt.Errorf("%w: internal error in the printer's connection (%v); the agent's log has the details", ErrPermanent, r)
		}
	}()
	return t.Send(ctx, j, data)
}

// afterSend applies a send's outcome to the queue and returns the jobs to
// record with the next commit.
func (s *Spooler) afterSend(q *queue, e *entry, err error) []Job {
	q.persistMu.Lock()
	defer q.persistMu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.opt.Now()
	var hold *HoldError
	switch {
	case err == nil:
		q.removeLocked(e)
		e.job.State, e.job.Reason, e.job.Detail, e.job.Cause = JobDone, "", "", ""
		doneAt := now.UTC()
		e.job.DoneAt, e.job.UpdatedAt = &doneAt, doneAt
		q.failure, q.backoff = "", 0
		return []Job{e.job}
	case s.ctx.Err() != nil:
		return nil
	case errors.Is(err, ErrPermanent):
		q.removeLocked(e)
		e.job.State, e.job.Reason, e.job.Detail, e.job.UpdatedAt = JobFailed, ReasonSendFailed, err.Error(), now.UTC()
		s.log.Warn("job failed", "job", e.job.ID, "printer", e.job.Printer, "err", err)
		return []Job{e.job}
	case errors.As(err, &hold):
		q.failure = hold.Why
	default:
		q.failure = ReasonSendFailed
	}
	if q.backoff == 0 {
		q.backoff = s.opt.RetryMin
	} else if q.backoff *= 2; q.backoff > s.opt.RetryMax {
		q.backoff = s.opt.RetryMax
	}
	q.retryAt = now.Add(q.backoff)
	e.job.State, e.job.Reason, e.job.Cause, e.job.Detail, e.job.UpdatedAt = JobHeld, q.failure, q.failure, err.Error(), now.UTC()
	if e.heldSince.IsZero() {
		e.heldSince = now
	}
	s.log.Warn("printer send failed; holding its jobs", "printer", e.job.Printer, "job", e.job.ID, "reason", q.failure, "retry_in", q.backoff, "err", err)
	go s.publishPrinters()
	return []Job{e.job}
}

// blockWithoutFailureLocked is blockLocked ignoring a failed last send.
func (s *Spooler) blockWithoutFailureLocked(q *queue) string {
	f := q.failure
	q.failure = ""
	r := s.blockLocked(q)
	q.failure = f
	return r
}

// syncHeldLocked makes every stored waiting job held with reason, or queued
// when reason is "". When probing, the head job is left alone.
func (s *Spooler) syncHeldLocked(q *queue, reason string, probe bool, now time.Time) []Job {
	var changed []Job
	for i, e := range q.entries {
		if !e.stored || e.job.State == JobSending || (probe && i == 0) {
			continue
		}
		switch {
		case reason == "" && e.job.State == JobHeld:
			e.job.State, e.job.Reason, e.job.Detail, e.job.Cause = JobQueued, "", "", ""
			e.heldSince = time.Time{}
		case reason != "" && (e.job.State != JobHeld || e.job.Reason != reason):
			e.job.State, e.job.Reason, e.job.Cause = JobHeld, reason, reason
			if e.heldSince.IsZero() {
				e.heldSince = now
			}
		default:
			continue
		}
		e.job.UpdatedAt = now.UTC()
		changed = append(changed, e.job)
	}
	return changed
}

// expireLocked fails jobs held longer than HoldTimeout (never while the user
// paused printing: that is their choice).
func (s *Spooler) expireLocked(q *queue, userPaused bool, now time.Time) []Job {
	if s.opt.HoldTimeout < 0 || userPaused {
		return nil
	}
	var expired []Job
	kept := q.entries[:0]
	for _, e := range q.entries {
		if e.job.State == JobHeld && !e.heldSince.IsZero() && now.Sub(e.heldSince) >= s.opt.HoldTimeout {
			e.job.State, e.job.UpdatedAt = JobFailed, now.UTC()
			e.job.Detail = "held for " + s.opt.HoldTimeout.String() + " (" + e.job.Reason + ")"
			e.job.Reason, e.job.Cause = ReasonHeldTooLong, e.job.Reason
			expired = append(expired, e.job)
			continue
		}
		kept = append(kept, e)
	}
	for i := len(kept); i < len(q.entries); i++ {
		q.entries[i] = nil
	}
	q.entries = kept
	return expired
}

// nextWakeLocked is how long the worker may sleep before something it must
// act on without being poked: a retry, a status poll or a hold expiring.
func (s *Spooler) nextWakeLocked(q *queue, userPaused, poll bool, now time.Time) time.Duration {
	wait := time.Duration(0)
	consider := func(d time.Duration) {
		if d < time.Millisecond {
			d = time.Millisecond
		}
		if wait == 0 || d < wait {
			wait = d
		}
	}
	if q.failure != "" {
		consider(q.retryAt.Sub(now))
	}
	if poll {
		consider(s.opt.StatusEvery)
	}
	if s.opt.HoldTimeout > 0 && !userPaused {
		for _, e := range q.entries {
			if !e.heldSince.IsZero() {
				consider(e.heldSince.Add(s.opt.HoldTimeout).Sub(now))
			}
		}
	}
	return wait
}

// pollStatus asks a blocked printer for its status; a ready answer clears a
// failed send so the next job goes out at once.
func (s *Spooler) pollStatus(q *queue, querier StatusQuerier) {
	ctx, cancel := context.WithTimeout(s.ctx, 5*time.Second)
	defer cancel()
	st, err := querier.QueryStatus(ctx)
	if err != nil {
		return
	}
	s.mu.Lock()
	changed := !statusEqual(q.printer.Status, st)
	if st.Reasons == nil {
		st.Reasons = []string{}
	}
	q.printer.Status = st
	if st.State == PrinterReady {
		q.failure, q.backoff = "", 0
	}
	s.mu.Unlock()
	if changed {
		s.publishPrinters()
	}
}
