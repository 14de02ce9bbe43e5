//go:build cgo && linux && !nolibusb

package usb

// The scenarios TestFakeChild runs under the umockdev harness (see
// fake_test.go), one per concern of the USB watcher and transport.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/internal/fakectl"
	"github.com/labelbridge/labelbridge/printing"
)

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
	// It stays listed as remembered: offline, disconnected (a job for it is
	// held, not refused, until it comes back).
	if p, err := r.sp.Printer(tscID(tp)); err != nil {
		t.Errorf("an unplugged printer is forgotten: %v", err)
	} else if p.Status.State != printing.PrinterOffline || !slices.Contains(p.Status.Reasons, printing.ReasonDisconnected) {
		t.Errorf("an unplugged printer shows %+v, want offline/disconnected", p.Status)
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
