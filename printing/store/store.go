// Package store keeps print jobs durably in a bbolt file: each job's record,
// its payload bytes and the idempotency index, with group commits so a burst
// of jobs shares one fsync, and retention of finished history. It also
// remembers the printers discovery found, so jobs for them are accepted
// after a restart before they are found again.
//
// Retention prunes job bodies (record, payload, label); the idempotency
// index outlives them for its own window (Retention.KeyMaxAge) and is
// bounded per origin (Retention.KeysPerOrigin), so one origin's flood of
// jobs never frees another origin's keys.
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
	// bucketIdem maps origin NUL key to the job id while the job's record
	// exists, then to the job's minimal form (JSON, starting with '{').
	bucketIdem    = []byte("idempotency")
	bucketSources = []byte("sources")
	// bucketIdemOrder maps origin NUL job id to the key: the index in
	// creation order per origin, for age and per-origin pruning.
	bucketIdemOrder = []byte("idempotency-order")
	// bucketByOrigin maps origin NUL job id to nothing: one origin's jobs,
	// newest last, so a page's jobs.list reads only its own jobs.
	bucketByOrigin = []byte("jobs-by-origin")
	// bucketPrinters maps a printer id to its remembered details (JSON).
	bucketPrinters = []byte("printers")
)

// DefaultKeysPerOrigin is how many idempotency keys one origin keeps at most
// when Retention.KeysPerOrigin is 0.
const DefaultKeysPerOrigin = 100000

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
		for _, b := range [][]byte{bucketJobs, bucketPayloads, bucketIdem, bucketSources, bucketPrinters} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		// Indexes added after the first release are built from the data
		// when a store written by an older version is first opened.
		if tx.Bucket(bucketIdemOrder) == nil {
			if err := buildIdemOrder(tx); err != nil {
				return fmt.Errorf("index idempotency keys: %w", err)
			}
		}
		if tx.Bucket(bucketByOrigin) == nil {
			if err := buildByOrigin(tx); err != nil {
				return fmt.Errorf("index jobs by origin: %w", err)
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

// List returns the jobs f matches, newest first, reading no further than
// f.Limit matches: with f.Origin only that origin's jobs (an index), and a
// cheap byte check skips records of another state or printer undecoded.
func (s *Store) List(f printing.JobFilter) ([]printing.Job, error) {
	jobs := []printing.Job{}
	var needles [][]byte
	if f.State != "" {
		needles = append(needles, fieldNeedle("state", string(f.State)))
	}
	if f.Printer != "" {
		needles = append(needles, fieldNeedle("printer", f.Printer))
	}
	visit := func(k, v []byte) (bool, error) {
		for _, n := range needles {
			if !bytes.Contains(v, n) {
				return true, nil
			}
		}
		var j printing.Job
		if err := json.Unmarshal(v, &j); err != nil {
			return false, fmt.Errorf("decode job %s: %w", k, err)
		}
		if f.Match(j) {
			jobs = append(jobs, j)
		}
		return f.Limit <= 0 || len(jobs) < f.Limit, nil
	}
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketJobs)
		if f.Origin != "" {
			prefix := originKey(f.Origin, "")
			c := tx.Bucket(bucketByOrigin).Cursor()
			for k := lastWithPrefix(c, prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Prev() {
				id := k[len(prefix):]
				v := b.Get(id)
				if v == nil {
					continue
				}
				more, err := visit(id, v)
				if err != nil || !more {
					return err
				}
			}
			return nil
		}
		c := b.Cursor()
		for k, v := c.Last(); k != nil; k, v = c.Prev() {
			more, err := visit(k, v)
			if err != nil || !more {
				return err
			}
		}
		return nil
	})
	return jobs, err
}

// fieldNeedle is how json.Marshal writes a string field of a job: a record
// without it cannot match a filter on that field.
func fieldNeedle(name, value string) []byte {
	v, _ := json.Marshal(value)
	return append([]byte(`"`+name+`":`), v...)
}

