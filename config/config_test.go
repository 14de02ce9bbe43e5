package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func testPaths(t *testing.T) Paths {
	t.Helper()
	t.Setenv("LABELBRIDGE_HOME", t.TempDir())
	t.Setenv("LABELBRIDGE_POLICY", filepath.Join(t.TempDir(), "policy.json"))
	t.Setenv("LABELBRIDGE_PORT", "")
	t.Setenv("LABELBRIDGE_ALLOWED_ORIGINS", "")
	p, err := DefaultPaths()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func write(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestDefaults(t *testing.T) {
	p := testPaths(t)
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if c.Port != DefaultPort || c.Limits.MaxMessageBytes != 16<<20 || c.Limits.HistoryDays != 7 || c.Limits.HistoryJobs != 10000 ||
		c.Limits.HoldTimeout.Duration != 15*time.Minute || c.Virtual.Language != "zpl" {
		t.Fatalf("defaults = %+v", c.Config)
	}
	if got := c.AllowList(); len(got) != len(DefaultAllowedOrigins) {
		t.Fatalf("allow list = %v", got)
	}
}

func TestBadConfigNamesTheKey(t *testing.T) {
	cases := []struct{ body, want string }{
		{`{"port": 0.5}`, "port"},
		{`{"port": 70000}`, "port: must be 1 to 65535"},
		{`{"colour": "red"}`, `unknown key "colour"`},
		{`{"limits": {"queueDepth": -1}}`, "limits.queueDepth"},
		{`{"limits": {"holdTimeout": "soon"}}`, "duration"},
		{`{"allowedOrigins": ["wms.example.com"]}`, "allowedOrigins[0]"},
		{`{"networkPrinters": [{"address": "10.0.0.5"}]}`, "networkPrinters[0].language"},
		{`{"networkPrinters": [{"address": "10.0.0.5:x", "language": "zpl"}]}`, "networkPrinters[0].address"},
		{`{"virtual": {"dpi": 50}}`, "virtual.dpi"},
		{`{"logLevel": "loud"}`, "logLevel"},
		{`{"port": 1, "port": "x"}`, "port"},
	}
	for _, c := range cases {
		t.Run(c.want, func(t *testing.T) {
			p := testPaths(t)
			write(t, p.ConfigFile, c.body)
			_, err := Load(p)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Load(%s) = %v, want an error naming %q", c.body, err, c.want)
			}
		})
	}
}

func TestPolicyWinsAndLocks(t *testing.T) {
	p := testPaths(t)
	write(t, p.ConfigFile, `{"port": 20000, "allowedOrigins": ["https://user.example"], "limits": {"queueDepth": 50}}`)
	write(t, p.PolicyFile, `{"port": 20001, "allowedOrigins": ["https://wms.corp"], "lockAllowedOrigins": true}`)
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if c.Port != 20001 || c.Limits.QueueDepth != 50 {
		t.Fatalf("port %d queueDepth %d: the policy must win only on its keys", c.Port, c.Limits.QueueDepth)
	}
	if got := c.AllowList(); len(got) != 1 || got[0] != "https://wms.corp" {
		t.Fatalf("locked allow list = %v", got)
	}
	if !c.PolicyKeys["port"] || c.PolicyKeys["limits"] {
		t.Fatalf("policy keys = %v", c.PolicyKeys)
	}
}

func TestPolicyMergesOrigins(t *testing.T) {
	p := testPaths(t)
	write(t, p.ConfigFile, `{"allowedOrigins": ["https://user.example"]}`)
	write(t, p.PolicyFile, `{"allowedOrigins": ["https://wms.corp"]}`)
	t.Setenv("LABELBRIDGE_ALLOWED_ORIGINS", "http://localhost:5173, https://env.example")
	t.Setenv("LABELBRIDGE_PORT", "20002")
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	want := "https://wms.corp https://user.example http://localhost:5173 https://env.example"
	if got := strings.Join(c.AllowList(), " "); got != want || c.Port != 20002 {
		t.Fatalf("allow list %q port %d, want %q 20002", got, c.Port, want)
	}
	if u, e := strings.Join(c.UserOrigins, " "), strings.Join(c.EnvOrigins, " "); u != "https://user.example" || e != "http://localhost:5173 https://env.example" {
		t.Fatalf("user origins %q, env origins %q: approving a site must save only the user's", u, e)
	}
}

func TestWriterKeepsOtherKeys(t *testing.T) {
	p := testPaths(t)
	write(t, p.ConfigFile, `{"port": 20000, "limits": {"queueDepth": 50}}`)
	w := NewWriter(p.ConfigFile)
	if err := w.Update(func(c *Config) error { c.DefaultPrinter = "virtual"; return nil }); err != nil {
		t.Fatal(err)
	}
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if c.DefaultPrinter != "virtual" || c.Port != 20000 || c.Limits.QueueDepth != 50 {
		t.Fatalf("after update: %+v", c.Config)
	}
	data, _ := os.ReadFile(p.ConfigFile)
	if strings.Contains(string(data), "maxMessageBytes") {
		t.Fatalf("defaults leaked into the user's file:\n%s", data)
	}
}

func TestToken(t *testing.T) {
	p := testPaths(t)
	a, err := EnsureToken(p.TokenFile)
	if err != nil {
		t.Fatal(err)
	}
	b, err := EnsureToken(p.TokenFile)
	if err != nil || a != b || len(a) != 64 {
		t.Fatalf("token %q then %q (%v)", a, b, err)
	}
	st, _ := os.Stat(p.TokenFile)
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("token file mode %v", st.Mode())
	}
}
