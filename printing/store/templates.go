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

// bucketTemplates maps origin NUL name to a saved label design (JSON:
// storedTemplate), so one origin's designs are one key range.
var bucketTemplates = []byte("templates")

type storedTemplate struct {
	Name      string          `json:"name"`
	Label     json.RawMessage `json:"label"`
	CreatedAt time.Time       `json:"createdAt"`
	UpdatedAt time.Time       `json:"updatedAt"`
}

func templateKey(origin, name string) []byte {
	return append(append([]byte(origin), 0), name...)
}

func (t storedTemplate) info() printing.Template {
	return printing.Template{Name: t.Name, Bytes: len(t.Label), CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt}
}

// forOrigin calls fn for each of origin's designs, by name.
func forOrigin(b *bolt.Bucket, origin string, fn func(k []byte, t storedTemplate) error) error {
	prefix := append([]byte(origin), 0)
	c := b.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var t storedTemplate
		if err := json.Unmarshal(v, &t); err != nil {
			return fmt.Errorf("decode template %q: %w", k[len(prefix):], err)
		}
		if err := fn(k, t); err != nil {
			return err
		}
	}
	return nil
}

// SaveTemplate durably stores (or replaces) origin's design name, within
// lim (checked in the same transaction). It returns once committed.
func (s *Store) SaveTemplate(ctx context.Context, origin, name string, label []byte, lim printing.TemplateLimits) (printing.Template, error) {
	now := time.Now().UTC()
	var saved printing.Template
	err := wait(ctx, s.submit(&op{apply: func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketTemplates)
		if err != nil {
			return err
		}
		key := templateKey(origin, name)
		t := storedTemplate{Name: name, Label: label, CreatedAt: now, UpdatedAt: now}
		count, total := 0, 0
		err = forOrigin(b, origin, func(k []byte, old storedTemplate) error {
			if bytes.Equal(k, key) {
				t.CreatedAt = old.CreatedAt
				return nil
			}
			count++
			total += len(old.Label)
			return nil
		})
		if err != nil {
			return err
		}
		if count+1 > lim.Count {
			return &printing.Error{Code: printing.ErrReasonTooComplex, Msg: fmt.Sprintf("this site has %d templates, the limit: delete one first", count)}
		}
		if total+len(label) > lim.Bytes {
			return &printing.Error{Code: printing.ErrReasonTooComplex, Msg: fmt.Sprintf("this site's templates would take %d bytes; the limit is %d: delete some first", total+len(label), lim.Bytes)}
		}
		v, err := json.Marshal(t)
		if err != nil {
			return fmt.Errorf("encode template: %w", err)
		}
		saved = t.info()
		return b.Put(key, v)
	}}))
	return saved, err
}

// Template returns origin's design name (an error wrapping ErrNotFound
// when there is none).
func (s *Store) Template(origin, name string) (printing.Template, []byte, error) {
	var t storedTemplate
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketTemplates)
		var v []byte
		if b != nil {
			v = b.Get(templateKey(origin, name))
		}
		if v == nil {
			return fmt.Errorf("template %q: %w", name, ErrNotFound)
		}
		return json.Unmarshal(v, &t)
	})
	if err != nil {
		return printing.Template{}, nil, err
	}
	return t.info(), t.Label, nil
}

// Templates lists origin's designs by name (without their labels).
func (s *Store) Templates(origin string) ([]printing.Template, error) {
	var out []printing.Template
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketTemplates)
		if b == nil {
			return nil
		}
		return forOrigin(b, origin, func(_ []byte, t storedTemplate) error {
			out = append(out, t.info())
			return nil
		})
	})
	return out, err
}

// DeleteTemplate durably deletes origin's design name and reports whether
// it existed.
func (s *Store) DeleteTemplate(ctx context.Context, origin, name string) (bool, error) {
	found := false
	err := wait(ctx, s.submit(&op{apply: func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketTemplates)
		if b == nil {
			return nil
		}
		key := templateKey(origin, name)
		found = b.Get(key) != nil
		return b.Delete(key)
	}}))
	return found, err
}
