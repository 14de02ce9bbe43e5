//go:build cgo && linux && !nolibusb

package usb

// End-to-end tests of the real gousb/libusb code against fake printers.
//
// TestFakeUSB (the parent) starts tools/fakeusb/fakeusb.py, which builds an
// empty umockdev testbed and runs this test binary again as its child
// (TestFakeChild) with LD_PRELOAD=libumockdev-preload.so.0, so libusb in the
// child sees the fake /sys and /dev and the harness answers its usbdevfs
// ioctls. The child plugs and drives fake printers through the harness
// (internal/fakectl) while it runs Watch, a real printing.Spooler and a real
// store. Waits are on events with deadlines, never bare sleeps.
//
// The harness needs /usr/bin/python3 with python3-gi, gir1.2-umockdev-1.0
// and libumockdev0. Without them the test skips, except in CI (CI set), where
// it fails.

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/internal/fakectl"
	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/printing/store"
)

const (
	envScenario = "LABELBRIDGE_FAKEUSB_SCENARIO"
	envBench    = "LABELBRIDGE_USB_BENCH" // 1: also run the benchmark scenarios
	envIdle     = "LABELBRIDGE_USB_IDLE"  // idle measurement length (default 10s)
	envPython   = "LABELBRIDGE_FAKEUSB_PYTHON"
)

// pythonPath is the python3 that has gi: /usr/bin/python3, not the first one
// on PATH (pyenv's has no gi). LABELBRIDGE_FAKEUSB_PYTHON overrides it.
func pythonPath() string {
	if p := os.Getenv(envPython); p != "" {
		return p
	}
	return "/usr/bin/python3"
}

var (
	harnessOnce sync.Once
	harnessErr  error
)

// harnessScript checks the harness's prerequisites and returns its path.
func harnessScript(t *testing.T) string {
	t.Helper()
	script, _ := filepath.Abs(filepath.Join("..", "..", "tools", "fakeusb", "fakeusb.py"))
	harnessOnce.Do(func() {
		if _, err := os.Stat(script); err != nil {
			harnessErr = err
			return
		}
		probe := `import ctypes.util, gi
gi.require_version('UMockdev', '1.0')
from gi.repository import UMockdev
import sys
sys.exit(0 if ctypes.util.find_library('umockdev-preload') else 3)`
		out, err := exec.Command(pythonPath(), "-c", probe).CombinedOutput()
		if err != nil {
			harnessErr = fmt.Errorf("%s cannot load umockdev: %v\n%s", pythonPath(), err, out)
		}
	})
	if harnessErr != nil {
		msg := fmt.Sprintf("umockdev harness unavailable: %v\n"+
			"install: apt-get install -y umockdev gir1.2-umockdev-1.0 python3-gi libusb-1.0-0-dev pkg-config", harnessErr)
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return script
}

// TestFakeUSB runs each scenario in its own harness and child process.
func TestFakeUSB(t *testing.T) {
	if os.Getenv(envScenario) != "" {
		t.Skip("in the child")
	}
	script := harnessScript(t)
	scenarios := []string{"enumerate", "job", "paperout", "unplug", "two", "status"}
	if os.Getenv(envBench) != "" {
		scenarios = append(scenarios, "bench", "idle")
	}
	for _, sc := range scenarios {
		t.Run(sc, func(t *testing.T) { runChild(t, script, sc) })
	}
}

func runChild(t *testing.T, script, scenario string) {
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()
	args := []string{script, "--tmpdir", t.TempDir(), "--",
		os.Args[0], "-test.run=^TestFakeChild$", "-test.v", "-test.timeout=120s"}
	// Under go test -cover, the child's counters join the parent's report.
	if f := flag.Lookup("test.gocoverdir"); f != nil && f.Value.String() != "" {
		args = append(args, "-test.gocoverdir="+f.Value.String())
	}
	cmd := exec.CommandContext(ctx, pythonPath(), args...)
	cmd.Env = append(os.Environ(), envScenario+"="+scenario)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	var out bytes.Buffer
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			out.WriteString(line + "\n")
			if testing.Verbose() {
				t.Log(line)
			}
		}
	}()
	err := cmd.Run()
	pw.Close()
	<-copied
	if err != nil {
		if !testing.Verbose() {
			t.Log(out.String())
		}
		t.Fatalf("scenario %s: %v", scenario, err)
	}
	if !strings.Contains(out.String(), "--- PASS: TestFakeChild") {
		t.Fatalf("scenario %s: the child did not pass:\n%s", scenario, out.String())
	}
}