// lastWithPrefix positions c on the last key starting with prefix (nil if
// none; the caller checks the prefix).
func lastWithPrefix(c *bolt.Cursor, prefix []byte) []byte {
	end := append(bytes.Clone(prefix), 0xff)
	k, _ := c.Seek(end)
	if k == nil {
		k, _ = c.Last()
		return k
	}
	k, _ = c.Prev()
	return k
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

// Retention says how much finished history to keep, and how long
// idempotency keys outlive it.
type Retention struct {
	MaxAge  time.Duration // job bodies finished longer ago are deleted; 0: no age limit
	MaxJobs int           // at most this many job bodies; 0: no count limit
	// KeyMaxAge is the idempotency window: keys of jobs created longer ago
	// are forgotten once their body is gone. 0: MaxAge (no limit if both 0).
	KeyMaxAge time.Duration
	// KeysPerOrigin caps one origin's keys (oldest forgotten first, once
	// their body is gone). 0: DefaultKeysPerOrigin; <0: no cap.
	KeysPerOrigin int
}

// Prune deletes finished jobs (done, failed, canceled) older than MaxAge and,
// beyond that, the oldest finished jobs while more than MaxJobs jobs remain.
// Unfinished jobs are never pruned. A pruned job's idempotency key stays
// (with the job's minimal form) until it is older than KeyMaxAge or its
// origin has more than KeysPerOrigin keys. It returns how many jobs it
// deleted.
func (s *Store) Prune(ctx context.Context, r Retention, now time.Time) (int, error) {
	deleted := 0
	err := wait(ctx, s.submit(&op{apply: func(tx *bolt.Tx) error {
		deleted = 0
		jobs := tx.Bucket(bucketJobs)
		total := jobs.Stats().KeyN
		cutoff := now.Add(-r.MaxAge)
		var victims []printing.Job
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
			victims = append(victims, j)
			remaining--
		}
		idx := tx.Bucket(bucketIdem)
		for _, j := range victims {
			k := []byte(j.ID)
			for _, b := range [][]byte{bucketJobs, bucketPayloads, bucketSources} {
				if err := tx.Bucket(b).Delete(k); err != nil {
					return err
				}
			}
			if err := tx.Bucket(bucketByOrigin).Delete(originKey(j.Origin, j.ID)); err != nil {
				return err
			}
			if j.IdempotencyKey == "" {
				continue
			}
			// The key outlives the body: it now answers with the minimal form.
			ik := idempotencyKey(j.Origin, j.IdempotencyKey)
			if v := idx.Get(ik); v == nil || string(v) != j.ID {
				continue
			}
			v, err := json.Marshal(minimalJob(j))
			if err != nil {
				return fmt.Errorf("encode pruned job %s: %w", j.ID, err)
			}
			if err := idx.Put(ik, v); err != nil {
				return err
			}
		}
		deleted = len(victims)
		return pruneKeys(tx, r, now)
	}}))
	return deleted, err
}

