package autostart

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestStartAtLoginLinux(t *testing.T) {
	exe, err := executable()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		system     string // a system-wide entry, if any
		user       string // the user's entry before, if any
		wantBefore bool
	}{
		{name: "nothing installed"},
		{name: "the package's system-wide entry", system: "[Desktop Entry]\nExec=labelbridge\n", wantBefore: true},
		{name: "a system entry the user hid", system: "[Desktop Entry]\nExec=labelbridge\n", user: "[Desktop Entry]\nHidden=true\n"},
		{name: "a user entry turned off the GNOME way", user: "[Desktop Entry]\nX-GNOME-Autostart-enabled=false\n"},
		{name: "a user entry", user: "[Desktop Entry]\nExec=/opt/labelbridge\n", wantBefore: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
			t.Setenv("XDG_CONFIG_DIRS", filepath.Join(dir, "etc"))
			write := func(path, data string) {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			userFile := filepath.Join(dir, "config", "autostart", "labelbridge.desktop")
			if tt.system != "" {
				write(filepath.Join(dir, "etc", "autostart", "labelbridge.desktop"), tt.system)
			}
			if tt.user != "" {
				write(userFile, tt.user)
			}
			expectEnabled := func(want bool) {
				t.Helper()
				got, err := Enabled()
				if err != nil || got != want {
					t.Fatalf("enabled = %v, %v; want %v", got, err, want)
				}
			}
			expectEnabled(tt.wantBefore)
			if err := Set(true); err != nil {
				t.Fatal(err)
			}
			expectEnabled(true)
			data, _ := os.ReadFile(userFile)
			if !strings.Contains(string(data), `Exec="`+exe+`"`) {
				t.Fatalf("user entry:\n%s", data)
			}
			if err := Set(false); err != nil {
				t.Fatal(err)
			}
			expectEnabled(false)
			if tt.system == "" {
				if _, err := os.Stat(userFile); !os.IsNotExist(err) {
					t.Fatalf("user entry left behind: %v", err)
				}
			}
		})
	}
}

func TestDesktopExecQuote(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"/usr/bin/labelbridge":     `"/usr/bin/labelbridge"`,
		"/opt/My Apps/labelbridge": `"/opt/My Apps/labelbridge"`,
		`/opt/a"b/$x/100%/c\d`:     `"/opt/a\\"b/\\$x/100%%/c\\\\d"`,
	} {
		if got := desktopExecQuote(in); got != want {
			t.Errorf("desktopExecQuote(%q) = %s, want %s", in, got, want)
		}
	}
}
