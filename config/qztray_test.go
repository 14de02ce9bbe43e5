package config

import (
	"strings"
	"testing"
)

func TestQZTray(t *testing.T) {
	tests := []struct {
		name, body string
		want       QZTray
		err        string
	}{
		{"off by default, QZ Tray's ports", `{}`, QZTray{Port: 8182, SecurePort: 8181}, ""},
		{"enabled", `{"qzTray": {"enabled": true}}`, QZTray{Enabled: true, Port: 8182, SecurePort: 8181}, ""},
		{"ports for tests", `{"qzTray": {"enabled": true, "port": 18182, "securePort": 18181}}`, QZTray{Enabled: true, Port: 18182, SecurePort: 18181}, ""},
		{"wss off", `{"qzTray": {"enabled": true, "securePort": -1}}`, QZTray{Enabled: true, Port: 8182, SecurePort: -1}, ""},
		{"unknown key", `{"qzTray": {"enable": true}}`, QZTray{}, `unknown key "enable"`},
		{"not a bool", `{"qzTray": {"enabled": "yes"}}`, QZTray{}, "qzTray.enabled"},
		{"bad port", `{"qzTray": {"port": 70000}}`, QZTray{}, "qzTray.port: must be 1 to 65535"},
		{"the agent's port", `{"port": 8182, "qzTray": {"enabled": true}}`, QZTray{}, "qzTray.port: must be 1 to 65535 and not the agent's port 8182"},
		{"same ports", `{"qzTray": {"port": 9000, "securePort": 9000}}`, QZTray{}, "qzTray.securePort"},
		{"negative secure port", `{"qzTray": {"securePort": -2}}`, QZTray{}, "qzTray.securePort"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := testPaths(t)
			write(t, p.ConfigFile, tt.body)
			c, err := Load(p)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.QZTray != tt.want {
				t.Errorf("qzTray = %+v, want %+v", c.QZTray, tt.want)
			}
		})
	}
}