// pruneKeys forgets idempotency keys whose job body is gone and that are
// older than the key window or beyond their origin's cap (oldest first).
func pruneKeys(tx *bolt.Tx, r Retention, now time.Time) error {
	maxAge := r.KeyMaxAge
	if maxAge == 0 {
		maxAge = r.MaxAge
	}
	limit := r.KeysPerOrigin
	if limit == 0 {
		limit = DefaultKeysPerOrigin
	}
	order := tx.Bucket(bucketIdemOrder)
	counts := map[string]int{}
	if limit > 0 {
		err := order.ForEach(func(k, _ []byte) error {
			if origin, _, ok := splitOriginKey(k); ok {
				counts[string(origin)]++
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	cutoff := now.Add(-maxAge)
	jobs, idx := tx.Bucket(bucketJobs), tx.Bucket(bucketIdem)
	var forget [][2][]byte // order key, index key
	c := order.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		origin, id, ok := splitOriginKey(k)
		if !ok {
			continue
		}
		created, _ := idTime(id)
		excess := limit > 0 && counts[string(origin)] > limit
		old := maxAge > 0 && created.Before(cutoff)
		if !excess && !old {
			continue
		}
		if jobs.Get(id) != nil {
			continue // a job still in the history keeps its key
		}
		counts[string(origin)]--
		ik := idempotencyKey(string(origin), string(v))
		if cur := idx.Get(ik); cur != nil && !keyedBy(cur, id) {
			ik = nil // the key now belongs to a newer job
		}
		forget = append(forget, [2][]byte{bytes.Clone(k), ik})
	}
	for _, f := range forget {
		if err := order.Delete(f[0]); err != nil {
			return err
		}
		if f[1] != nil {
			if err := idx.Delete(f[1]); err != nil {
				return err
			}
		}
	}
	return nil
}

// minimalJob is what a key keeps of a pruned job: enough for a duplicate
// print to answer (id, state, printer, origin, copies, key, times), nothing
// personal (no title or detail).
func minimalJob(j printing.Job) printing.Job {
	return printing.Job{
		ID: j.ID, State: j.State, Printer: j.Printer, Origin: j.Origin, Copies: j.Copies,
		IdempotencyKey: j.IdempotencyKey, Language: j.Language,
		CreatedAt: j.CreatedAt, UpdatedAt: j.UpdatedAt, DoneAt: j.DoneAt, Pruned: true,
	}
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

// keyedBy reports whether an idempotency index value names job id.
func keyedBy(v, id []byte) bool {
	if len(v) > 0 && v[0] == '{' {
		var j struct{ ID string }
		return json.Unmarshal(v, &j) == nil && j.ID == string(id)
	}
	return bytes.Equal(v, id)
}

// originKey is origin NUL id: a per-origin index key, in creation order.
func originKey(origin, id string) []byte {
	return []byte(origin + "\x00" + id)
}

// splitOriginKey splits an originKey (ids have a fixed length).
func splitOriginKey(k []byte) (origin, id []byte, ok bool) {
	if len(k) < idLen+1 || k[len(k)-idLen-1] != 0 {
		return nil, nil, false
	}
	return k[:len(k)-idLen-1], k[len(k)-idLen:], true
}

// buildIdemOrder indexes the keys of a store written before the index.
func buildIdemOrder(tx *bolt.Tx) error {
	order, err := tx.CreateBucket(bucketIdemOrder)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketIdem).ForEach(func(k, v []byte) error {
		origin, key, ok := bytes.Cut(k, []byte{0})
		if !ok || len(v) != idLen {
			return nil
		}
		return order.Put(originKey(string(origin), string(v)), bytes.Clone(key))
	})
}

// buildByOrigin indexes the jobs of a store written before the index.
func buildByOrigin(tx *bolt.Tx) error {
	by, err := tx.CreateBucket(bucketByOrigin)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketJobs).ForEach(func(k, v []byte) error {
		var j struct{ Origin string }
		if err := json.Unmarshal(v, &j); err != nil {
			return fmt.Errorf("decode job %s: %w", k, err)
		}
		return by.Put(originKey(j.Origin, string(k)), nil)
	})
}

// rememberedPrinter is what the store keeps of a printer.
type rememberedPrinter struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Connection string `json:"connection"`
	Language   string `json:"language"`
	DPI        int    `json:"dpi,omitempty"`
	Vendor     string `json:"vendor,omitempty"`
	Model      string `json:"model,omitempty"`
	Address    string `json:"address,omitempty"`
}

// RememberPrinter durably records a printer's details (id, name,
// connection, language, dpi, vendor, model, address), replacing earlier ones.
func (s *Store) RememberPrinter(ctx context.Context, p printing.Printer) error {
	v, err := json.Marshal(rememberedPrinter{ID: p.ID, Name: p.Name, Connection: p.Connection, Language: p.Language,
		DPI: p.DPI, Vendor: p.Vendor, Model: p.Model, Address: p.Address})
	if err != nil {
		return fmt.Errorf("encode printer %s: %w", p.ID, err)
	}
	return wait(ctx, s.submit(&op{apply: func(tx *bolt.Tx) error {
		return tx.Bucket(bucketPrinters).Put([]byte(p.ID), v)
	}}))
}

// ForgetPrinter deletes a remembered printer (no error if unknown).
func (s *Store) ForgetPrinter(ctx context.Context, id string) error {
	return wait(ctx, s.submit(&op{apply: func(tx *bolt.Tx) error {
		return tx.Bucket(bucketPrinters).Delete([]byte(id))
	}}))
}

// RememberedPrinters returns the remembered printers, by id, with no status.
func (s *Store) RememberedPrinters() ([]printing.Printer, error) {
	var out []printing.Printer
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketPrinters).ForEach(func(k, v []byte) error {
			var r rememberedPrinter
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("decode printer %s: %w", k, err)
			}
			out = append(out, printing.Printer{ID: r.ID, Name: r.Name, Connection: r.Connection, Language: r.Language,
				DPI: r.DPI, Vendor: r.Vendor, Model: r.Model, Address: r.Address})
			return nil
		})
	})
	return out, err
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
