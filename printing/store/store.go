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

// ErrNotFound is returned (wrapped) for an unknown job id.
var ErrNotFound = printing.ErrNotFound

// ErrClosed is returned after Close.
var ErrClosed = errors.New("job store is closed")

// ErrLocked is returned by Open when another process holds the store.
var ErrLocked = errors.New("job store is in use by another process")

// Store is a durable job store. All methods are safe for concurrent use.
//
// Every write is an op handed to the one committer goroutine (commit.go),
// which applies waiting ops in one shared transaction; reads run in their
// own bbolt read transactions. The code is split by concern: this file
// (open, buckets, close), commit.go (group commit), jobs.go (create, put,
// get), list.go (filtered listing), retention.go (pruning history and
// keys), indexes.go (index keys and building indexes for older stores) and
// printers.go (remembered printers).
//
// Locks: mu is the only one. submit holds it (read) across the send on ops,
// which may wait while the committer drains a full channel, so that Close
// (which takes it to set shut and close ops) never closes ops under a
// sender. The committer never takes mu, so that wait always ends; nothing
// else is done under mu (no I/O).
type Store struct {
	db        *bolt.DB
	ops       chan *op
	ids       *idGen
	done      chan struct{}
	close     sync.Once
	mu        sync.RWMutex // guards shut against sends on a closed ops (see Locks above)
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
