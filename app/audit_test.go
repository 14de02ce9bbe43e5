package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/labelbridge/labelbridge/config"
	"github.com/labelbridge/labelbridge/internal/audit"
	"github.com/labelbridge/labelbridge/internal/logging"
)

// A flood of refused handshakes keeps the main log small and cannot touch
// the audit log: the approval recorded before it is still there after.
// The agent also starts on a torn config.json, saying so in its log.
func TestRefusalFloodKeepsAuditTrail(t *testing.T) {
	home := t.TempDir()
	t.Setenv("LABELBRIDGE_HOME", home)
	t.Setenv("LABELBRIDGE_POLICY", filepath.Join(home, "no-policy.json"))
	t.Setenv("LABELBRIDGE_PORT", "")
	t.Setenv("LABELBRIDGE_ALLOWED_ORIGINS", "")
	if err := os.MkdirAll(filepath.Join(home, "config"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, "config", "config.json"), []byte(`{"logLevel": "inf`), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := loadConfig(0)
	if err != nil {
		t.Fatalf("a torn config stopped the agent: %v", err)
	}
	log, closer, err := logging.New("info", cfg.Paths.LogDir, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	a, err := startAgent(cfg, log, agentOptions{AnyPort: true})
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	defer func() {
		if !stopped {
			_ = stopAgent(a)
		}
	}()

	if err := a.sites.Approve("https://wms.example.com"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.spooler.SetDefault("virtual"); err != nil {
		t.Fatal(err)
	}
	if err := a.writer.Update(func(c *config.Config) error {
		c.NetworkPrinters = append(c.NetworkPrinters, config.NetworkPrinter{Address: "127.0.0.1:9", Language: "zpl"})
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	url := fmt.Sprintf("http://127.0.0.1:%d/ws", a.port)
	for i := range 10000 {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		origin := "https://evil.example"
		if i%2 == 1 {
			origin = fmt.Sprintf("https://e%d.example", i)
		}
		req.Header.Set("Origin", origin)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("request %d from %s: status %d", i, origin, resp.StatusCode)
		}
	}
	if err := stopAgent(a); err != nil {
		t.Fatal(err)
	}
	stopped = true
	closer.Close()

	logPath := filepath.Join(cfg.Paths.LogDir, "labelbridge.log")
	st, err := os.Stat(logPath)
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() > 64<<10 {
		t.Errorf("main log grew to %d bytes for 10000 refused handshakes", st.Size())
	}
	if _, err := os.Stat(logPath + ".1"); err == nil {
		t.Errorf("the main log was rotated")
	}
	mainLog, _ := os.ReadFile(logPath)
	if !strings.Contains(string(mainLog), "config.json") || !strings.Contains(string(mainLog), "damaged") {
		t.Errorf("the main log does not name the torn config file:\n%.3000s", mainLog)
	}
	trail, err := os.ReadFile(filepath.Join(cfg.Paths.LogDir, audit.FileName))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`"event":"site.approved","origin":"https://wms.example.com"`,
		`"event":"printer.default_changed","printer":"virtual"`,
		`"event":"printer.added","printer":"net:127.0.0.1:9"`,
	} {
		if !strings.Contains(string(trail), want) {
			t.Errorf("audit log lacks %s:\n%s", want, trail)
		}
	}
	if n := strings.Count(string(trail), "\n"); n != 3 {
		t.Errorf("audit log has %d lines, want 3:\n%s", n, trail)
	}
}
