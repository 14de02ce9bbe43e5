package cappedfile

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRotatesAtTheCap(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "x.log")
	f, err := Open(path, 4096)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 200 {
		if _, err := fmt.Fprintf(f, "a line that fills the log %d\n", i); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	cur, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	old, err := os.ReadFile(path + ".1")
	if err != nil {
		t.Fatalf("no rotated file: %v", err)
	}
	if len(cur) > 4096 || len(old) > 4096 {
		t.Fatalf("files of %d and %d bytes, cap 4096", len(cur), len(old))
	}
	if !strings.HasSuffix(string(cur), "log 199\n") {
		t.Fatalf("the newest line is not in the current file")
	}
	if _, err := f.Write([]byte("x")); err == nil {
		t.Fatal("write after Close succeeded")
	}
}

func TestReopenAppends(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.log")
	for _, s := range []string{"one\n", "two\n"} {
		f, err := Open(path, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte(s))
		f.Close()
	}
	if b, _ := os.ReadFile(path); string(b) != "one\ntwo\n" {
		t.Fatalf("file = %q", b)
	}
}
