package tray

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencies guards the layering: the tray talks to the core only
// through Backend, so it must never pull in the core, the server or gousb.
func TestDependencies(t *testing.T) {
	t.Parallel()
	bad := []string{
		"github.com/google/gousb",
		"github.com/labelbridge/labelbridge/printing",
		"github.com/labelbridge/labelbridge/wsserver",
		"github.com/labelbridge/labelbridge/sites",
		"github.com/labelbridge/labelbridge/config",
	}
	for _, goos := range []string{"linux", "windows", "darwin"} {
		cmd := exec.Command("go", "list", "-deps", ".")
		cmd.Env = append(cmd.Environ(), "GOOS="+goos)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps (GOOS=%s): %v\n%s", goos, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, b := range bad {
				if dep == b || strings.HasPrefix(dep, b+"/") {
					t.Errorf("GOOS=%s: tray depends on %s", goos, dep)
				}
			}
		}
	}
}
