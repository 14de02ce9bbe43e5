package usbid

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/printing"
)

// memPort is an in-memory printer: it keeps job bytes, answers status
// queries with reply(), and can stop taking data or fail.
type memPort struct {
	mu       sync.Mutex
	lang     string
	job      bytes.Buffer
	pending  []byte
	reply    func(n int) []byte // the n-th status reply; nil: no answer
	queries  int
	stallAt  int   // stop taking data after this many job bytes (0: never)
	writeErr error // fail job writes with this
}

func (p *memPort) Write(ctx context.Context, b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if q, ok := StatusQueryFor(p.lang); ok && bytes.Equal(b, q.Command) {
		p.queries++
		if p.reply != nil {
			p.pending = append(p.pending, p.reply(p.queries)...)
		}
		return len(b), nil
	}
	if p.writeErr != nil {
		return 0, p.writeErr
	}
	if p.stallAt > 0 && p.job.Len()+len(b) > p.stallAt {
		n := p.stallAt - p.job.Len()
		p.job.Write(b[:n])
		p.mu.Unlock()
		<-ctx.Done()
		p.mu.Lock()
		return n, ctx.Err()
	}
	p.job.Write(b)
	return len(b), nil
}

func (p *memPort) Read(ctx context.Context, b []byte) (int, error) {
	p.mu.Lock()
	if len(p.pending) > 0 {
		n := copy(b, p.pending)
		p.pending = p.pending[n:]
		p.mu.Unlock()
		return n, nil
	}
	p.mu.Unlock()
	<-ctx.Done()
	return 0, ctx.Err()
}

var errGone = errors.New("device gone")

func classifyGone(err error) error {
	if errors.Is(err, errGone) {
		return &printing.HoldError{Why: printing.ReasonDisconnected, Err: err}
	}
	return nil
}

func holdWhy(err error) string {
	var h *printing.HoldError
	if errors.As(err, &h) {
		return h.Why
	}
	return ""
}

func TestSendJob(t *testing.T) {
	t.Parallel()
	job := bytes.Repeat([]byte("^XA^FDlabel^FS^XZ\n"), 1000) // 18 000 bytes
	ready := func(int) []byte { return hqes(0, 0, 0) }
	paperOut := func(int) []byte { return hqes(1, 1, 0) }
	tests := []struct {
		name     string
		port     *memPort
		opt      JobOptions
		wantWhy  string // "" and !wantErr: success
		wantErr  bool
		wantJob  int // bytes the printer got
		wantQ    int // status queries sent
		deadline time.Duration
	}{
		{"ready zpl, checked before and after", &memPort{lang: LangZPL, reply: ready},
			JobOptions{Language: LangZPL, Bidirectional: true, ChunkSize: 4096}, "", false, len(job), 2, 0},
		{"paper out before: nothing written", &memPort{lang: LangZPL, reply: paperOut},
			JobOptions{Language: LangZPL, Bidirectional: true}, "paper_out", false, 0, 1, 0},
		{"paper out after the job", &memPort{lang: LangZPL, reply: func(n int) []byte {
			if n == 1 {
				return hqes(0, 0, 0)
			}
			return hqes(1, 1, 0)
		}}, JobOptions{Language: LangZPL, Bidirectional: true}, "paper_out", false, len(job), 2, 0},
		{"silent printer is written to", &memPort{lang: LangZPL},
			JobOptions{Language: LangZPL, Bidirectional: true, StatusTimeout: 20 * time.Millisecond}, "", false, len(job), 2, 0},
		{"unidirectional: no queries", &memPort{lang: LangZPL, reply: paperOut},
			JobOptions{Language: LangZPL}, "", false, len(job), 0, 0},
		{"epl: no query after the job", &memPort{lang: LangEPL, reply: func(int) []byte { return []byte("00\r\n") }},
			JobOptions{Language: LangEPL, Bidirectional: true}, "", false, len(job), 1, 0},
		{"port status paper empty", &memPort{lang: ""},
			JobOptions{PortStatus: func(context.Context) (byte, error) { return 0x30, nil }}, "paper_out", false, 0, 0, 0},
		{"stalled printer with paper out", &memPort{lang: LangTSPL, stallAt: 5000, reply: func(n int) []byte {
			if n == 1 {
				return []byte{0}
			}
			return []byte{0x04}
		}}, JobOptions{Language: LangTSPL, Bidirectional: true, ChunkSize: 4096, ChunkTimeout: 30 * time.Millisecond},
			"paper_out", false, 5000, 2, 0},
		{"stalled printer, no reason", &memPort{lang: LangTSPL, stallAt: 5000, reply: func(int) []byte { return []byte{0} }},
			JobOptions{Language: LangTSPL, Bidirectional: true, ChunkSize: 4096, ChunkTimeout: 30 * time.Millisecond},
			"timeout", false, 5000, 2, 0},
		{"device gone", &memPort{lang: LangTSPL, writeErr: errGone},
			JobOptions{Language: LangTSPL, Classify: classifyGone}, "disconnected", false, 0, 0, 0},
		{"other write error is returned", &memPort{lang: LangTSPL, writeErr: errors.New("boom")},
			JobOptions{Language: LangTSPL}, "", true, 0, 0, 0},
		{"context ends mid-job", &memPort{lang: LangTSPL, stallAt: 5000},
			JobOptions{Language: LangTSPL, ChunkSize: 4096}, "", true, 5000, 0, 50 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			if tt.deadline > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.deadline)
				defer cancel()
			}
			err := SendJob(ctx, tt.port, job, tt.opt)
			if why := holdWhy(err); why != tt.wantWhy {
				t.Errorf("hold reason = %q (err %v), want %q", why, err, tt.wantWhy)
			}
			if tt.wantWhy == "" && (err != nil) != tt.wantErr {
				t.Errorf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if got := tt.port.job.Len(); got != tt.wantJob {
				t.Errorf("printer got %d bytes, want %d", got, tt.wantJob)
			}
			if tt.wantJob == len(job) && !bytes.Equal(tt.port.job.Bytes(), job) {
				t.Error("job bytes differ")
			}
			if tt.port.queries != tt.wantQ {
				t.Errorf("queries = %d, want %d", tt.port.queries, tt.wantQ)
			}
		})
	}
}

