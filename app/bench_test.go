package main

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/labelbridge/labelbridge/internal/bench"
)

// The bench verb drives a real agent: every job is acknowledged, written by
// the virtual printer and counted in the store's group commits.
func TestBenchAgainstRealAgent(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	var out bytes.Buffer
	if err := bench.Main([]string{"--clients", "2", "--jobs", "5", "--json"}, &out, startBenchAgent); err != nil {
		t.Fatal(err)
	}
	var res map[string]bench.Result
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatalf("bench --json printed %q: %v", out.String(), err)
	}
	a, f := res["agent"], res["floor"]
	if a.Jobs != 10 || a.JobsPerSec <= 0 || a.DoneP50ms <= 0 || a.Commits < 1 || a.JobsPerCommit <= 0 || a.RatioToFloor <= 0 {
		t.Errorf("agent result %+v", a)
	}
	if f.Jobs != 10 || f.JobsPerSec <= 0 {
		t.Errorf("floor result %+v", f)
	}
}
