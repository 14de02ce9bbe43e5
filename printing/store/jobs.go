package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/labelbridge/labelbridge/printing"
)

// CreateAsync queues the job for the next group commit and returns at once.
// The channel yields the result once the job is on disk. Jobs queued by one
// goroutine are committed in the order they were queued.
func (s *Store) CreateAsync(nj printing.NewJob) <-chan printing.CreateResult {
	out := make(chan printing.CreateResult, 1)
	var res printing.CreateResult
	o := &op{apply: func(tx *bolt.Tx) error {
		j := nj.Job
		var idemKey []byte
		if j.IdempotencyKey != "" {
			idemKey = idempotencyKey(j.Origin, j.IdempotencyKey)
			if v := tx.Bucket(bucketIdem).Get(idemKey); v != nil {
				existing, err := keyedJob(tx, v, j)
				if err != nil {
					return err
				}
				res = printing.CreateResult{Job: existing, Existing: true}
				return nil
			}
		}
		now := time.Now().UTC()
		j.ID = s.ids.next(now)
		j.CreatedAt, j.UpdatedAt = now, now
		if err := putJob(tx, j); err != nil {
			return err
		}
		if err := tx.Bucket(bucketPayloads).Put([]byte(j.ID), nj.Payload); err != nil {
			return err
		}
		if nj.Source != nil {
			if err := tx.Bucket(bucketSources).Put([]byte(j.ID), nj.Source); err != nil {
				return err
			}
		}
		if err := tx.Bucket(bucketByOrigin).Put(originKey(j.Origin, j.ID), nil); err != nil {
			return err
		}
		if idemKey != nil {
			if err := tx.Bucket(bucketIdem).Put(idemKey, []byte(j.ID)); err != nil {
				return err
			}
			if err := tx.Bucket(bucketIdemOrder).Put(originKey(j.Origin, j.ID), []byte(j.IdempotencyKey)); err != nil {
				return err
			}
		}
		res = printing.CreateResult{Job: j}
		return nil
	}}
	ch := s.submit(o)
	go func() {
		err := <-ch
		if err != nil {
			res = printing.CreateResult{Err: err}
		}
		out <- res
	}()
	return out
}

// Create stores a job and returns it once durable.
func (s *Store) Create(ctx context.Context, nj printing.NewJob) (printing.CreateResult, error) {
	select {
	case r := <-s.CreateAsync(nj):
		return r, r.Err
	case <-ctx.Done():
		return printing.CreateResult{}, ctx.Err()
	}
}

// Put durably replaces the records of the given jobs (state changes). Jobs
// that no longer exist are skipped.
func (s *Store) Put(ctx context.Context, jobs ...printing.Job) error {
	if len(jobs) == 0 {
		return nil
	}
	cp := append([]printing.Job(nil), jobs...)
	return wait(ctx, s.submit(&op{apply: func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketJobs)
		for _, j := range cp {
			if b.Get([]byte(j.ID)) == nil {
				continue
			}
			if err := putJob(tx, j); err != nil {
				return err
			}
		}
		return nil
	}}))
}

// Get returns one job.
func (s *Store) Get(id string) (printing.Job, error) {
	var j printing.Job
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		j, err = getJob(tx, []byte(id))
		return err
	})
	return j, err
}

// Payload returns the bytes stored with a job.
func (s *Store) Payload(id string) ([]byte, error) {
	var data []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketPayloads).Get([]byte(id))
		if v == nil {
			return fmt.Errorf("payload of %s: %w", id, ErrNotFound)
		}
		data = bytes.Clone(v)
		return nil
	})
	return data, err
}

// Source returns the label JSON a job was compiled from, or nil for a raw job.
func (s *Store) Source(id string) ([]byte, error) {
	var data []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketSources).Get([]byte(id)); v != nil {
			data = bytes.Clone(v)
		}
		return nil
	})
	return data, err
}

// Unfinished returns every job that is not in a terminal state, oldest
// first: what a restarted agent must resume.
func (s *Store) Unfinished() ([]printing.Job, error) {
	var jobs []printing.Job
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketJobs).ForEach(func(k, v []byte) error {
			var j printing.Job
			if err := json.Unmarshal(v, &j); err != nil {
				return fmt.Errorf("decode job %s: %w", k, err)
			}
			if !j.State.Terminal() {
				jobs = append(jobs, j)
			}
			return nil
		})
	})
	return jobs, err
}

// keyedJob is the job an idempotency index value names: the stored job, or
// the minimal form kept after it was pruned. req is the new request (for a
// record lost some other way, the answer is still "duplicate", never a
// second print).
func keyedJob(tx *bolt.Tx, v []byte, req printing.Job) (printing.Job, error) {
	if len(v) > 0 && v[0] == '{' {
		var j printing.Job
		if err := json.Unmarshal(v, &j); err != nil {
			return j, fmt.Errorf("decode idempotency entry: %w", err)
		}
		return j, nil
	}
	j, err := getJob(tx, v)
	if errors.Is(err, ErrNotFound) {
		created, _ := idTime(v)
		return printing.Job{
			ID: string(v), State: printing.JobDone, Printer: req.Printer, Origin: req.Origin, Copies: req.Copies,
			IdempotencyKey: req.IdempotencyKey, CreatedAt: created, UpdatedAt: created, Pruned: true,
		}, nil
	}
	return j, err
}

func putJob(tx *bolt.Tx, j printing.Job) error {
	v, err := json.Marshal(j)
	if err != nil {
		return fmt.Errorf("encode job %s: %w", j.ID, err)
	}
	return tx.Bucket(bucketJobs).Put([]byte(j.ID), v)
}

func getJob(tx *bolt.Tx, id []byte) (printing.Job, error) {
	var j printing.Job
	v := tx.Bucket(bucketJobs).Get(id)
	if v == nil {
		return j, fmt.Errorf("job %s: %w", id, ErrNotFound)
	}
	if err := json.Unmarshal(v, &j); err != nil {
		return j, fmt.Errorf("decode job %s: %w", id, err)
	}
	return j, nil
}
