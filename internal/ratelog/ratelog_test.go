package ratelog

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestAllow(t *testing.T) {
	type step struct {
		after time.Duration // clock advance before the line
		key   string
		want  Verdict
	}
	cases := []struct {
		name  string
		burst int
		steps []step
	}{
		{"first line, then one summary per interval", 20, []step{
			{0, "a", Verdict{Write: true}},
			{time.Second, "a", Verdict{}},
			{time.Second, "a", Verdict{}},
			{time.Minute, "a", Verdict{Write: true, Suppressed: 2}},
			{time.Second, "a", Verdict{}},
			{time.Minute, "a", Verdict{Write: true, Suppressed: 1}},
			{time.Hour, "a", Verdict{Write: true}},
		}},
		{"keys are independent", 20, []step{
			{0, "a", Verdict{Write: true}},
			{0, "b", Verdict{Write: true}},
			{0, "a", Verdict{}},
			{0, "b", Verdict{}},
		}},
		{"new keys beyond the burst share one line", 2, []step{
			{0, "a", Verdict{Write: true}},
			{0, "b", Verdict{Write: true}},
			{0, "c", Verdict{Write: true, Other: true}},
			{0, "d", Verdict{}},
			{0, "e", Verdict{}},
			{time.Minute, "f", Verdict{Write: true}}, // a new window
			{0, "g", Verdict{Write: true}},
			{0, "h", Verdict{Write: true, Suppressed: 2, Other: true}},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clk := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
			l := New(Options{Every: time.Minute, Burst: c.burst, Now: clk.now})
			for i, s := range c.steps {
				clk.t = clk.t.Add(s.after)
				if got := l.Allow(s.key); got != s.want {
					t.Fatalf("step %d (%s): %+v, want %+v", i, s.key, got, s.want)
				}
			}
		})
	}
}

// A flood of distinct keys writes a bounded number of lines and remembers
// a bounded number of keys.
func TestFloodOfDistinctKeysIsBounded(t *testing.T) {
	clk := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := New(Options{Every: time.Minute, Burst: 20, Now: clk.now})
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	for i := range 100000 {
		clk.t = clk.t.Add(time.Millisecond) // 100 s in all: two windows
		l.Log(log, slog.LevelWarn, fmt.Sprint("k", i%5000), "refused")
	}
	lines := strings.Count(buf.String(), "\n")
	if lines > 3*(20+1) {
		t.Fatalf("%d lines written for 100000 refusals", lines)
	}
	if n := len(l.keys); n > l.max {
		t.Fatalf("%d keys remembered, cap %d", n, l.max)
	}
	if !strings.Contains(buf.String(), "other_keys=true") || !strings.Contains(buf.String(), "suppressed=") {
		t.Fatalf("no summary line:\n%s", buf.String())
	}
}
