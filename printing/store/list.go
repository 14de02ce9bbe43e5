package store

import (
	"bytes"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/labelbridge/labelbridge/printing"
)

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
