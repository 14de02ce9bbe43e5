// Package store keeps print jobs durably in a bbolt file: each job's record,
// its payload bytes and the idempotency index, with group commits so a burst
// of jobs shares one fsync, and retention of finished history.
package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/labelbridge/labelbridge/printing"
)

var (
	bucketJobs     = []byte("jobs")
	bucketPayloads = []byte("payloads")
	bucketIdem     = []byte("idempotency")
	bucketSources  = []byte("sources")
)

// ErrNotFound is returned (wrapped) for an unknown job id.
var ErrNotFound = printing.ErrNotFound

// ErrClosed is returned after Close.
var ErrClosed = errors.New("job store is closed")

// ErrLocked is returned by Open when another process holds the store.
var ErrLocked = errors.New("job store is in use by another process")

// maxBatch caps how many operations share one transaction.
const maxBatch = 2048

// Store is a durable job store. All methods are safe for concurrent use.
type Store struct {
	db        *bolt.DB
	ops       chan *op
	ids       *idGen
	done      chan struct{}
	close     sync.Once
	mu        sync.RWMutex // guards closed against sends on ops
	shut      bool
	commits   atomic.Int64 // group commits, for benchmarks and diagnostics
	committed atomic.Int64 // operations in them
}

// Options tune a Store.
type Options struct {
	// NoSync skips fsync (tests only; never in production).
	NoSync bool
	// LockTimeout is how long Open waits for another process to release the file.
	LockTimeout time.Duration
}

// Open opens (creating if needed) the store at path.
func Open(path string, opt Options) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	if opt.LockTimeout == 0 {
		opt.LockTimeout = time.Second
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout:        opt.LockTimeout,
		NoFreelistSync: true,
		FreelistType:   bolt.FreelistMapType,
		NoSync:         opt.NoSync,
	})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, fmt.Errorf("open %s: %w (is another Labelbridge running?)", path, ErrLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("open job store %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketJobs, bucketPayloads, bucketIdem, bucketSources} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("init job store %s: %w", path, err)
	}
	s := &Store{db: db, ops: make(chan *op, maxBatch), ids: newIDGen(), done: make(chan struct{})}
	go s.commitLoop()
	return s, nil
}

// Close stops the committer after it has committed what it was given and
// closes the file.
func (s *Store) Close() error {
	var err error
	s.close.Do(func() {
		s.mu.Lock()
		s.shut = true
		close(s.ops)
		s.mu.Unlock()
		<-s.done
		err = s.db.Close()
	})
	return err
}

// CommitStats returns how many transactions and operations were committed.
func (s *Store) CommitStats() (commits, ops int64) {
	return s.commits.Load(), s.committed.Load()
}

// op is one unit of work for the committer. apply runs inside the shared
// write transaction; its error fails only this op. result is sent once the
// transaction is durable (or failed).
type op struct {
	apply  func(tx *bolt.Tx) error
	result chan error
}

// submit hands op to the committer; the returned channel yields its outcome.
func (s *Store) submit(o *op) <-chan error {
	o.result = make(chan error, 1)
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.shut {
		o.result <- ErrClosed
		return o.result
	}
	s.ops <- o
	return o.result
}

// commitLoop batches whatever operations are waiting into one transaction:
// under load batches grow while the previous fsync runs, with no added delay
// when idle.
func (s *Store) commitLoop() {
	defer close(s.done)
	batch := make([]*op, 0, maxBatch)
	errs := make([]error, 0, maxBatch)
	for first := range s.ops {
		batch = append(batch[:0], first)
	drain:
		for len(batch) < maxBatch {
			select {
			case o, ok := <-s.ops:
				if !ok {
					break drain
				}
				batch = append(batch, o)
			default:
				break drain
			}
		}
		errs = errs[:0]
		err := s.db.Update(func(tx *bolt.Tx) error {
			for _, o := range batch {
				errs = append(errs, o.apply(tx))
			}
			return nil
		})
		for i, o := range batch {
			if err != nil {
				o.result <- fmt.Errorf("commit job store: %w", err)
			} else {
				o.result <- errs[i]
			}
		}
		s.commits.Add(1)
		s.committed.Add(int64(len(batch)))
	}
}