func TestReadStatus(t *testing.T) {
	t.Parallel()
	// A silent bidirectional printer falls back to the port status.
	p := &memPort{lang: LangZPL}
	st, err := ReadStatus(context.Background(), p, JobOptions{Language: LangZPL, Bidirectional: true, StatusTimeout: 10 * time.Millisecond,
		PortStatus: func(context.Context) (byte, error) { return 0x18, nil }})
	if err != nil || st.State != "ready" {
		t.Errorf("ReadStatus = %v, %v", st, err)
	}
	// Nothing at all.
	_, err = ReadStatus(context.Background(), p, JobOptions{Language: "sbpl", Bidirectional: true})
	if !errors.Is(err, ErrNoStatus) {
		t.Errorf("err = %v, want ErrNoStatus", err)
	}
	// A garbled reply is reported as such.
	p = &memPort{lang: LangESCPOS, reply: func(int) []byte { return []byte{0, 0, 0} }}
	_, err = QueryStatus(context.Background(), p, LangESCPOS, time.Second)
	if !errors.Is(err, ErrBadReply) {
		t.Errorf("err = %v, want ErrBadReply", err)
	}
	// A reply that never completes.
	p = &memPort{lang: LangESCPOS, reply: func(int) []byte { return []byte{0x12} }}
	_, err = QueryStatus(context.Background(), p, LangESCPOS, 20*time.Millisecond)
	if !errors.Is(err, ErrNoReply) {
		t.Errorf("err = %v, want ErrNoReply", err)
	}
}

func TestHoldFor(t *testing.T) {
	t.Parallel()
	if HoldFor(NewStatus(), nil) != nil || HoldFor(NewStatus(ReasonPaperLow), nil) != nil {
		t.Error("ready status held")
	}
	if why := holdWhy(HoldFor(NewStatus("paper_out", "head_open"), nil)); why != "head_open" {
		t.Errorf("why = %q", why)
	}
	if why := holdWhy(HoldFor(printing.Status{State: "offline"}, nil)); why != "offline" {
		t.Errorf("why = %q", why)
	}
}
