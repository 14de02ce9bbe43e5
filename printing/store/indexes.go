package store

import (
	"bytes"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

func idempotencyKey(origin, key string) []byte {
	return []byte(origin + "\x00" + key)
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
