package dist

import (
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// plistDict reads a flat plist <dict> into key → value ("true"/"false"
// for booleans, the text for strings).
func plistDict(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := xml.NewDecoder(f)
	out := map[string]string{}
	var key, text string
	depth := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s is not well-formed XML: %v", path, err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			depth++
			text = ""
			if depth == 3 && (el.Name.Local == "true" || el.Name.Local == "false") {
				out[key] = el.Name.Local
			}
		case xml.CharData:
			text += string(el)
		case xml.EndElement:
			if depth == 3 {
				switch el.Name.Local {
				case "key":
					key = text
				case "string":
					out[key] = text
				}
			}
			depth--
		}
	}
	return out
}

// The macOS bundle cannot be built here (cgo + Cocoa); its assembly script
// and plists can be checked.
func TestMacBundleLayout(t *testing.T) {
	needDist(t)
	dir := t.TempDir()
	bin, icns := filepath.Join(dir, "labelbridge"), filepath.Join(dir, "labelbridge.icns")
	for _, f := range []string{bin, icns} {
		if err := os.WriteFile(f, []byte("stand-in"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := run(t, filepath.Join(repoRoot, "build", "darwin", "make-app.sh"), bin, icns, testVersion, filepath.Join(dir, "out"))
	app := strings.TrimSpace(out)
	if filepath.Base(app) != "Labelbridge.app" {
		t.Fatalf("make-app.sh printed %q", out)
	}
	st, err := os.Stat(filepath.Join(app, "Contents", "MacOS", "labelbridge"))
	if err != nil || st.Mode().Perm()&0o111 == 0 {
		t.Errorf("executable: %v %v", err, st)
	}
	if _, err := os.Stat(filepath.Join(app, "Contents", "Resources", "labelbridge.icns")); err != nil {
		t.Errorf("icon: %v", err)
	}
	info := plistDict(t, filepath.Join(app, "Contents", "Info.plist"))
	want := map[string]string{"CFBundleExecutable": "labelbridge", "CFBundleIdentifier": "com.labelbridge.agent",
		"CFBundleIconFile": "labelbridge", "CFBundleShortVersionString": "9.8.7", "CFBundleVersion": testVersion,
		"LSUIElement": "true", "CFBundlePackageType": "APPL"}
	for k, v := range want {
		if info[k] != v {
			t.Errorf("Info.plist %s = %q, want %q", k, info[k], v)
		}
	}
	agent := plistDict(t, filepath.Join(repoRoot, "build", "darwin", "com.labelbridge.agent.plist"))
	if agent["Label"] != "com.labelbridge.agent" || agent["RunAtLoad"] != "true" {
		t.Errorf("LaunchAgent plist: %v", agent)
	}
	if _, err := runErr(filepath.Join(repoRoot, "build", "darwin", "make-app.sh"), filepath.Join(dir, "missing"), icns, "v1", dir); err == nil {
		t.Error("make-app.sh with a missing binary: want an error")
	}
}
