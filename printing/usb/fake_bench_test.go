//go:build cgo && linux && !nolibusb

package usb

// Measurements against the fake printers (not part of the default run):
//
//	LABELBRIDGE_USB_BENCH=1 go test ./printing/usb -run 'TestFakeUSB/(bench|idle)' -v
//	LABELBRIDGE_USB_BENCH=1 LABELBRIDGE_USB_IDLE=60s go test ./printing/usb -run TestFakeUSB/idle -v -timeout 5m
//
// CPU figures come from getrusage(RUSAGE_SELF) in the child: the Go runtime,
// libusb's event and hotplug threads, everything but the Python fake.

import (
	"context"
	"log/slog"
	"os"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/internal/fakectl"
	"github.com/labelbridge/labelbridge/printing"
)

// newTestLogger logs through t (Watch stops before the test ends).
func newTestLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

type usage struct {
	cpu  time.Duration
	nvcs int64 // voluntary context switches: roughly, wakeups
}

func rusage(t *testing.T) usage {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return usage{time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), ru.Nvcsw}
}

func (u usage) sub(v usage) usage { return usage{u.cpu - v.cpu, u.nvcs - v.nvcs} }

type nopSink struct{}

func (nopSink) Attach(printing.Printer, printing.Transport) {}
func (nopSink) Detach(string)                               {}
func (nopSink) SetStatus(string, printing.Status)           {}

// childBench: scan cost, bulk throughput and per-job overhead.
func childBench(t *testing.T, ctl *fakectl.Client) {
	// Discovery: six devices on the bus, two of them printers.
	for _, d := range []fakectl.Device{zebra, tsc,
		{Name: "mouse", VID: 0x046D, PID: 0xC077, IfaceClass: 3},
		{Name: "kbd", VID: 0x046D, PID: 0xC31C, IfaceClass: 3},
		{Name: "scanner", VID: 0x04B8, PID: 0x0142, IfaceClass: 255},
		{Name: "disk", VID: 0x0781, PID: 0x5581, IfaceClass: 8},
	} {
		if _, err := ctl.Plug(d); err != nil {
			t.Fatal(err)
		}
	}
	w, err := newWatcher(nopSink{}, Options{NoInitialStatus: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	w.scan(ctx) // identifies the two printers (opens them)
	if len(w.present) != 2 {
		t.Fatalf("scan found %d printers, want 2", len(w.present))
	}
	const scans = 2000
	u0, t0 := rusage(t), time.Now()
	for range scans {
		w.scan(ctx)
	}
	du, dt := rusage(t).sub(u0), time.Since(t0)
	t.Logf("BENCH scan: %d scans of 6 devices: %v wall, %v CPU per scan", scans, dt/scans, du.cpu/scans)
	w.close()

	r := newRig(t, ctl, Options{Interval: time.Second, NoInitialStatus: true}, fastSpooler)
	r.waitAttached(zebraID, 3*time.Second)
	tr := r.sink.transport(zebraID)

	// Bulk throughput through Send (status checks included), 8 MiB jobs.
	data := jobBytes(1, 8<<20)
	var best time.Duration
	for i := range 3 {
		u0, t0 := rusage(t), time.Now()
		if err := tr.Send(ctx, printing.Job{ID: "bench"}, data); err != nil {
			t.Fatal(err)
		}
		dt, du := time.Since(t0), rusage(t).sub(u0)
		if got, _ := r.capture("zebra", true); len(got) != len(data) {
			t.Fatalf("fake got %d bytes", len(got))
		}
		t.Logf("BENCH bulk: 8 MiB in %v = %.1f MB/s (child CPU %v) [run %d]", dt.Round(time.Millisecond), float64(len(data))/dt.Seconds()/1e6, du.cpu.Round(time.Millisecond), i)
		if best == 0 || dt < best {
			best = dt
		}
	}

	// Per-job overhead: small jobs through Send (open, claim and detach,
	// status, write, status, release and re-attach, close).
	small := []byte("^XA^FO50,50^A0N,40,40^FDLabel^FS^XZ\n")
	const n = 200
	u0, t0 = rusage(t), time.Now()
	for range n {
		if err := tr.Send(ctx, printing.Job{ID: "small"}, small); err != nil {
			t.Fatal(err)
		}
	}
	dt, du = time.Since(t0), rusage(t).sub(u0)
	t.Logf("BENCH job: %d small jobs through Send: %v per job, %v CPU per job", n, dt/n, du.cpu/n)

	// The same through the spooler (durable store, no fsync).
	u0, t0 = rusage(t), time.Now()
	var ids []string
	for range 100 {
		ids = append(ids, r.submit(zebraID, small).ID)
	}
	for _, id := range ids {
		r.waitJob(id, printing.JobDone, "", 30*time.Second)
	}
	dt, du = time.Since(t0), rusage(t).sub(u0)
	t.Logf("BENCH spooler: 100 small jobs submitted to done: %v per job, %v CPU per job", dt/100, du.cpu/100)
	r.capture("zebra", true)
}

// childIdle: CPU used while idle with two printers attached.
func childIdle(t *testing.T, ctl *fakectl.Client) {
	d := 10 * time.Second
	if v := os.Getenv(envIdle); v != "" {
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			t.Fatal(err)
		}
	}
	r := newRig(t, ctl, Options{}, printing.Options{}) // defaults: 1 s scans
	r.plug(zebra)
	tp := r.plug(tsc)
	r.waitAttached(zebraID, 3*time.Second)
	r.waitAttached(tscID(tp), 3*time.Second)
	r.waitFor("initial status of both", 5*time.Second, func() bool {
		r.sink.mu.Lock()
		defer r.sink.mu.Unlock()
		return len(r.sink.statuses) == 2
	})
	runtime.GC()
	u0 := rusage(t)
	window := time.NewTimer(d) // a measurement window, not a synchronisation
	<-window.C
	du := rusage(t).sub(u0)
	perMin := time.Duration(float64(du.cpu) * float64(time.Minute) / float64(d))
	t.Logf("BENCH idle: %v with 2 printers attached: %v CPU (%v per minute, %.2f%% of one core), %.1f wakeups/s",
		d, du.cpu.Round(time.Microsecond), perMin.Round(time.Millisecond), 100*du.cpu.Seconds()/d.Seconds(), float64(du.nvcs)/d.Seconds())
}
