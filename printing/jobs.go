package printing

import (
	"errors"
	"sort"
)

// Job returns one job.
func (s *Spooler) Job(id string) (Job, error) {
	j, err := s.store.Get(id)
	if errors.Is(err, ErrNotFound) {
		return Job{}, errorf(ErrReasonJobNotFound, "job %q not found", id)
	}
	if err != nil {
		return Job{}, &Error{Code: ErrReasonStoreFailed, Msg: "read job", Err: err}
	}
	return s.liveJob(j), nil
}

// Jobs lists jobs, newest first: unfinished ones as they are now, finished
// ones from history. Every unfinished job is in memory, so a filter on an
// unfinished state reads no history; otherwise the store gets the filter and
// limit and reads only what it needs.
func (s *Spooler) Jobs(f JobFilter) ([]Job, error) {
	if f.State != "" && !f.State.Terminal() {
		return s.unfinishedJobs(f), nil
	}
	stored, err := s.store.List(f)
	if err != nil {
		return nil, &Error{Code: ErrReasonStoreFailed, Msg: "list jobs", Err: err}
	}
	if f.State != "" {
		return stored, nil
	}
	var live map[string]Job
	for i, j := range stored {
		if j.State.Terminal() {
			continue
		}
		if live == nil {
			live = s.liveJobs()
		}
		if l, ok := live[j.ID]; ok {
			stored[i] = l
		}
	}
	return stored, nil
}

// liveJob returns the in-memory state of an unfinished job, or j as stored.
func (s *Spooler) liveJob(j Job) Job {
	s.mu.Lock()
	defer s.mu.Unlock()
	if q, ok := s.queues[j.Printer]; ok {
		for _, e := range q.entries {
			if e.stored && e.job.ID == j.ID {
				return e.job
			}
		}
	}
	return j
}

// liveJobs is the in-memory state of every stored unfinished job, by id.
func (s *Spooler) liveJobs() map[string]Job {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]Job{}
	for _, q := range s.queues {
		for _, e := range q.entries {
			if e.stored {
				out[e.job.ID] = e.job
			}
		}
	}
	return out
}

// unfinishedJobs lists the stored unfinished jobs f matches, newest first
// (ids sort in creation order).
func (s *Spooler) unfinishedJobs(f JobFilter) []Job {
	s.mu.Lock()
	out := []Job{}
	for _, q := range s.queues {
		for _, e := range q.entries {
			if e.stored && f.Match(e.job) {
				out = append(out, e.job)
			}
		}
	}
	s.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].ID > out[j].ID })
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out
}
