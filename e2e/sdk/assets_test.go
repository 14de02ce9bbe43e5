package sdk_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/internal/porttest"
)

// TestServedSDKIsBuiltFromSource type-checks sdk/src and fails when
// sdk/dist (the npm package's files, which the agent embeds and serves)
// is not what sdk/build.mjs builds from it ("run `make sdk` to
// regenerate"). The build installs typescript and esbuild with npm into
// the user's cache folder.
func TestServedSDKIsBuiltFromSource(t *testing.T) {
	node := need(t, "node", "nodejs")
	need(t, "npm")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, node, filepath.Join(repoRoot, "sdk", "build.mjs"), "--check").CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
}

// TestSDKUnitTests runs the SDK's own tests (node:test, an in-memory agent).
func TestSDKUnitTests(t *testing.T) {
	node := need(t, "node", "nodejs")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "--test", "test/")
	cmd.Dir = filepath.Join(repoRoot, "sdk")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node --test: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "# fail 0") {
		t.Fatalf("unexpected node --test output:\n%s", out)
	}
}

func TestSDKFilesAreServedWithTypesAndCORS(t *testing.T) {
	const allowed = "https://wms.example.com"
	port := porttest.Free(t)
	startAgent(t, t.TempDir(), port, nil, allowed)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	get := func(method, path string, hdr ...string) (*http.Response, string) {
		t.Helper()
		req, err := http.NewRequest(method, base+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i+1 < len(hdr); i += 2 {
			if hdr[i] == "Host" {
				req.Host = hdr[i+1]
			} else {
				req.Header.Set(hdr[i], hdr[i+1])
			}
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res, string(body)
	}
	cases := []struct {
		name, method, path, origin string
		status                     int
		ctype, acao, contains      string
	}{
		{"ES module, allowed site", "GET", "/sdk/labelbridge.js", allowed, 200, "text/javascript; charset=utf-8", allowed, "export {"},
		{"ES module, other site", "GET", "/sdk/labelbridge.js", "https://other.example.com", 200, "text/javascript; charset=utf-8", "", "export {"},
		{"classic script", "GET", "/sdk/labelbridge.global.js", allowed, 200, "text/javascript; charset=utf-8", allowed, "global.Labelbridge = Object.freeze("},
		{"CommonJS", "GET", "/sdk/labelbridge.cjs", allowed, 200, "text/javascript; charset=utf-8", allowed, "module.exports = __toCommonJS("},
		{"types", "GET", "/sdk/labelbridge.d.ts", allowed, 200, "application/typescript; charset=utf-8", allowed, "export declare function connect"},
		{"preflight", "OPTIONS", "/sdk/labelbridge.js", allowed, 204, "", allowed, ""},
		{"unknown file", "GET", "/sdk/other.js", allowed, 404, "", allowed, "not found"},
		{"not GET", "POST", "/sdk/labelbridge.js", allowed, 405, "", allowed, ""},
		{"demo", "GET", "/demo", "", 200, "text/html; charset=utf-8", "", "labelbridge.global.js"},
		{"demo with slash", "GET", "/demo/", "", 200, "text/html; charset=utf-8", "", "배송 라벨"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var hdr []string
			if c.origin != "" {
				hdr = []string{"Origin", c.origin}
			}
			res, body := get(c.method, c.path, hdr...)
			if res.StatusCode != c.status {
				t.Fatalf("status %d, want %d: %s", res.StatusCode, c.status, body)
			}
			if c.ctype != "" && res.Header.Get("Content-Type") != c.ctype {
				t.Errorf("Content-Type %q, want %q", res.Header.Get("Content-Type"), c.ctype)
			}
			if got := res.Header.Get("Access-Control-Allow-Origin"); got != c.acao {
				t.Errorf("Access-Control-Allow-Origin %q, want %q", got, c.acao)
			}
			if !strings.Contains(body, c.contains) {
				t.Errorf("body does not contain %q", c.contains)
			}
		})
	}

	res, _ := get("GET", "/sdk/labelbridge.js")
	etag := res.Header.Get("ETag")
	if etag == "" || res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("headers: %v", res.Header)
	}
	if res, _ := get("GET", "/sdk/labelbridge.js", "If-None-Match", etag); res.StatusCode != http.StatusNotModified {
		t.Errorf("revalidation: %d, want 304", res.StatusCode)
	}
	if res, _ := get("GET", "/sdk/labelbridge.js", "Host", fmt.Sprintf("evil.example:%d", port)); res.StatusCode != http.StatusForbidden {
		t.Errorf("foreign Host: %d, want 403", res.StatusCode)
	}
	if res, _ := get("GET", "/demo"); res.Header.Get("X-Frame-Options") != "DENY" {
		t.Errorf("the demo may be framed: %v", res.Header)
	}
}
