package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/labelbridge/labelbridge/assets"
)

// sdkTypes are the SDK files the agent serves, with their content types.
var sdkTypes = map[string]string{
	"labelbridge.js":        "text/javascript; charset=utf-8",
	"labelbridge.global.js": "text/javascript; charset=utf-8",
	"labelbridge.cjs":       "text/javascript; charset=utf-8",
	"labelbridge.d.ts":      "application/typescript; charset=utf-8",
}

// mountSDK serves the browser SDK at /sdk/ (CORS for allowed origins, so
// they can import the ES module) and the demo page at /demo. The demo runs
// in the agent's own origin: it loads only the agent's own files.
func (a *agent) mountSDK() {
	allowed := func(origin string) bool { return a.sites.Allowed(origin) || a.server.IsOwnOrigin(origin) }
	a.server.Handle("/sdk/", staticFiles(assets.SDK(), "/sdk/", sdkTypes, allowed, a))
	demo := staticFiles(assets.Demo(), "/demo/", map[string]string{
		"index.html": "text/html; charset=utf-8", "demo.js": "text/javascript; charset=utf-8", "demo.css": "text/css; charset=utf-8",
	}, nil, a)
	a.server.Handle("/demo", demo)
	a.server.Handle("/demo/", demo)
}

// staticFile is one embedded file ready to serve.
type staticFile struct {
	data []byte
	typ  string
	etag string
}

// staticFiles serves the listed files of fsys under prefix ("" or "/" is
// index.html). cors, when set, decides which origins get CORS headers.
func staticFiles(fsys fs.FS, prefix string, types map[string]string, cors func(string) bool, a *agent) http.Handler {
	files := map[string]staticFile{}
	for name, typ := range types {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			continue // not shipped in this build
		}
		sum := sha256.Sum256(data)
		files[name] = staticFile{data: data, typ: typ, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
	}
	if len(files) == 0 {
		a.log.Warn("no embedded files to serve", "path", prefix)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Vary", "Origin")
		if origin := r.Header.Get("Origin"); cors != nil && origin != "" && cors(origin) {
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
			h.Set("Access-Control-Allow-Private-Network", "true")
			h.Set("Access-Control-Max-Age", "600")
		}
		switch r.Method {
		case http.MethodGet, http.MethodHead:
		case http.MethodOptions:
			w.WriteHeader(http.StatusNoContent)
			return
		default:
			h.Set("Allow", "GET, HEAD, OPTIONS")
			http.Error(w, "use GET", http.StatusMethodNotAllowed)
			return
		}
		name := strings.TrimPrefix(path.Clean(r.URL.Path), strings.TrimSuffix(prefix, "/"))
		name = strings.TrimPrefix(name, "/")
		if name == "" {
			name = "index.html"
		}
		f, ok := files[name]
		if !ok {
			http.Error(w, "not found: "+r.URL.Path, http.StatusNotFound)
			return
		}
		h.Set("Content-Type", f.typ)
		h.Set("ETag", f.etag)
		h.Set("Cache-Control", "no-cache") // revalidate: a newer agent serves a newer SDK
		h.Set("X-Content-Type-Options", "nosniff")
		if cors != nil {
			// Any page may load the classic script with <script src>; it
			// explains a refused site to the user better than a CORS error.
			h.Set("Cross-Origin-Resource-Policy", "cross-origin")
			// Opened as a document, a file here runs nothing and is framed
			// by no one (a CSP on a script applies only then).
			h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
		} else {
			// Pages in the agent's own origin (the demo) get the panel's
			// policy: only the agent's own scripts run, no inline code,
			// connections only back to this agent, no framing.
			securityHeaders(w, r.Host)
		}
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(f.data))
	})
}
