package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/labelbridge/labelbridge/printing"
)

// DefaultKeysPerOrigin is how many idempotency keys one origin keeps at most
// when Retention.KeysPerOrigin is 0.
const DefaultKeysPerOrigin = 100000

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
	if err != nil {
		// ctx ended: the op may still be running and writing deleted.
		return 0, err
	}
	return deleted, nil
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

// keyedBy reports whether an idempotency index value names job id.
func keyedBy(v, id []byte) bool {
	if len(v) > 0 && v[0] == '{' {
		var j struct{ ID string }
		return json.Unmarshal(v, &j) == nil && j.ID == string(id)
	}
	return bytes.Equal(v, id)
}
