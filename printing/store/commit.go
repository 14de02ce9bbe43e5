package store

import (
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// maxBatch caps how many operations share one transaction.
const maxBatch = 2048

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
