// Test helpers: the web pages the browser loads, served over httptest.

package sdk_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// pages serves test pages from its own loopback origin.
type pages struct {
	origin string
	mu     sync.Mutex
	files  map[string]string
}

func newPages(tb testing.TB) *pages {
	p := &pages{files: map[string]string{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		body, ok := p.files[r.URL.Path]
		p.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = io.WriteString(w, body)
	}))
	tb.Cleanup(srv.Close)
	p.origin = srv.URL
	return p
}

func (p *pages) set(path, html string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.files[path] = html
	return p.origin + path
}

// modulePage imports the ES module from the agent (as a page on another
// origin would) and exposes it as window.LB.
func modulePage(agentPort int) string {
	return fmt.Sprintf(`<!doctype html><meta charset="utf-8"><title>SDK test</title>
<script>addEventListener("error", (e) => { window.loadError = String(e.message || (e.target && e.target.src) || e); }, true);</script>
<script type="module">
import * as LB from "http://127.0.0.1:%d/sdk/labelbridge.js";
window.LB = LB;
window.sdkLoaded = true;
</script>`, agentPort)
}

// classicPage loads the classic script with a plain <script src> (no CORS
// needed), which is how a site that may not be approved yet loads the SDK.
func classicPage(agentPort int) string {
	return fmt.Sprintf(`<!doctype html><meta charset="utf-8"><title>SDK test</title>
<script src="http://127.0.0.1:%d/sdk/labelbridge.global.js" onload="window.sdkLoaded = true" onerror="window.loadError = 'classic script failed'"></script>`, agentPort)
}
