package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kardianos/service"

	"github.com/labelbridge/labelbridge/config"
	"github.com/labelbridge/labelbridge/internal/svc"
)

// On this machine the service commands either work (systemd or launchd)
// or fail with an error that says what to do; they never panic.
func TestServiceStatusHere(t *testing.T) {
	sys := service.ChosenSystem()
	var out bytes.Buffer
	err := serviceStatus(nil, &out)
	if svc.CheckManager(sys) != nil {
		if err == nil || !strings.Contains(err.Error(), "per-user services") && !strings.Contains(err.Error(), "no supported service manager") {
			t.Fatalf("status on %v: err = %v, want the clear no-user-services error", sys, err)
		}
		return
	}
	var ee *exitError
	switch {
	case err == nil:
		if !strings.Contains(out.String(), "running") {
			t.Errorf("status ok but output %q", out.String())
		}
	case errors.As(err, &ee) && (ee.code == statusExitStopped || ee.code == statusExitNotInstalled):
	default:
		t.Logf("status on %v: %v (no user session here)", sys, err)
	}
}

func TestServiceBadInput(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{nil, 2, "missing action"},
		{[]string{"frobnicate"}, 2, "unknown action"},
		{[]string{"install", "--port", "70000"}, 1, "--port must be"},
		{[]string{"install", "extra"}, 1, "unexpected argument"},
		{[]string{"start", "extra"}, 1, "unexpected argument"},
		{[]string{"status", "extra"}, 1, "unexpected argument"},
		{[]string{"run", "--port", "-1"}, 1, "--port must be"},
	}
	for _, tt := range tests {
		err := runService(tt.args)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("service %q: err = %v, want %q", tt.args, err, tt.want)
			continue
		}
		if got := exitCode(err); got != tt.code {
			t.Errorf("service %q: exit code %d, want %d", tt.args, got, tt.code)
		}
	}
}

func TestPolicyWriteLoadRemove(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "etc", "policy.json")
	t.Setenv("LABELBRIDGE_HOME", filepath.Join(dir, "home"))
	t.Setenv("LABELBRIDGE_POLICY", path)
	t.Setenv("LABELBRIDGE_ALLOWED_ORIGINS", "")
	var out bytes.Buffer
	err := runPolicy([]string{"--allowed-origins", " https://wms.example.com;https://*.example.com:8443,https://wms.example.com ", "--lock", "1"}, &out)
	if err != nil {
		t.Fatalf("service policy: %v", err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o644 {
		t.Errorf("policy mode %v, want 0644 (every user's agent reads it)", st.Mode().Perm())
	}
	// The agent's own loader accepts the file and locks the list.
	paths, err := config.DefaultPaths()
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(paths)
	if err != nil {
		t.Fatalf("config.Load with the written policy: %v", err)
	}
	want := []string{"https://wms.example.com", "https://*.example.com:8443"}
	if !slices.Equal(cfg.PolicyOrigins, want) || !cfg.LockAllowedOrigins {
		t.Errorf("loaded policy origins %q lock %v, want %q locked", cfg.PolicyOrigins, cfg.LockAllowedOrigins, want)
	}
	// Without --file the default admin path (LABELBRIDGE_POLICY here) is removed.
	out.Reset()
	if err := runPolicy([]string{"--remove"}, &out); err != nil {
		t.Fatalf("service policy --remove: %v", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("policy still there after --remove: %v", err)
	}
	out.Reset()
	if err := runPolicy([]string{"--remove"}, &out); err != nil || !strings.Contains(out.String(), "no admin policy") {
		t.Errorf("second --remove: err %v, output %q", err, out.String())
	}
}

func TestPolicyBadInput(t *testing.T) {
	file := filepath.Join(t.TempDir(), "policy.json")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--file", file}, "no origins given"},
		{[]string{"--file", file, "--allowed-origins", " , "}, "no origins given"},
		{[]string{"--file", file, "--allowed-origins", "wms.example.com"}, "needs a scheme"},
		{[]string{"--file", file, "--allowed-origins", "https://a.example", "--lock", "maybe"}, "--lock: want yes or no"},
		{[]string{"--file", file, "--allowed-origins", "https://a.example", "--browser", "2"}, "--browser: want yes or no"},
		{[]string{"--file", file, "--remove", "--lock", "1"}, "--remove takes only --file"},
		{[]string{"--file", file, "stray"}, "unexpected argument"},
	}
	for _, tt := range tests {
		err := runPolicy(tt.args, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("policy %q: err = %v, want %q", tt.args, err, tt.want)
		}
	}
	if _, err := os.Stat(file); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused policy was written anyway")
	}
}
