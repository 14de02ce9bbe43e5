package admin

import (
	"io/fs"
	"net/http/httptest"
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/labelbridge/labelbridge/assets"
)

// panelRefs finds what the panel's pages and modules load: src and href
// attributes that are paths, and static ES module imports.
var panelRefs = regexp.MustCompile(`(?:src|href)="(/[^"#\s]+)"|(?:from|import)\s*\(?\s*'((?:\.{1,2}/|/)[^'\s]+)'`)

// TestPanelReferencesAreServed follows every script, module, style and
// image the panel's pages and modules name and fetches it from the handler
// the agent mounts at /panel/: a module added to the panel but not served
// broke the whole panel once (fleet.js).
func TestPanelReferencesAreServed(t *testing.T) {
	files, err := panelFiles()
	if err != nil {
		t.Fatal(err)
	}
	h, err := files.Handler()
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	err = fs.WalkDir(assets.Panel(), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || (path.Ext(name) != ".html" && path.Ext(name) != ".js") {
			return err
		}
		data, err := fs.ReadFile(assets.Panel(), name)
		if err != nil {
			return err
		}
		base := "/panel/" + path.Dir(name)
		for _, m := range panelRefs.FindAllStringSubmatch(string(data), -1) {
			ref := m[1] + m[2]
			if !strings.HasPrefix(ref, "/") {
				ref = path.Join(base, ref)
			}
			if !strings.HasPrefix(ref, "/panel/") {
				continue // the SDK (/sdk/) and other mounts have their own tests
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest("GET", ref, nil))
			if w.Code != 200 {
				t.Errorf("%s loads %s: %d", name, ref, w.Code)
			}
			checked++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 10 {
		t.Fatalf("found only %d references in the panel: the pattern no longer matches its files", checked)
	}
}

func TestTypesByExtension(t *testing.T) {
	types, err := typesByExtension(assets.Panel(), "index.html")
	if err != nil {
		t.Fatal(err)
	}
	if types["panel.js"] != typeJS || types["i18n/en.json"] != typeJSON || types["index.html"] != "" {
		t.Errorf("types: %v", types)
	}
}
