package logging

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoggerWritesStderrAndFile(t *testing.T) {
	dir := t.TempDir()
	var stderr bytes.Buffer
	log, closer, err := New("info", dir, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	log.Info("hello", "n", 1)
	log.Debug("hidden at info")
	closer.Close()
	file, err := os.ReadFile(filepath.Join(dir, "labelbridge.log"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr.String(), "hello n=1") || !strings.Contains(string(file), `"msg":"hello"`) {
		t.Fatalf("stderr %q, file %q", stderr.String(), file)
	}
	if strings.Contains(stderr.String()+string(file), "hidden") {
		t.Fatal("a debug line passed the info level")
	}
}

func TestBadLogLevel(t *testing.T) {
	if _, _, err := New("loud", "", &bytes.Buffer{}); err == nil {
		t.Fatal("accepted log level loud")
	}
}