func wait(ctx context.Context, ch <-chan error) error {
	select {
	case err := <-ch:
		return err
	case <-ctx.Done():
		// The op may still commit; callers that care (Create) must use the
		// async form and keep waiting.
		return ctx.Err()
	}
}

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
			if id := tx.Bucket(bucketIdem).Get(idemKey); id != nil {
				existing, err := getJob(tx, id)
				if err == nil {
					res = printing.CreateResult{Job: existing, Existing: true}
					return nil
				}
				// The job was pruned: the key is free again.
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
		if idemKey != nil {
			if err := tx.Bucket(bucketIdem).Put(idemKey, []byte(j.ID)); err != nil {
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

// List returns matching jobs, newest first.
func (s *Store) List(f printing.JobFilter) ([]printing.Job, error) {
	jobs := []printing.Job{}
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketJobs).Cursor()
		for k, v := c.Last(); k != nil; k, v = c.Prev() {
			var j printing.Job
			if err := json.Unmarshal(v, &j); err != nil {
				return fmt.Errorf("decode job %s: %w", k, err)
			}
			if !f.Match(j) {
				continue
			}
			jobs = append(jobs, j)
			if f.Limit > 0 && len(jobs) >= f.Limit {
				break
			}
		}
		return nil
	})
	return jobs, err
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

// Retention says how much finished history to keep.
type Retention struct {
	MaxAge  time.Duration // 0: no age limit
	MaxJobs int           // 0: no count limit
}

// Prune deletes finished jobs (done, failed, canceled) older than MaxAge and,
// beyond that, the oldest finished jobs while more than MaxJobs jobs remain.
// Unfinished jobs are never pruned. It returns how many jobs it deleted.
func (s *Store) Prune(ctx context.Context, r Retention, now time.Time) (int, error) {
	deleted := 0
	err := wait(ctx, s.submit(&op{apply: func(tx *bolt.Tx) error {
		deleted = 0
		jobs := tx.Bucket(bucketJobs)
		total := jobs.Stats().KeyN
		cutoff := now.Add(-r.MaxAge)
		var victims [][]byte
		var idems [][]byte
		remaining := total
		c := jobs.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			var j printing.Job
			if err := json.Unmarshal(v, &j); err != nil {
				return fmt.Errorf("decode job %s: %w", k, err)
			}
			overCount := r.MaxJobs > 0 && remaining > r.MaxJobs
			if !overCount && (r.MaxAge == 0 || !j.CreatedAt.Before(cutoff)) {
				break // keys are in creation order: nothing later is older
			}
			if !j.State.Terminal() {
				continue
			}
			tooOld := r.MaxAge > 0 && j.UpdatedAt.Before(cutoff)
			if !overCount && !tooOld {
				continue
			}
			victims = append(victims, bytes.Clone(k))
			remaining--
			if j.IdempotencyKey != "" {
				idems = append(idems, idempotencyKey(j.Origin, j.IdempotencyKey))
			}
		}
		for _, k := range victims {
			if err := jobs.Delete(k); err != nil {
				return err
			}
			if err := tx.Bucket(bucketPayloads).Delete(k); err != nil {
				return err
			}
			if err := tx.Bucket(bucketSources).Delete(k); err != nil {
				return err
			}
		}
		idx := tx.Bucket(bucketIdem)
		for _, k := range idems {
			if err := idx.Delete(k); err != nil {
				return err
			}
		}
		deleted = len(victims)
		return nil
	}}))
	return deleted, err
}

func idempotencyKey(origin, key string) []byte {
	return []byte(origin + "\x00" + key)
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
