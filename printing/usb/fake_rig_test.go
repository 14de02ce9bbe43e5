//go:build cgo && linux && !nolibusb

package usb

// The rig the fake-printer scenarios share (see fake_test.go for how they
// run): Watch with a real spooler and store, ways to wait, fake printers.

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/internal/fakectl"
	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/printing/store"
)

// ---- the rig: Watch + a real spooler and store, and ways to wait ----------

type rig struct {
	t    *testing.T
	ctl  *fakectl.Client
	sp   *printing.Spooler
	sink *recSink

	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every event
}

// recSink forwards to the spooler and records what Watch did.
type recSink struct {
	r  *rig
	sp *printing.Spooler

	mu       sync.Mutex
	attached map[string]printing.Transport
	attaches map[string]int
	detaches map[string]int
	statuses map[string]printing.Status
}

func (s *recSink) Attach(p printing.Printer, t printing.Transport) {
	s.sp.Attach(p, t)
	s.mu.Lock()
	s.attached[p.ID] = t
	s.attaches[p.ID]++
	s.mu.Unlock()
	s.r.poke()
}

func (s *recSink) Detach(id string) {
	s.sp.Detach(id)
	s.mu.Lock()
	delete(s.attached, id)
	s.detaches[id]++
	s.mu.Unlock()
	s.r.poke()
}

func (s *recSink) SetStatus(id string, st printing.Status) {
	s.sp.SetStatus(id, st)
	s.mu.Lock()
	s.statuses[id] = st
	s.mu.Unlock()
	s.r.poke()
}

func (s *recSink) transport(id string) printing.Transport {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attached[id]
}

func (s *recSink) count(id string) (attaches, detaches int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attaches[id], s.detaches[id]
}

// fastSpooler retries and polls often so the tests run quickly.
var fastSpooler = printing.Options{
	RetryMin: 50 * time.Millisecond, RetryMax: 200 * time.Millisecond,
	StatusEvery: 100 * time.Millisecond, HoldTimeout: -1,
}

func newRig(t *testing.T, ctl *fakectl.Client, opt Options, spOpt printing.Options) *rig {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "jobs.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	sp := printing.New(st, nil, spOpt)
	if err := sp.Start(); err != nil {
		t.Fatal(err)
	}
	r := &rig{t: t, ctl: ctl, sp: sp, changed: make(chan struct{})}
	r.sink = &recSink{r: r, sp: sp, attached: map[string]printing.Transport{},
		attaches: map[string]int{}, detaches: map[string]int{}, statuses: map[string]printing.Status{}}
	sub := sp.Subscribe(4096)
	go func() {
		for range sub.C {
			r.poke()
		}
	}()
	if opt.Logger == nil {
		opt.Logger = newTestLogger(t)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Watch(ctx, r.sink, opt) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Watch: %v", err)
		}
		r.sink.mu.Lock()
		left := len(r.sink.attached)
		r.sink.mu.Unlock()
		if left != 0 {
			t.Errorf("Watch returned with %d printers still attached", left)
		}
		sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer scancel()
		_ = sp.Stop(sctx)
		sub.Close()
		_ = st.Close()
	})
	return r
}

func (r *rig) poke() {
	r.mu.Lock()
	close(r.changed)
	r.changed = make(chan struct{})
	r.mu.Unlock()
}

// waitFor waits until cond holds, re-checking it on every spooler event or
// sink call, and at least every 50 ms (conditions on the fake's counters have
// no event).
func (r *rig) waitFor(what string, timeout time.Duration, cond func() bool) {
	r.t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		r.mu.Lock()
		ch := r.changed
		r.mu.Unlock()
		if cond() {
			return
		}
		select {
		case <-ch:
		case <-tick.C:
		case <-deadline.C:
			r.t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
	}
}

func (r *rig) plug(d fakectl.Device) fakectl.Plugged {
	r.t.Helper()
	p, err := r.ctl.Plug(d)
	if err != nil {
		r.t.Fatal(err)
	}
	return p
}

func (r *rig) set(name string, s fakectl.State) {
	r.t.Helper()
	if err := r.ctl.Set(name, s); err != nil {
		r.t.Fatal(err)
	}
}

func (r *rig) capture(name string, reset bool) ([]byte, int) {
	r.t.Helper()
	data, q, err := r.ctl.Capture(name, reset)
	if err != nil {
		r.t.Fatal(err)
	}
	return data, q
}

func (r *rig) stats(name string) fakectl.Stats {
	r.t.Helper()
	s, err := r.ctl.Stats(name)
	if err != nil {
		r.t.Fatal(err)
	}
	return s
}

// printer returns the spooler's view of a present printer.
func (r *rig) printer(id string) (printing.Printer, bool) {
	if r.sink.transport(id) == nil {
		return printing.Printer{}, false
	}
	p, err := r.sp.Printer(id)
	return p, err == nil
}

func (r *rig) waitAttached(id string, timeout time.Duration) printing.Printer {
	r.t.Helper()
	var p printing.Printer
	r.waitFor("printer "+id+" attached", timeout, func() bool {
		var ok bool
		p, ok = r.printer(id)
		return ok
	})
	return p
}

func (r *rig) submit(id string, data []byte) printing.Job {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	res, err := r.sp.SubmitWait(ctx, printing.Request{Printer: id, Origin: "test", Raw: data})
	if err != nil {
		r.t.Fatalf("submit to %s: %v", id, err)
	}
	return res.Job
}

func (r *rig) job(id string) printing.Job {
	r.t.Helper()
	j, err := r.sp.Job(id)
	if err != nil {
		r.t.Fatal(err)
	}
	return j
}

func (r *rig) waitJob(id string, state printing.JobState, reason string, timeout time.Duration) printing.Job {
	r.t.Helper()
	var j printing.Job
	r.waitFor(fmt.Sprintf("job %s %s %s", id, state, reason), timeout, func() bool {
		j = r.job(id)
		if j.State.Terminal() && j.State != state {
			r.t.Fatalf("job %s ended %s (%s: %s), want %s", id, j.State, j.Reason, j.Detail, state)
		}
		return j.State == state && (reason == "" || j.Reason == reason)
	})
	return j
}

// jobBytes is a deterministic job of n bytes: a ZPL-looking head, then every
// byte value (the link must be binary-safe).
func jobBytes(seed uint64, n int) []byte {
	b := make([]byte, n)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	copy(b, fmt.Sprintf("^XA^FO50,50^FDjob %d^FS^XZ\n", seed))
	return b
}

// ---- fake printers ----------------------------------------------------------

var (
	zebra = fakectl.Device{
		Name: "zebra", VID: 0x0A5F, PID: 0x0080, Serial: "ZBR4401234",
		DeviceID: "MFG:Zebra Technologies;CMD:ZPL;MDL:ZTC GK420d-203dpi;CLS:PRINTER;",
		Lang:     "zpl", Manufacturer: "Zebra Technologies", Product: "ZTC GK420d",
	}
	tsc = fakectl.Device{
		Name: "tsc", VID: 0x1203, PID: 0x0230,
		DeviceID: "MANUFACTURER:TSC;COMMAND SET:TSPL2;MODEL:TTP-244 Pro;", IDLittleEnd: true,
		Lang: "tspl",
	}
)

const (
	zebraID = "usb:0a5f:0080:ZBR4401234"
)

func tscID(p fakectl.Plugged) string { return fmt.Sprintf("usb:1203:0230:1-%d", p.Port) }