// TestFakeChild is the child side; it runs only under the harness.
func TestFakeChild(t *testing.T) {
	sc := os.Getenv(envScenario)
	if sc == "" {
		t.Skip("runs only as the child of TestFakeUSB")
	}
	ctl, err := fakectl.FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	defer ctl.Close()
	switch sc {
	case "enumerate":
		childEnumerate(t, ctl)
	case "job":
		childJob(t, ctl)
	case "paperout":
		childPaperOut(t, ctl)
	case "unplug":
		childUnplug(t, ctl)
	case "two":
		childTwo(t, ctl)
	case "status":
		childStatus(t, ctl)
	case "bench":
		childBench(t, ctl)
	case "idle":
		childIdle(t, ctl)
	default:
		t.Fatalf("unknown scenario %q", sc)
	}
}

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

// ---- scenarios --------------------------------------------------------------

// childEnumerate: discovery, ids, device IDs and languages, the 2 s promise,
// and which devices are not printers.
func childEnumerate(t *testing.T, ctl *fakectl.Client) {
	r := newRig(t, ctl, Options{}, fastSpooler) // the default 1 s interval
	start := time.Now()
	r.plug(zebra)
	tp := r.plug(tsc)
	pos := r.plug(fakectl.Device{Name: "pos", VID: 0x0416, PID: 0x5011, Protocol: 1, Lang: "escpos"})
	r.plug(fakectl.Device{Name: "zebra-vendor", VID: 0x0A5F, PID: 0x0105, Serial: "ZV1", IfaceClass: 255, Lang: "zpl"})
	r.plug(fakectl.Device{Name: "clone-a", VID: 0x1FC9, PID: 0x2016, Serial: "000001", Lang: "escpos"})
	cloneB := r.plug(fakectl.Device{Name: "clone-b", VID: 0x1FC9, PID: 0x2016, Serial: "000001", Lang: "escpos"})
	r.plug(fakectl.Device{Name: "mouse", VID: 0x046D, PID: 0xC077, IfaceClass: 3})
	r.plug(fakectl.Device{Name: "scanner", VID: 0x04B8, PID: 0x0142, IfaceClass: 255})
	posID := fmt.Sprintf("usb:0416:5011:1-%d", pos.Port)
	want := map[string]printing.Printer{
		zebraID:             {Name: "Zebra ZTC GK420d-203dpi", Language: "zpl", Vendor: "Zebra Technologies", Model: "ZTC GK420d-203dpi", DPI: 203},
		tscID(tp):           {Name: "TSC TTP-244 Pro", Language: "tspl", Vendor: "TSC", Model: "TTP-244 Pro"},
		posID:               {Name: "Generic POS printer", Language: "escpos", Vendor: "Generic POS printer"},
		"usb:0a5f:0105:ZV1": {Name: "Zebra USB printer", Language: "zpl", Vendor: "Zebra"},
		// Two clones with one serial: the second gets its bus path appended.
		"usb:1fc9:2016:000001":                                {Name: "Generic POS printer", Language: "escpos", Vendor: "Generic POS printer"},
		fmt.Sprintf("usb:1fc9:2016:000001@1-%d", cloneB.Port): {Name: "Generic POS printer", Language: "escpos", Vendor: "Generic POS printer"},
	}
	for id := range want {
		r.waitAttached(id, 2*time.Second)
	}
	t.Logf("%d printers attached %v after plugging", len(want), time.Since(start).Round(time.Millisecond))
	for id, w := range want {
		p, _ := r.printer(id)
		if p.Name != w.Name || p.Language != w.Language || p.Vendor != w.Vendor || p.Model != w.Model || p.DPI != w.DPI ||
			p.Connection != printing.ConnUSB || !strings.HasPrefix(p.Address, "USB 1-") {
			t.Errorf("%s = %+v\nwant %+v", id, p, w)
		}
	}
	for _, p := range r.sp.Printers() {
		if _, ok := want[p.ID]; !ok {
			t.Errorf("unexpected printer %+v", p)
		}
	}
	// The initial status query answered for the bidirectional ones.
	r.waitFor("initial status of the zebra and the tsc", 5*time.Second, func() bool {
		r.sink.mu.Lock()
		defer r.sink.mu.Unlock()
		_, z := r.sink.statuses[zebraID]
		_, ts := r.sink.statuses[tscID(tp)]
		return z && ts
	})

	// Unplug: gone within 2 s; replug into the same port: same id.
	start = time.Now()
	if err := ctl.Unplug("tsc"); err != nil {
		t.Fatal(err)
	}
	r.waitFor("tsc detached", 2*time.Second, func() bool { _, ok := r.printer(tscID(tp)); return !ok })
	t.Logf("tsc detached %v after unplugging", time.Since(start).Round(time.Millisecond))
	if _, err := r.sp.Printer(tscID(tp)); err == nil {
		t.Error("an unplugged printer without jobs is still listed")
	}
	start = time.Now()
	tp2 := r.plug(tsc)
	if tscID(tp2) != tscID(tp) || tp2.Addr == tp.Addr {
		t.Fatalf("replug: %+v then %+v", tp, tp2)
	}
	r.waitAttached(tscID(tp), 2*time.Second)
	t.Logf("tsc attached again %v after replugging (address %d -> %d)", time.Since(start).Round(time.Millisecond), tp.Addr, tp2.Addr)
	if a, d := r.sink.count(tscID(tp)); a != 2 || d != 1 {
		t.Errorf("tsc attached %d times, detached %d", a, d)
	}
	// The no-serial printer keeps its bus-path id; the serial one its serial.
	if a, _ := r.sink.count(zebraID); a != 1 {
		t.Errorf("zebra attached %d times", a)
	}
}

