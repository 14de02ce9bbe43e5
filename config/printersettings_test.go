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
		{`{"printerSettings":{"usb:0a5f:0166:D4J123":{"labelWidth":4,"labelHeight":6,"unit":"in","unitt":1}}}`, `unknown key "unitt"`},
		{`{"printerSettings":{"usb:0a5f:0166:D4J123":{"labelWidth":4,"unit":"in"}}}`, `printerSettings["usb:0a5f:0166:D4J123"].labelHeight: required with labelWidth`},
		{`{"printerSettings":{"usb:0a5f:0166:D4J123":{"labelWidth":4,"labelHeight":6,"unit":"inch"}}}`, `printerSettings["usb:0a5f:0166:D4J123"].unit: "inch" is not one of mm, in, dot`},
		{`{"printerSettings":{"usb:0a5f:0166:D4J123":{"labelWidth":4,"labelHeight":0,"unit":"in"}}}`, `printerSettings["usb:0a5f:0166:D4J123"].labelHeight: 0 in is out of range`},
		{`{"printerSettings":{"usb:0a5f:0166:D4J123":{"labelWidth":3000,"labelHeight":100}}}`, `printerSettings["usb:0a5f:0166:D4J123"].labelWidth: 3000 mm is out of range (more than 0, at most 2000 mm)`},
		{`{"printerSettings":{"virtual":{"unit":"dot"}}}`, `printerSettings["virtual"].unit: is the unit of labelWidth and labelHeight`},
		{`{"printerSettings":{"virtual":{"labelWidth":"4in","labelHeight":6}}}`, `labelWidth`},
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

// A label size in any unit loads as given (documents printed without a size
// get it).
func TestPrinterSettingsLabelSize(t *testing.T) {
	dir := t.TempDir()
	p := Paths{ConfigFile: filepath.Join(dir, "config.json")}
	body := `{"printerSettings":{"virtual":{"labelWidth":4,"labelHeight":6,"unit":"in"},"net:a:9100":{"labelWidth":100,"labelHeight":150}}}`
	if err := os.WriteFile(p.ConfigFile, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string][3]any{"virtual": {4.0, 6.0, "in"}, "net:a:9100": {100.0, 150.0, "mm"}} {
		w, h, unit, ok := c.PrinterSettings[id].LabelSize()
		if !ok || w != want[0] || h != want[1] || unit != want[2] {
			t.Errorf("%s: %v×%v %s (%v), want %v", id, w, h, unit, ok, want)
		}
	}
}
