package store

import (
	"crypto/rand"
	"encoding/binary"
	"strings"
	"time"
)

// crockford is Crockford's base32 alphabet: sortable, no I L O U.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// idGen makes job ids that sort in creation order (a millisecond timestamp
// then a counter) and differ between agents and restarts (a random tail). It
// is used only by the single committer goroutine.
type idGen struct {
	lastMs uint64
	seq    uint32
	tail   uint32
}

func newIDGen() *idGen {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return &idGen{tail: binary.BigEndian.Uint32(b[:])}
}

// next returns a 20-character id: 10 chars of milliseconds, 4 of sequence
// within that millisecond, 6 of per-process randomness.
func (g *idGen) next(now time.Time) string {
	ms := uint64(now.UnixMilli())
	if ms <= g.lastMs {
		g.seq++
		if g.seq >= 1<<20 { // sequence exhausted: borrow the next millisecond
			g.lastMs++
			g.seq = 0
		}
		ms = g.lastMs
	} else {
		g.lastMs, g.seq = ms, 0
	}
	var out [20]byte
	encode(out[0:10], ms)
	encode(out[10:14], uint64(g.seq))
	encode(out[14:20], uint64(g.tail))
	return string(out[:])
}

// idLen is the length of a job id.
const idLen = 20

// idTime is the creation time encoded in a job id.
func idTime(id []byte) (time.Time, bool) {
	if len(id) != idLen {
		return time.Time{}, false
	}
	var ms uint64
	for _, c := range id[:10] {
		i := strings.IndexByte(crockford, c)
		if i < 0 {
			return time.Time{}, false
		}
		ms = ms<<5 | uint64(i)
	}
	return time.UnixMilli(int64(ms)).UTC(), true
}

func encode(dst []byte, v uint64) {
	for i := len(dst) - 1; i >= 0; i-- {
		dst[i] = crockford[v&31]
		v >>= 5
	}
}
