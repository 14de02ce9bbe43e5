package virtual

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/labelbridge/labelbridge/printing"
)

func TestSendWritesBytesPreviewAndLog(t *testing.T) {
	dir := t.TempDir()
	p, err := New(dir, 0, func(_ context.Context, j printing.Job) ([]byte, error) {
		if j.ID == "RAW" {
			return nil, nil
		}
		return []byte("png of " + j.ID), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"LBL", "RAW"} {
		if err := p.Send(context.Background(), printing.Job{ID: id, Language: "zpl", Attempts: 1}, []byte("^XA"+id+"^XZ")); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(filepath.Join(dir, "LBL.zpl"))
	if err != nil || string(got) != "^XALBL^XZ" {
		t.Fatalf("job file = %q, %v", got, err)
	}
	if png, err := os.ReadFile(filepath.Join(dir, "LBL.png")); err != nil || string(png) != "png of LBL" {
		t.Fatalf("preview = %q, %v", png, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "RAW.png")); !os.IsNotExist(err) {
		t.Fatalf("a raw job got a preview: %v", err)
	}
	log, _ := os.ReadFile(filepath.Join(dir, LogName))
	lines := strings.Split(strings.TrimSpace(string(log)), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], " LBL 1 9") {
		t.Fatalf("print log = %q", log)
	}
}

func TestKeepPrunesOldestJobs(t *testing.T) {
	dir := t.TempDir()
	p, err := New(dir, 50, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 200 {
		if err := p.Send(context.Background(), printing.Job{ID: fmt.Sprintf("J%04d", i), Language: "zpl"}, []byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "J*.zpl"))
	if len(files) != 50 || filepath.Base(files[0]) != "J0150.zpl" {
		t.Fatalf("kept %d files starting at %s, want the newest 50", len(files), filepath.Base(files[0]))
	}
	if _, err := os.Stat(filepath.Join(dir, LogName)); err != nil {
		t.Fatalf("pruning removed the print log: %v", err)
	}
}

func TestCanceledContext(t *testing.T) {
	p, _ := New(t.TempDir(), 0, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := p.Send(ctx, printing.Job{ID: "X"}, []byte("x")); err == nil {
		t.Fatal("send with a canceled context succeeded")
	}
}
