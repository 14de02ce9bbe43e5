package adminpolicy

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestChromeURLPattern(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"https://wms.example.com":    "https://wms.example.com",
		"https://*.example.com":      "https://[*.]example.com",
		"http://localhost:*":         "http://localhost:*",
		"https://*.example.com:8443": "https://[*.]example.com:8443",
		"not-an-origin-but-no-panic": "not-an-origin-but-no-panic",
	} {
		if got := ChromeURLPattern(in); got != want {
			t.Errorf("ChromeURLPattern(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseYes(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]bool{"": false, "0": false, " No ": false, "false": false, "off": false,
		"1": true, "YES": true, "true": true, "on": true} {
		if got, err := ParseYes(in); err != nil || got != want {
			t.Errorf("ParseYes(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"2", "maybe", "y"} {
		if _, err := ParseYes(bad); err == nil || !strings.Contains(err.Error(), "want yes or no") || !strings.Contains(err.Error(), bad) {
			t.Errorf("ParseYes(%q): err = %v, want one naming it", bad, err)
		}
	}
}

func TestParseOrigins(t *testing.T) {
	t.Parallel()
	got, err := ParseOrigins(" https://wms.example.com;https://*.example.com:8443,https://wms.example.com\thttp://localhost:* ")
	want := []string{"https://wms.example.com", "https://*.example.com:8443", "http://localhost:*"}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("ParseOrigins = %q, %v; want %q", got, err, want)
	}
	for in, msg := range map[string]string{"": "no origins given", " ,; ": "no origins given", "https://ok.example,wms.example.com": "wms.example.com"} {
		if _, err := ParseOrigins(in); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("ParseOrigins(%q): err = %v, want %q", in, err, msg)
		}
	}
}

// Write makes a file every user can read, in a folder it creates; Remove
// takes it and the then empty folder away, and is fine with nothing there.
func TestWriteRemove(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "etc", "labelbridge")
	path := filepath.Join(dir, "policy.json")
	if err := Write(path, Policy{AllowedOrigins: []string{"https://wms.example.com"}, LockAllowedOrigins: true}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil || string(data) != "{\n  \"allowedOrigins\": [\n    \"https://wms.example.com\"\n  ],\n  \"lockAllowedOrigins\": true\n}\n" {
		t.Errorf("policy file %q, %v", data, err)
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o644 {
		t.Errorf("policy file mode %v, %v; want 0644", st.Mode().Perm(), err)
	}
	removed, err := Remove(path)
	if err != nil || !removed {
		t.Fatalf("Remove = %v, %v", removed, err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the empty policy folder is still there: %v", err)
	}
	if removed, err := Remove(path); err != nil || removed {
		t.Errorf("second Remove = %v, %v; want false, nil", removed, err)
	}
}
