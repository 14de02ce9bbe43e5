package wsserver

import (
	"maps"
	"slices"
	"testing"

	"github.com/labelbridge/labelbridge/wire"
)

// The method table serves exactly the methods package wire lists (which
// hello reports and the SDK's types name).
func TestMethodTableIsTheWireList(t *testing.T) {
	t.Parallel()
	got := slices.Sorted(maps.Keys(methods))
	if want := wire.Methods(); !slices.Equal(got, want) {
		t.Fatalf("method table %q, wire.Methods() %q", got, want)
	}
}
