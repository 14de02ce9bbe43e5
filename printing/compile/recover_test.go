package compile

import (
	"strings"
	"testing"
)

// TestRecoverAs: a panic while drawing becomes the call's error, naming
// what failed and the panic, instead of stopping the agent.
func TestRecoverAs(t *testing.T) {
	draw := func() (err error) {
		defer recoverAs(&err, "drawing a label")
		var m map[string]int
		m["x"] = 1 // a bug: assignment to a nil map panics
		return nil
	}
	err := draw()
	if err == nil || !strings.Contains(err.Error(), "drawing a label failed: internal error") || !strings.Contains(err.Error(), "nil map") {
		t.Fatalf("err = %v, want the panic as an error", err)
	}
	ok := func() (err error) {
		defer recoverAs(&err, "drawing a label")
		return nil
	}
	if err := ok(); err != nil {
		t.Fatalf("no panic: err = %v", err)
	}
}
