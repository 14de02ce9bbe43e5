package raster

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/goregular"
)

// TestReadFontFile: a font file's bytes are returned as they are on disk,
// the same bytes again while the file is unchanged, its new bytes once it
// is replaced, and it parses from them.
func TestReadFontFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "f.ttf")
	read := func(want []byte) {
		t.Helper()
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		got, err := readFontFile(path, st)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("read %d bytes, want the file's %d", len(got), len(want))
		}
	}
	if err := os.WriteFile(path, goregular.TTF, 0o644); err != nil {
		t.Fatal(err)
	}
	read(goregular.TTF)
	read(goregular.TTF)
	// Replaced by rename, as package managers do, with another size and time.
	tmp := path + ".new"
	if err := os.WriteFile(tmp, gomono.TTF, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(tmp, time.Now(), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
	read(gomono.TTF)
	faces, err := parseFontFile(path)
	if err != nil || len(faces) != 1 {
		t.Fatalf("parse: %v (%d faces)", err, len(faces))
	}
	if _, err := readFontFile(filepath.Join(t.TempDir(), "none.ttf"), mustStat(t, path)); err == nil {
		t.Error("a missing file read without error")
	}
}

func mustStat(t *testing.T, p string) os.FileInfo {
	t.Helper()
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// BenchmarkParseNanum parses the two Nanum files a Korean label loads
// (docs/benchmarks.md, issue 13).
func BenchmarkParseNanum(b *testing.B) {
	paths := []string{nanum, filepath.Join(filepath.Dir(nanum), "NanumGothicBold.ttf")}
	for i := 0; i < b.N; i++ {
		for _, p := range paths {
			if _, err := parseFontFile(p); err != nil {
				b.Fatal(err)
			}
		}
	}
}
