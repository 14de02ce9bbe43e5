package admin

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/labelbridge/labelbridge/assets"
	"github.com/labelbridge/labelbridge/edge"
)

// Files are embedded files served under one URL prefix. Every static file
// the agent serves (the panel, its login page, the SDK, the demo) goes
// through Files.Handler: the same content types, caching, HEAD and 404s.
type Files struct {
	FS     fs.FS
	Prefix string            // URL path prefix ("/sdk/"); the prefix itself serves Index
	Types  map[string]string // the files served: name → Content-Type
	Index  string            // the file for the prefix itself ("" for none)
	// Cache is the Cache-Control header (default "no-cache": browsers
	// revalidate with the ETag, so a newer agent's files are picked up).
	Cache string
}

type file struct {
	data []byte
	typ  string
	etag string
}

// Handler serves the files. Every listed file must be in FS: a build that
// lacks one fails here, not with a 404 in the field.
func (f Files) Handler() (http.Handler, error) {
	files := map[string]file{}
	for name, typ := range f.Types {
		data, err := fs.ReadFile(f.FS, name)
		if err != nil {
			return nil, fmt.Errorf("static files under %s: %w", f.Prefix, err)
		}
		sum := sha256.Sum256(data)
		files[name] = file{data: data, typ: typ, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
	}
	cache := f.Cache
	if cache == "" {
		cache = "no-cache"
	}
	prefix := strings.TrimSuffix(f.Prefix, "/")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			h.Set("Allow", "GET, HEAD")
			http.Error(w, "use GET", http.StatusMethodNotAllowed)
			return
		}
		name := strings.TrimPrefix(strings.TrimPrefix(path.Clean(r.URL.Path), prefix), "/")
		if name == "" {
			name = f.Index
		}
		fl, ok := files[name]
		if !ok || name == "" {
			http.Error(w, "not found: "+r.URL.Path, http.StatusNotFound)
			return
		}
		h.Set("Content-Type", fl.typ)
		h.Set("ETag", fl.etag)
		h.Set("Cache-Control", cache)
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(fl.data))
	}), nil
}

// Content types of the files the agent serves.
const (
	typeHTML = "text/html; charset=utf-8"
	typeJS   = "text/javascript; charset=utf-8"
	typeCSS  = "text/css; charset=utf-8"
	typePNG  = "image/png"
	typeTS   = "application/typescript; charset=utf-8"
	typeJSON = "application/json; charset=utf-8"
)

// extensionTypes are the content types of the files a folder may hold.
var extensionTypes = map[string]string{
	".js": typeJS, ".css": typeCSS, ".png": typePNG, ".json": typeJSON, ".html": typeHTML,
}

// typesByExtension lists every file in fsys (subfolders included) with its
// content type by extension, except the names in skip. A file of a kind
// not in extensionTypes is an error: the agent would not know how to serve
// it.
func typesByExtension(fsys fs.FS, skip ...string) (map[string]string, error) {
	types := map[string]string{}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || slices.Contains(skip, name) {
			return err
		}
		typ, ok := extensionTypes[path.Ext(name)]
		if !ok {
			return fmt.Errorf("static file %s: no content type for %q files", name, path.Ext(name))
		}
		types[name] = typ
		return nil
	})
	return types, err
}

// panelFiles are the panel's scripts, styles, images and catalogs under
// /panel/ (its two pages are served at / and /login).
func panelFiles() (Files, error) {
	types, err := typesByExtension(assets.Panel(), "index.html", "login.html")
	return Files{FS: assets.Panel(), Prefix: "/panel/", Types: types}, err
}

// mount is one route of the agent's files.
type mount struct {
	patterns []string
	policy   edge.Policy
	files    Files
}

// MountFiles serves the panel (/, /login, /panel/*), the SDK (/sdk/*, CORS
// for allowed origins) and the demo (/demo) on e, and the panel's login
// POST with login. The panel and the demo run in the agent's own origin
// (edge.Page: only the agent's own code); nothing they serve holds a secret.
func MountFiles(e *edge.Edge, login http.Handler) error {
	panel, err := panelFiles()
	if err != nil {
		return err
	}
	mounts := []mount{
		// The pages are the same for everyone (no secret in them): the
		// panel asks for its session from the login page's sessionStorage.
		{[]string{"/{$}"}, edge.Page, Files{FS: assets.Panel(), Prefix: "/", Index: "index.html", Types: map[string]string{"index.html": typeHTML}, Cache: "no-store"}},
		{[]string{"/login"}, edge.Page, Files{FS: assets.Panel(), Prefix: "/login", Index: "login.html", Types: map[string]string{"login.html": typeHTML}, Cache: "no-store"}},
		// Every script, style, image and catalog of the panel: listed from
		// the embedded folder, so a new module cannot be left unserved.
		{[]string{"/panel/"}, edge.Page, panel},
		{[]string{"/sdk/"}, edge.File, Files{FS: assets.SDK(), Prefix: "/sdk/", Types: map[string]string{
			"labelbridge.js": typeJS, "labelbridge.global.js": typeJS, "labelbridge.cjs": typeJS, "labelbridge.d.ts": typeTS}}},
		{[]string{"/demo", "/demo/"}, edge.Page, Files{FS: assets.Demo(), Prefix: "/demo/", Index: "index.html", Types: map[string]string{
			"index.html": typeHTML, "demo.js": typeJS, "demo.css": typeCSS}}},
	}
	for _, m := range mounts {
		h, err := m.files.Handler()
		if err != nil {
			return err
		}
		for _, p := range m.patterns {
			e.Handle(p, m.policy, h)
		}
	}
	e.Handle("POST /login", edge.Login, login)
	return nil
}
