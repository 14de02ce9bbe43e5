package raster

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/image/font/gofont/goregular"
)

// TestFontIndexChild runs in a child process (LB_FONTINDEX_CHILD set): it
// reads the font index from the cache folder the parent names and prints
// the indexed files under the parent's font folder.
func TestFontIndexChild(t *testing.T) {
	dir := os.Getenv("LB_FONTINDEX_CHILD")
	if dir == "" {
		t.Skip("run by TestFontIndexPersisted")
	}
	SetFontCacheDir(filepath.Join(dir, "cache"))
	var found []string
	for _, fp := range systemIndex().fps {
		if strings.HasPrefix(fp.Location.File, dir) {
			found = append(found, filepath.Base(fp.Location.File))
		}
	}
	os.WriteFile(filepath.Join(dir, "found"), []byte(strings.Join(found, ",")), 0o600)
}

// TestFontIndexPersisted: the font index is saved in the cache folder, and
// a later process sees a font installed or removed since (fontscan checks
// the font folders' files against the saved index).
func TestFontIndexPersisted(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the user font folder set through XDG_DATA_HOME is Linux's")
	}
	t.Parallel()
	dir := t.TempDir()
	fonts := filepath.Join(dir, "data", "fonts")
	if err := os.MkdirAll(fonts, 0o700); err != nil {
		t.Fatal(err)
	}
	run := func() string {
		t.Helper()
		cmd := exec.Command(os.Args[0], "-test.run=^TestFontIndexChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "LB_FONTINDEX_CHILD="+dir, "XDG_DATA_HOME="+filepath.Join(dir, "data"))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("child: %v\n%s", err, out)
		}
		b, err := os.ReadFile(filepath.Join(dir, "found"))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	if got := run(); got != "" {
		t.Fatalf("fonts in an empty folder: %q", got)
	}
	idx, err := filepath.Glob(filepath.Join(dir, "cache", "font_index_*"))
	if err != nil || len(idx) != 1 {
		t.Fatalf("index files in the cache folder: %v %v", idx, err)
	}
	if err := os.WriteFile(filepath.Join(fonts, "LbTest-Regular.ttf"), goregular.TTF, 0o600); err != nil {
		t.Fatal(err)
	}
	if got := run(); got != "LbTest-Regular.ttf" {
		t.Fatalf("after installing a font the index lists %q", got)
	}
	if err := os.Remove(filepath.Join(fonts, "LbTest-Regular.ttf")); err != nil {
		t.Fatal(err)
	}
	if got := run(); got != "" {
		t.Fatalf("after removing it the index lists %q", got)
	}
}
