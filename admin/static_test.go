package admin

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
)

func TestFiles(t *testing.T) {
	fsys := fstest.MapFS{"index.html": {Data: []byte("<p>home</p>")}, "app.js": {Data: []byte("let x = 1;")}, "secret.txt": {Data: []byte("no")}}
	h, err := Files{FS: fsys, Prefix: "/x/", Index: "index.html", Types: map[string]string{"index.html": typeHTML, "app.js": typeJS}}.Handler()
	if err != nil {
		t.Fatal(err)
	}
	get := func(method, path string, hdr ...string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, path, nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			r.Header.Set(hdr[i], hdr[i+1])
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	cases := []struct {
		method, path string
		status       int
		ctype, body  string
	}{
		{"GET", "/x/app.js", 200, typeJS, "let x = 1;"},
		{"GET", "/x/", 200, typeHTML, "<p>home</p>"},
		{"GET", "/x", 200, typeHTML, "<p>home</p>"},
		{"HEAD", "/x/app.js", 200, typeJS, ""},
		{"GET", "/x/secret.txt", 404, "", "not found"},
		{"GET", "/x/../x/nope.js", 404, "", "not found"},
		{"POST", "/x/app.js", 405, "", "use GET"},
	}
	for _, tc := range cases {
		w := get(tc.method, tc.path)
		if w.Code != tc.status || (tc.ctype != "" && w.Header().Get("Content-Type") != tc.ctype) || !strings.Contains(w.Body.String(), tc.body) {
			t.Errorf("%s %s = %d %q %q; want %d %q %q", tc.method, tc.path, w.Code, w.Header().Get("Content-Type"), w.Body, tc.status, tc.ctype, tc.body)
		}
		if tc.status == 200 && w.Header().Get("Cache-Control") != "no-cache" {
			t.Errorf("%s %s Cache-Control %q, want no-cache", tc.method, tc.path, w.Header().Get("Cache-Control"))
		}
	}
	etag := get("GET", "/x/app.js").Header().Get("ETag")
	if w := get("GET", "/x/app.js", "If-None-Match", etag); etag == "" || w.Code != http.StatusNotModified {
		t.Errorf("revalidating with ETag %q: %d, want 304", etag, w.Code)
	}
	if w := get("POST", "/x/app.js"); w.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("405 Allow = %q", w.Header().Get("Allow"))
	}
}

func TestFilesOptions(t *testing.T) {
	fsys := fstest.MapFS{"a.html": {Data: []byte("a")}}
	if _, err := (Files{FS: fsys, Prefix: "/", Types: map[string]string{"a.html": typeHTML, "gone.js": typeJS}}).Handler(); err == nil || !strings.Contains(err.Error(), "gone.js") {
		t.Fatalf("a listed file missing from the build: %v, want an error naming it", err)
	}
	h, err := Files{FS: fsys, Prefix: "/a", Index: "a.html", Types: map[string]string{"a.html": typeHTML}, Cache: "no-store"}.Handler()
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/a", nil))
	if w.Code != 200 || w.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("GET /a = %d Cache-Control %q", w.Code, w.Header().Get("Cache-Control"))
	}
}
