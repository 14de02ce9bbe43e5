package audit

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRecordWritesJSONLines(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(filepath.Join(dir, "logs"))
	if err != nil {
		t.Fatal(err)
	}
	l.now = func() time.Time { return time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC) }
	if err := l.Record(SiteApproved, "origin", "https://wms.example.com"); err != nil {
		t.Fatal(err)
	}
	if err := l.Record(PrinterAdded, "printer", "net:10.0.0.5:9100", "address", "10.0.0.5:9100", "odd"); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "logs", FileName))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines:\n%s", len(lines), data)
	}
	var first, second map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(lines[1]), &second); err != nil {
		t.Fatal(err)
	}
	if first["time"] != "2026-03-01T09:30:00Z" || first["event"] != "site.approved" || first["origin"] != "https://wms.example.com" {
		t.Fatalf("first = %v", first)
	}
	if second["event"] != "printer.added" || second["address"] != "10.0.0.5:9100" || second["odd"] != "(missing)" {
		t.Fatalf("second = %v", second)
	}
	if !strings.HasPrefix(lines[0], `{"time":`) {
		t.Fatalf("time is not the first field: %s", lines[0])
	}
}

func TestNilLogRecordsNothing(t *testing.T) {
	var l *Log
	if err := l.Record(SiteDenied, "origin", "x"); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestOpenWithoutFolder: no log folder means no audit file (never one in the
// working directory), and recording is a no-op.
func TestOpenWithoutFolder(t *testing.T) {
	t.Chdir(t.TempDir())
	l, err := Open("")
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Record(SiteApproved, "origin", "https://a.example"); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(FileName); !os.IsNotExist(err) {
		t.Fatalf("Open(\"\") wrote %s in the working directory (stat: %v)", FileName, err)
	}
}
