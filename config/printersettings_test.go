package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// printerSettings is decoded strictly: a bad value or an unknown key names
// its printer and field.
func TestPrinterSettingsKey(t *testing.T) {
	tests := []struct{ json, want string }{
		{`{"printerSettings":{"virtual":{"darkness":20,"media":"gap","gap":3,"offset":{"x":1,"y":-1}}}}`, ""},
		{`{"printerSettings":{"virtual":{"darkness":40}}}`, `printerSettings["virtual"].darkness: 40 is out of range (0–30)`},
		{`{"printerSettings":{"net:a:9100":{"media":"mark","gap":2}}}`, `printerSettings["net:a:9100"].gap: applies to media "gap" only`},
		{`{"printerSettings":{"virtual":{"dark":1}}}`, `unknown key "dark"`},
		{`{"printerSettings":{"virtual":{"offset":{"x":1,"z":1}}}}`, `unknown key "z"`},
		{`{"printerSettings":{"virtual":{"speed":"fast"}}}`, `speed`},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		p := Paths{ConfigFile: filepath.Join(dir, "config.json")}
		if err := os.WriteFile(p.ConfigFile, []byte(tt.json), 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := Load(p)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v", tt.json, err)
		case tt.want == "" && *c.PrinterSettings["virtual"].Darkness != 20:
			t.Errorf("%s: got %+v", tt.json, c.PrinterSettings)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: got %v, want %q", tt.json, err, tt.want)
		}
	}
}
