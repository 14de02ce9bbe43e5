package tray

import (
	"testing"

	"github.com/labelbridge/labelbridge/internal/deptest"
)

// TestDependencies guards the layering: the tray talks to the core only
// through Backend, so it must never pull in the core, the server or gousb.
func TestDependencies(t *testing.T) {
	t.Parallel()
	deptest.Check(t, deptest.Rule{
		From: []string{"./tray/..."},
		Forbidden: []string{"github.com/google/gousb", "./printing/...", "./wsserver/...",
			"./sites/...", "./config/...", "./browserprint/..."},
		Why: "the tray talks to the core only through tray.Backend",
	})
}
