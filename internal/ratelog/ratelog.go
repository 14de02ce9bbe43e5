// Package ratelog keeps repeated log lines from flooding a log (and rotating
// away what matters): per key, the first line is written, then at most one
// per interval, carrying how many were suppressed in between. New keys
// beyond a burst per interval, and beyond a cap on keys, share one "other"
// key, so a flood of distinct keys is bounded too.
package ratelog

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Options configure a Limiter.
type Options struct {
	Every time.Duration    // at most one line per key per Every (default 1 min)
	Burst int              // new keys with their own line per Every (default 20)
	Now   func() time.Time // clock (default time.Now)
}

// Limiter decides which repeated lines to write. Safe for concurrent use.
type Limiter struct {
	opt    Options
	max    int // keys remembered
	mu     sync.Mutex
	keys   map[string]*entry
	window time.Time // start of the current new-key window
	fresh  int       // new keys admitted in this window
	other  entry     // lines of keys beyond the burst or the cap
}

type entry struct {
	last       time.Time // when a line was last written
	suppressed int       // lines suppressed since
}

// Verdict says what to do with one line.
type Verdict struct {
	Write      bool // write this line
	Suppressed int  // lines for this key suppressed since the last written
	Other      bool // the key is beyond the burst: the line stands for many keys
}

// New returns a Limiter.
func New(opt Options) *Limiter {
	if opt.Every <= 0 {
		opt.Every = time.Minute
	}
	if opt.Burst <= 0 {
		opt.Burst = 20
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return &Limiter{opt: opt, max: 4 * opt.Burst, keys: map[string]*entry{}}
}

// Allow records one line for key and says whether to write it.
func (l *Limiter) Allow(key string) Verdict {
	now := l.opt.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if e, ok := l.keys[key]; ok {
		return l.tick(e, now, false)
	}
	if now.Sub(l.window) >= l.opt.Every {
		l.window, l.fresh = now, 0
		l.sweep(now)
	}
	if l.fresh >= l.opt.Burst || len(l.keys) >= l.max {
		return l.tick(&l.other, now, true)
	}
	l.fresh++
	l.keys[key] = &entry{last: now}
	return Verdict{Write: true}
}

func (l *Limiter) tick(e *entry, now time.Time, other bool) Verdict {
	if !e.last.IsZero() && now.Sub(e.last) < l.opt.Every {
		e.suppressed++
		return Verdict{}
	}
	v := Verdict{Write: true, Suppressed: e.suppressed, Other: other}
	e.last, e.suppressed = now, 0
	return v
}

// sweep forgets keys quiet for a whole interval; lines they suppressed are
// counted on the other key so no count is lost.
func (l *Limiter) sweep(now time.Time) {
	for k, e := range l.keys {
		if now.Sub(e.last) >= l.opt.Every {
			l.other.suppressed += e.suppressed
			delete(l.keys, k)
		}
	}
}

// Log writes msg with args at level to log unless the limiter suppresses
// it; a written line carries "suppressed" (lines dropped since the last one
// for key) and, when it stands for keys beyond the burst, "other_keys".
func (l *Limiter) Log(log *slog.Logger, level slog.Level, key, msg string, args ...any) {
	v := l.Allow(key)
	if !v.Write {
		return
	}
	if v.Suppressed > 0 {
		args = append(args, "suppressed", v.Suppressed)
	}
	if v.Other {
		args = append(args, "other_keys", true)
	}
	log.Log(context.Background(), level, msg, args...)
}
