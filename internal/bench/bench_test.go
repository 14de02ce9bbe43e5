package bench

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/config"
)

// The payload is clean ZPL of exactly size bytes: no NUL bytes (the first
// version left one after ^FD and two after ^XZ).
func TestPayload(t *testing.T) {
	t.Parallel()
	tests := []struct {
		size         int
		prefix, tail string
	}{
		{size: 1, prefix: "^", tail: "^"},
		{size: 9, prefix: "^X", tail: "^FS^XZ\n"},
		{size: 31, prefix: "^XA^FO20,20^A0N,30,30^FD", tail: "^FS^XZ\n"},
		{size: 40, prefix: "^XA^FO20,20^A0N,30,30^FDYZABCDEFG", tail: "ABCDEFG^FS^XZ\n"},
		{size: 300, prefix: "^XA^FO20,20^A0N,30,30^FDYZABC", tail: "^FS^XZ\n"},
	}
	for _, tt := range tests {
		p := payload(tt.size)
		if len(p) != tt.size {
			t.Errorf("payload(%d) has %d bytes", tt.size, len(p))
		}
		if !bytes.HasPrefix(p, []byte(tt.prefix)) || !bytes.HasSuffix(p, []byte(tt.tail)) {
			t.Errorf("payload(%d) = %q, want it to start with %q and end with %q", tt.size, p, tt.prefix, tt.tail)
		}
		if bytes.IndexByte(p, 0) >= 0 {
			t.Errorf("payload(%d) has a NUL byte: %q", tt.size, p)
		}
	}
}

func TestPercentile(t *testing.T) {
	t.Parallel()
	ms := func(ns ...int) []time.Duration {
		var out []time.Duration
		for _, n := range ns {
			out = append(out, time.Duration(n)*time.Millisecond)
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = 100 - i // unsorted: 100 … 1
	}
	tests := []struct {
		name string
		ds   []time.Duration
		p    int
		want float64
	}{
		{"none", nil, 50, 0},
		{"one", ms(7), 99, 7},
		{"median of three", ms(3, 1, 2), 50, 2},
		{"p50 of 1..100", ms(hundred...), 50, 50},
		{"p99 of 1..100", ms(hundred...), 99, 99},
		{"p100 of 1..100", ms(hundred...), 100, 100},
		{"p0 is the smallest", ms(5, 4), 0, 4},
	}
	for _, tt := range tests {
		if got := percentile(tt.ds, tt.p); got != tt.want {
			t.Errorf("%s: percentile(p%d) = %v, want %v", tt.name, tt.p, got, tt.want)
		}
	}
	in := ms(3, 1, 2)
	percentile(in, 50)
	if in[0] != 3*time.Millisecond {
		t.Error("percentile sorted its input in place")
	}
}

// The text report is what docs/benchmarks.md quotes: keep its shape.
func TestReport(t *testing.T) {
	t.Parallel()
	agent := &Result{JobsPerSec: 6253.4, AckP50ms: 7.3, AckP99ms: 23.41, DoneP50ms: 3000, DoneP99ms: 4700.5,
		Commits: 400, JobsPerCommit: 12.5, RatioToFloor: 3.2149, PeakRSSMiB: 114.04}
	floor := &Result{JobsPerSec: 1945, AckP50ms: 20, AckP99ms: 60}
	var b strings.Builder
	if err := report(&b, Load{Clients: 50, Jobs: 100, Size: 300}, map[string]*Result{"agent": agent, "floor": floor}); err != nil {
		t.Fatal(err)
	}
	want := "load: 50 clients × 100 jobs of 300 bytes\n" +
		"agent      6253 jobs/s  ack p50   7.30 ms  p99  23.41 ms  submit→written p50 3000.00 ms  p99 4700.50 ms  commits 400 (12.5 jobs/commit)\n" +
		"floor      1945 jobs/s  ack p50  20.00 ms  p99  60.00 ms\n" +
		"ratio to floor: 3.21\n" +
		"peak RSS of this process: 114.0 MiB\n"
	if b.String() != want {
		t.Errorf("report:\n%s\nwant:\n%s", b.String(), want)
	}

	b.Reset()
	agent.RatioToFloor = 0
	if err := report(&b, Load{Clients: 50, Jobs: 100, Size: 300, Rate: 200}, map[string]*Result{"agent": agent}); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); !strings.HasPrefix(got, "load: 50 clients × 100 jobs of 300 bytes, paced at 200 jobs/s\n") ||
		strings.Contains(got, "floor") || strings.Contains(got, "ratio") {
		t.Errorf("paced report without a floor:\n%s", got)
	}
}

func TestMainBadInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--clients", "0"}, "--clients, --jobs and --size must be at least 1"},
		{[]string{"--jobs", "-3"}, "--clients, --jobs and --size must be at least 1"},
		{[]string{"--size", "0"}, "--clients, --jobs and --size must be at least 1"},
		{[]string{"--rate", "-5"}, "--rate must be 0"},
		{[]string{"--clients", "2", "100"}, `unexpected argument "100"`},
		{[]string{"--nope"}, "flag provided but not defined: -nope"},
	}
	for _, tt := range tests {
		started := false
		start := func(*config.Loaded) (Agent, error) { started = true; return nil, errors.New("unreachable") }
		var out bytes.Buffer
		err := Main(tt.args, &out, start)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("bench %q: err = %v, want %q", tt.args, err, tt.want)
		}
		if started || out.Len() > 0 {
			t.Errorf("bench %q: started an agent (%v) or wrote %q", tt.args, started, out.String())
		}
	}
}

// An agent that cannot start is an error that says so; the temporary home
// is removed.
func TestMainAgentDoesNotStart(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	var home string
	start := func(cfg *config.Loaded) (Agent, error) {
		home = filepath.Dir(cfg.Paths.ConfigDir)
		if cfg.USBEnabled() || cfg.Limits.QueueDepth != 2*3+1 || cfg.Virtual.Keep != 2*3+1 {
			t.Errorf("bench config: usb %v, queue depth %d, keep %d", cfg.USBEnabled(), cfg.Limits.QueueDepth, cfg.Virtual.Keep)
		}
		return nil, errors.New("port taken")
	}
	err := Main([]string{"--clients", "2", "--jobs", "3"}, &bytes.Buffer{}, start)
	if err == nil || err.Error() != "bench: agent: port taken" {
		t.Fatalf("err = %v, want bench: agent: port taken", err)
	}
	if _, err := os.Stat(home); home == "" || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("temporary home %q left behind: %v", home, err)
	}
}

// The floor writes every job to its own file and acknowledges each.
func TestFloorWritesEveryJob(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "floor")
	res, err := runFloor(dir, Load{Clients: 3, Jobs: 4, Size: 50})
	if err != nil {
		t.Fatal(err)
	}
	if res.Jobs != 12 || res.JobsPerSec <= 0 || res.AckP50ms <= 0 || res.AckP99ms < res.AckP50ms {
		t.Errorf("floor result %+v", res)
	}
	if res.DoneP50ms != 0 || res.Commits != 0 {
		t.Errorf("the floor has no submit→written or commits: %+v", res)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.zpl"))
	if err != nil || len(files) != 12 {
		t.Fatalf("floor wrote %d files (%v), want 12", len(files), err)
	}
	data, err := os.ReadFile(files[0])
	if err != nil || !bytes.Equal(data, payload(50)) {
		t.Errorf("floor file %s = %q, want the payload", files[0], data)
	}
}
