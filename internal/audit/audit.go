// Package audit keeps the agent's security events — sites approved, denied
// or revoked, printers added or removed, the default printer changed — in a
// small log of their own (audit.log, JSON lines), apart from the main log,
// so no flood of ordinary lines can rotate them away. Nothing a web page
// does on its own writes to it: every event is a user's or an admin's
// decision.
package audit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"sync"
	"time"

	"github.com/labelbridge/labelbridge/internal/cappedfile"
)

// FileName is the audit log's name in the logs folder.
const FileName = "audit.log"

// MaxBytes caps the audit log (one previous file is kept too): thousands of
// events, a few a day in normal use.
const MaxBytes = 1 << 20

// Events.
const (
	SiteApproved   = "site.approved"
	SiteDenied     = "site.denied"
	SiteRevoked    = "site.revoked"
	PrinterAdded   = "printer.added"
	PrinterRemoved = "printer.removed"
	DefaultChanged = "printer.default_changed"
)

// Log writes audit events. A nil *Log records nothing. Safe for concurrent
// use.
type Log struct {
	mu  sync.Mutex
	w   io.WriteCloser
	now func() time.Time
}

// Open opens (creating it and its folder) the audit log in dir.
func Open(dir string) (*Log, error) {
	if dir == "" {
		// No log folder (the bench's throwaway agents, like the main log):
		// a nil *Log records nothing. Never a file in the working directory.
		return nil, nil
	}
	f, err := cappedfile.Open(filepath.Join(dir, FileName), MaxBytes)
	if err != nil {
		return nil, fmt.Errorf("open audit log: %w", err)
	}
	return New(f, time.Now), nil
}

// New writes events to w (tests), stamped by now.
func New(w io.WriteCloser, now func() time.Time) *Log { return &Log{w: w, now: now} }

// Record writes one event with fields given as key, value pairs, as a JSON
// line: {"time": …, "event": …, key: value…}.
func (l *Log) Record(event string, fields ...any) error {
	if l == nil {
		return nil
	}
	var b bytes.Buffer
	b.WriteString(`{"time":`)
	t, _ := json.Marshal(l.now().UTC().Format(time.RFC3339Nano))
	b.Write(t)
	b.WriteString(`,"event":`)
	e, _ := json.Marshal(event)
	b.Write(e)
	for i := 0; i < len(fields); i += 2 {
		key := fmt.Sprint(fields[i])
		var v any = "(missing)"
		if i+1 < len(fields) {
			v = fields[i+1]
		}
		k, _ := json.Marshal(key)
		val, err := json.Marshal(v)
		if err != nil {
			val, _ = json.Marshal(fmt.Sprint(v))
		}
		b.WriteByte(',')
		b.Write(k)
		b.WriteByte(':')
		b.Write(val)
	}
	b.WriteString("}\n")
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, err := l.w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("write audit log: %w", err)
	}
	return nil
}

// Close closes the file.
func (l *Log) Close() error {
	if l == nil {
		return nil
	}
	return l.w.Close()
}