// childJob: a job arrives byte for byte at the bulk OUT endpoint, with
// status checks around it and usblp given back afterwards.
func childJob(t *testing.T, ctl *fakectl.Client) {
	r := newRig(t, ctl, Options{Interval: 100 * time.Millisecond}, fastSpooler)
	r.plug(zebra)
	r.waitAttached(zebraID, 2*time.Second)
	r.waitFor("initial status", 5*time.Second, func() bool { return r.stats("zebra").Queries >= 1 })
	_, q0 := r.capture("zebra", true)

	for i, size := range []int{300 << 10, 46, 1} {
		data := jobBytes(uint64(i+1), size)
		j := r.submit(zebraID, data)
		r.waitJob(j.ID, printing.JobDone, "", 10*time.Second)
		got, q := r.capture("zebra", true)
		if !bytes.Equal(got, data) {
			t.Fatalf("job %d: printer got %d bytes, sent %d (first difference at %d)", i, len(got), len(data), firstDiff(got, data))
		}
		if q-q0 != 2 {
			t.Errorf("job %d: %d status queries, want 2 (before and after)", i, q-q0)
		}
		q0 = q
	}
	st := r.stats("zebra")
	t.Logf("fake stats: %+v", st)
	if st.Claims != st.Releases || st.Detaches != st.Attaches || st.Detaches < 1 || !st.Bound {
		t.Errorf("claims %d releases %d detaches %d attaches %d bound %v: usblp must be detached for each job and given back",
			st.Claims, st.Releases, st.Detaches, st.Attaches, st.Bound)
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// childPaperOut: a printer that reports paper out holds its jobs (found at
// plug time, and found by Send itself), and prints them once paper is back.
func childPaperOut(t *testing.T, ctl *fakectl.Client) {
	r := newRig(t, ctl, Options{Interval: 100 * time.Millisecond}, fastSpooler)
	z := zebra
	z.State.PaperOut = fakectl.Bool(true)
	r.plug(z)
	r.waitAttached(zebraID, 2*time.Second)
	// 1. Known at plug time, from the initial status query.
	r.waitFor("printer status paper_out", 5*time.Second, func() bool {
		p, _ := r.printer(zebraID)
		return slices.Contains(p.Status.Reasons, "paper_out")
	})
	data := jobBytes(7, 20<<10)
	j := r.submit(zebraID, data)
	r.waitJob(j.ID, printing.JobHeld, "paper_out", 5*time.Second)
	if got, _ := r.capture("zebra", false); len(got) != 0 {
		t.Fatalf("%d bytes written to a printer out of paper", len(got))
	}
	r.set("zebra", fakectl.State{PaperOut: fakectl.Bool(false)})
	r.waitJob(j.ID, printing.JobDone, "", 5*time.Second)
	if got, _ := r.capture("zebra", true); !bytes.Equal(got, data) {
		t.Fatalf("printer got %d bytes, want %d", len(got), len(data))
	}
	r.waitFor("printer ready", 5*time.Second, func() bool {
		p, _ := r.printer(zebraID)
		return p.Status.State == printing.PrinterReady || p.Status.State == printing.PrinterBusy
	})

	// 2. Paper runs out while the spooler thinks it is ready: Send's own
	// check holds the job with nothing written.
	r.set("zebra", fakectl.State{PaperOut: fakectl.Bool(true)})
	data = jobBytes(8, 5000)
	j = r.submit(zebraID, data)
	j = r.waitJob(j.ID, printing.JobHeld, "paper_out", 5*time.Second)
	t.Logf("held: %s (%s)", j.Reason, j.Detail)
	if got, _ := r.capture("zebra", false); len(got) != 0 {
		t.Fatalf("%d bytes written to a printer out of paper", len(got))
	}
	r.set("zebra", fakectl.State{PaperOut: fakectl.Bool(false)})
	r.waitJob(j.ID, printing.JobDone, "", 5*time.Second)
	if got, _ := r.capture("zebra", true); !bytes.Equal(got, data) {
		t.Fatalf("printer got %d bytes, want %d", len(got), len(data))
	}
}

// childUnplug: unplugged mid-job, the job is held and the printer detached;
// plugged back in, it is attached under the same id and the job is sent again
// from its start.
func childUnplug(t *testing.T, ctl *fakectl.Client) {
	r := newRig(t, ctl, Options{Interval: 200 * time.Millisecond, ChunkSize: 16 << 10}, fastSpooler)
	first := r.plug(zebra)
	r.waitAttached(zebraID, 2*time.Second)
	data := jobBytes(9, 1<<20)
	r.set("zebra", fakectl.State{UnplugAfter: fakectl.Int(256 << 10)})
	j := r.submit(zebraID, data)
	j = r.waitJob(j.ID, printing.JobHeld, "disconnected", 10*time.Second)
	t.Logf("held: %s (%s)", j.Reason, j.Detail)
	r.waitFor("printer detached", 2*time.Second, func() bool { _, ok := r.printer(zebraID); return !ok })
	partial, _ := r.capture("zebra", false)
	if len(partial) < 256<<10 || len(partial) >= len(data) {
		t.Fatalf("before the unplug the printer got %d bytes", len(partial))
	}
	p, err := r.sp.Printer(zebraID) // listed while it has a job waiting
	if err != nil || !slices.Contains(p.Status.Reasons, "disconnected") {
		t.Errorf("unplugged printer with a held job: %+v, %v", p, err)
	}
	again := r.plug(zebra)
	if again.Addr == first.Addr {
		t.Fatal("replugged at the same address")
	}
	r.waitJob(j.ID, printing.JobDone, "", 10*time.Second)
	if got, _ := r.capture("zebra", true); !bytes.Equal(got, data) {
		t.Fatalf("after replug the printer got %d bytes, want the whole job (%d)", len(got), len(data))
	}
	if a, d := r.sink.count(zebraID); a != 2 || d != 1 {
		t.Errorf("attached %d times, detached %d", a, d)
	}
	if j := r.job(j.ID); j.Attempts < 2 {
		t.Errorf("attempts = %d", j.Attempts)
	}
}

// childTwo: a Zebra that stops taking data does not hold up a TSC job.
func childTwo(t *testing.T, ctl *fakectl.Client) {
	r := newRig(t, ctl, Options{Interval: 100 * time.Millisecond, ChunkTimeout: 30 * time.Second}, fastSpooler)
	r.plug(zebra)
	tp := r.plug(tsc)
	r.waitAttached(zebraID, 2*time.Second)
	r.waitAttached(tscID(tp), 2*time.Second)

	r.set("zebra", fakectl.State{Stall: fakectl.Bool(true)})
	zdata, tdata := jobBytes(10, 200<<10), jobBytes(11, 100<<10)
	zj := r.submit(zebraID, zdata)
	r.waitJob(zj.ID, printing.JobSending, "", 5*time.Second)
	r.waitFor("zebra transfer in flight", 5*time.Second, func() bool { return r.stats("zebra").OutURBs >= 1 })
	tj := r.submit(tscID(tp), tdata)
	r.waitJob(tj.ID, printing.JobDone, "", 10*time.Second)
	if s := r.job(zj.ID).State; s != printing.JobSending {
		t.Fatalf("zebra job is %s while its printer is stalled", s)
	}
	if got, _ := r.capture("tsc", false); !bytes.Equal(got, tdata) {
		t.Fatalf("tsc got %d bytes, want %d", len(got), len(tdata))
	}
	r.set("zebra", fakectl.State{Stall: fakectl.Bool(false)})
	r.waitJob(zj.ID, printing.JobDone, "", 10*time.Second)
	if got, _ := r.capture("zebra", false); !bytes.Equal(got, zdata) {
		t.Fatalf("zebra got %d bytes, want %d", len(got), len(zdata))
	}

	// And both at once, each with its own jobs.
	var ids []string
	for i := range 4 {
		ids = append(ids, r.submit(zebraID, jobBytes(uint64(20+i), 64<<10)).ID, r.submit(tscID(tp), jobBytes(uint64(30+i), 64<<10)).ID)
	}
	for _, id := range ids {
		r.waitJob(id, printing.JobDone, "", 10*time.Second)
	}
}

// childStatus: each language's status query, the printer-class port status of
// a unidirectional printer, and a printer that never answers.
func childStatus(t *testing.T, ctl *fakectl.Client) {
	r := newRig(t, ctl, Options{Interval: 100 * time.Millisecond, StatusTimeout: 300 * time.Millisecond, NoInitialStatus: true}, fastSpooler)
	tp := r.plug(fakectl.Device{Name: "tsc", VID: 0x1203, PID: 0x0230, Serial: "T1", DeviceID: "MFG:TSC;CMD:TSPL2;MDL:TE210;",
		Lang: "tspl", State: fakectl.State{HeadOpen: fakectl.Bool(true)}})
	_ = tp
	r.plug(fakectl.Device{Name: "epl", VID: 0x0A5F, PID: 0x00FF, Serial: "E1", DeviceID: "MFG:Zebra;CMD:EPL2;MDL:LP 2844;",
		Lang: "epl", State: fakectl.State{PaperOut: fakectl.Bool(true)}})
	r.plug(fakectl.Device{Name: "epson", VID: 0x04B8, PID: 0x0E15, Serial: "P1", DeviceID: "MFG:EPSON;CMD:ESC/POS;MDL:TM-T20II;",
		Lang: "escpos", State: fakectl.State{HeadOpen: fakectl.Bool(true)}})
	pos := r.plug(fakectl.Device{Name: "pos", VID: 0x0416, PID: 0x5011, Protocol: 1, Lang: "escpos",
		State: fakectl.State{PaperOut: fakectl.Bool(true)}})
	r.plug(fakectl.Device{Name: "mute", VID: 0x0A5F, PID: 0x0081, Serial: "M1", DeviceID: "MFG:Zebra;CMD:ZPL;MDL:ZD420;",
		Lang: "zpl", State: fakectl.State{Silent: fakectl.Bool(true)}})
	for _, tt := range []struct {
		id, lang string
		reasons  []string
	}{
		{"usb:1203:0230:T1", "tspl", []string{"head_open"}},
		{"usb:0a5f:00ff:E1", "epl", []string{"paper_out"}},
		{"usb:04b8:0e15:P1", "escpos", []string{"cover_open"}},
		{fmt.Sprintf("usb:0416:5011:1-%d", pos.Port), "escpos", []string{"paper_out"}}, // GET_PORT_STATUS
	} {
		p := r.waitAttached(tt.id, 2*time.Second)
		if p.Language != tt.lang {
			t.Errorf("%s: language %q, want %q", tt.id, p.Language, tt.lang)
		}
		q := r.sink.transport(tt.id).(printing.StatusQuerier)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		st, err := q.QueryStatus(ctx)
		cancel()
		if err != nil || st.State != printing.PrinterError || !slices.Equal(st.Reasons, tt.reasons) {
			t.Errorf("%s: status %+v, %v; want error %q", tt.id, st, err, tt.reasons)
		}
	}
	// A printer that never answers its status queries still prints; the
	// pending bulk IN reads are cancelled on time.
	r.waitAttached("usb:0a5f:0081:M1", 2*time.Second)
	data := jobBytes(40, 10<<10)
	start := time.Now()
	j := r.submit("usb:0a5f:0081:M1", data)
	r.waitJob(j.ID, printing.JobDone, "", 10*time.Second)
	t.Logf("silent printer: job done in %v (two status timeouts of 300 ms)", time.Since(start).Round(time.Millisecond))
	if got, _ := r.capture("mute", false); !bytes.Equal(got, data) {
		t.Fatalf("silent printer got %d bytes", len(got))
	}
	if s := r.stats("mute"); s.Discards < 2 {
		t.Errorf("silent printer: %d IN transfers cancelled, want 2", s.Discards)
	}
	// A status query on a printer that is gone reports it (whether Watch
	// has noticed yet or not).
	tr := r.sink.transport("usb:1203:0230:T1")
	if err := ctl.Unplug("tsc"); err != nil {
		t.Fatal(err)
	}
	_, err := tr.(printing.StatusQuerier).QueryStatus(context.Background())
	var hold *printing.HoldError
	if !errors.As(err, &hold) || hold.Why != printing.ReasonDisconnected {
		t.Errorf("status of an unplugged printer: %v", err)
	}
}
