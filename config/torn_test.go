package config

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

// A config torn by a crash or power loss (empty, cut off, zero-filled)
// never stops the agent: it runs on the last good copy, with a warning that
// names the file. Valid JSON with a bad key still stops it.
func TestTornConfigFallsBackToLastGoodCopy(t *testing.T) {
	good := `{"port": 20000, "allowedOrigins": ["https://wms.example.com"]}`
	cases := []struct {
		name, torn string
	}{
		{"empty", ""},
		{"cut off", `{"port": 20000, "allowedOri`},
		{"zero-filled", "\x00\x00\x00\x00\x00\x00\x00\x00"},
		{"trailing garbage", good + "\x00\x00"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := testPaths(t)
			write(t, p.ConfigFile, good)
			if _, err := Load(p); err != nil { // a good load keeps a copy
				t.Fatal(err)
			}
			write(t, p.ConfigFile, c.torn)
			got, err := Load(p)
			if err != nil {
				t.Fatalf("a torn config stopped the agent: %v", err)
			}
			if got.Port != 20000 || len(got.UserOrigins) != 1 {
				t.Fatalf("port %d origins %v: the last good copy was not used", got.Port, got.UserOrigins)
			}
			if len(got.Warnings) != 1 || !strings.Contains(got.Warnings[0], p.ConfigFile) || !strings.Contains(got.Warnings[0], ".bak") {
				t.Fatalf("warnings %q: want one naming %s and its copy", got.Warnings, p.ConfigFile)
			}
		})
	}
}

func TestTornConfigWithoutCopyRunsOnDefaults(t *testing.T) {
	p := testPaths(t)
	write(t, p.ConfigFile, `{"port": 200`)
	got, err := Load(p)
	if err != nil {
		t.Fatalf("a torn config stopped the agent: %v", err)
	}
	if got.Port != DefaultPort || len(got.Warnings) != 1 || !strings.Contains(got.Warnings[0], "defaults") {
		t.Fatalf("port %d warnings %q", got.Port, got.Warnings)
	}
	// An empty file with no copy is simply an empty config (no warning).
	write(t, p.ConfigFile, " \n")
	if got, err := Load(p); err != nil || len(got.Warnings) != 0 {
		t.Fatalf("empty config: %v, warnings %q", err, got.Warnings)
	}
}

func TestWriterRepairsTornConfig(t *testing.T) {
	p := testPaths(t)
	write(t, p.ConfigFile, `{"port": 20000}`)
	w := NewWriter(p.ConfigFile)
	if err := w.Update(func(c *Config) error { c.DefaultPrinter = "virtual"; return nil }); err != nil {
		t.Fatal(err)
	}
	write(t, p.ConfigFile, `{"port": 20000, "defaultPri`)
	if err := w.Update(func(c *Config) error { c.LogLevel = "debug"; return nil }); err != nil {
		t.Fatalf("update over a torn config: %v", err)
	}
	got, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if got.Port != 20000 || got.LogLevel != "debug" || len(got.Warnings) != 0 {
		t.Fatalf("after repair: port %d logLevel %q warnings %q", got.Port, got.LogLevel, got.Warnings)
	}
	if b, err := os.ReadFile(p.ConfigFile + ".damaged"); err != nil || !strings.Contains(string(b), "defaultPri") {
		t.Fatalf("the torn file was not kept aside: %q %v", b, err)
	}
}

func TestWriterKeepsPreviousCopy(t *testing.T) {
	p := testPaths(t)
	w := NewWriter(p.ConfigFile)
	for _, lv := range []string{"debug", "warn"} {
		if err := w.Update(func(c *Config) error { c.LogLevel = lv; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(p.ConfigFile + ".bak")
	if err != nil || !strings.Contains(string(b), "debug") {
		t.Fatalf("config.json.bak = %q, %v: want the copy from before the last rewrite", b, err)
	}
	if es, _ := os.ReadDir(p.ConfigDir); len(es) != 2 {
		var names []string
		for _, e := range es {
			names = append(names, e.Name())
		}
		t.Fatalf("config folder holds %v: want config.json and config.json.bak only", names)
	}
}

// A token file torn by a crash (empty) is replaced, not fatal.
func TestDamagedTokenIsReplaced(t *testing.T) {
	p := testPaths(t)
	write(t, p.TokenFile, "")
	tok, err := EnsureToken(p.TokenFile)
	if err != nil || len(tok) != 64 {
		t.Fatalf("token %q, %v", tok, err)
	}
	if again, err := ReadToken(p.TokenFile); err != nil || again != tok {
		t.Fatalf("token file holds %q (%v), want %q", again, err, tok)
	}
}

func TestWriterOnSaveSeesBeforeAndAfter(t *testing.T) {
	p := testPaths(t)
	write(t, p.ConfigFile, `{"networkPrinters": [{"address": "10.0.0.5:9100", "language": "zpl"}]}`)
	w := NewWriter(p.ConfigFile)
	var got []string
	w.OnSave(func(before, after Config) {
		got = append(got, fmt.Sprintf("%d→%d %q→%q", len(before.NetworkPrinters), len(after.NetworkPrinters), before.DefaultPrinter, after.DefaultPrinter))
	})
	if err := w.Update(func(c *Config) error {
		c.NetworkPrinters = append(c.NetworkPrinters, NetworkPrinter{Address: "10.0.0.6:9100", Language: "zpl"})
		c.DefaultPrinter = "net:10.0.0.6:9100"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := w.Update(func(c *Config) error { return fmt.Errorf("refused") }); err == nil {
		t.Fatal("a failed change succeeded")
	}
	if want := []string{`1→2 ""→"net:10.0.0.6:9100"`}; !slices.Equal(got, want) {
		t.Fatalf("OnSave saw %q, want %q", got, want)
	}
}
