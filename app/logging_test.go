package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLogFileIsCapped(t *testing.T) {
	dir := t.TempDir()
	var stderr bytes.Buffer
	log, closer, err := newLogger("info", dir, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	f := closer.(*cappedFile)
	f.max = 4096
	for i := range 200 {
		log.Info("a line that fills the log", "i", i)
	}
	closer.Close()
	cur, err := os.Stat(filepath.Join(dir, "labelbridge.log"))
	if err != nil {
		t.Fatal(err)
	}
	old, err := os.Stat(filepath.Join(dir, "labelbridge.log.1"))
	if err != nil {
		t.Fatalf("no rotated file: %v", err)
	}
	if cur.Size() > 4096 || old.Size() > 4096 {
		t.Fatalf("log files %d and %d bytes, cap 4096", cur.Size(), old.Size())
	}
	if !strings.Contains(stderr.String(), "i=199") {
		t.Fatalf("stderr misses the last line")
	}
}

func TestBadLogLevel(t *testing.T) {
	if _, _, err := newLogger("loud", "", &bytes.Buffer{}); err == nil {
		t.Fatal("accepted log level loud")
	}
}
