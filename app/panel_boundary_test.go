package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/labelbridge/labelbridge/config"
	"github.com/labelbridge/labelbridge/edge"
)

// agentGETs are every page and file the agent serves to a plain GET.
var agentGETs = []string{
	"/", "/panel/panel.js", "/panel/login.js", "/panel/panel.css", "/panel/favicon.png", "/panel/login.html",
	"/panel/i18n.js", "/panel/dom.js", "/panel/core.js", "/panel/printers.js", "/panel/queue.js", "/panel/sites.js", "/panel/i18n/en.json", "/panel/i18n/ko.json",
	"/demo", "/demo/", "/demo/demo.js", "/demo/demo.css",
	"/sdk/labelbridge.js", "/sdk/labelbridge.global.js", "/sdk/labelbridge.cjs", "/sdk/labelbridge.d.ts",
	"/healthz", "/login", "/login?code=", "/nope",
}

// secretLike finds strings that could be a secret: long runs of base64url
// or hex characters with at least one digit.
var secretLike = regexp.MustCompile(`[A-Za-z0-9_\-]{24,}`)

// wsHello opens /ws at url with hdr, offering protocols, and reports
// whether the connection is admin: hello says so, or an admin method answers.
func wsHello(ctx context.Context, url string, hdr http.Header, protocols ...string) (admin bool, err error) {
	ws, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: hdr, Subprotocols: protocols})
	if err != nil {
		return false, err
	}
	defer ws.CloseNow()
	var hello struct {
		Result struct{ Admin bool }
	}
	var sites struct {
		Result json.RawMessage
		Error  *struct{ Code int }
	}
	for i, call := range []struct {
		method string
		out    any
	}{{"hello", &hello}, {"sites.list", &sites}} {
		if err := wsjson.Write(ctx, ws, map[string]any{"jsonrpc": "2.0", "id": i + 1, "method": call.method}); err != nil {
			return false, err
		}
		if err := wsjson.Read(ctx, ws, call.out); err != nil {
			return false, err
		}
	}
	return hello.Result.Admin || (sites.Error == nil && len(sites.Result) > 0), nil
}

// probeAdmin does what a local program of anyone who can reach the port
// can do: GET everything the agent serves, then try every string in it as
// a panel token, a login code, a session secret or a session cookie, with
// the agent's own Origin forged. It returns the ways that gave admin rights.
func probeAdmin(ctx context.Context, port int) ([]string, error) {
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	found := map[string]bool{}
	for _, p := range agentGETs {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+p, nil)
		resp, err := noRedirect.Do(req)
		if err != nil {
			return nil, fmt.Errorf("GET %s: %w", p, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		text := string(body)
		for k, vs := range resp.Header {
			text += "\n" + k + ": " + strings.Join(vs, " ")
		}
		for _, s := range secretLike.FindAllString(text, -1) {
			if strings.ContainsAny(s, "0123456789") {
				found[s] = true
			}
		}
	}
	var got []string
	try := func(what, url string, hdr http.Header, protocols ...string) {
		if admin, err := wsHello(ctx, url, hdr, protocols...); err == nil && admin {
			got = append(got, what)
		}
	}
	ws := fmt.Sprintf("ws://127.0.0.1:%d/ws", port)
	for _, own := range []string{base, fmt.Sprintf("http://localhost:%d", port), fmt.Sprintf("http://[::1]:%d", port)} {
		try("own Origin "+own, ws, http.Header{"Origin": {own}})
		try("own Origin "+own+" asking for admin", ws+"?admin=1", http.Header{"Origin": {own}}, edge.AdminProtocol)
	}
	own := http.Header{"Origin": {base}}
	session := func(s string) []string { return []string{edge.AdminProtocol, edge.SessionProtocol + s} }
	for s := range found {
		try("?panel="+s, ws+"?panel="+s, own)
		try("session "+s, ws, own, session(s)...)
		try("cookie "+s, ws+"?admin=1", http.Header{"Origin": {base}, "Cookie": {"labelbridge_panel=" + s, fmt.Sprintf("labelbridge_panel_%d=%s", port, s)}}, edge.AdminProtocol)
		try("bearer "+s, ws, http.Header{"Authorization": {"Bearer " + s}})
		for _, login := range []struct{ method, path, body string }{
			{http.MethodGet, "/login?code=" + s, ""},
			{http.MethodPost, "/login", `{"code":"` + s + `"}`},
		} {
			req, _ := http.NewRequestWithContext(ctx, login.method, base+login.path, strings.NewReader(login.body))
			req.Header.Set("Origin", base)
			resp, err := noRedirect.Do(req)
			if err != nil {
				continue
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			for _, c := range resp.Cookies() {
				try("login code "+s+" as a cookie", ws+"?admin=1", http.Header{"Origin": {base}, "Cookie": {c.Name + "=" + c.Value}})
			}
			if secret := sessionIn(string(body)); secret != "" {
				try("login code "+s, ws, own, session(secret)...)
			}
		}
	}
	return got, nil
}

// TestNoSecretInAnyGET: anyone who can reach the port (another OS user, a
// program, a page on another localhost port) can GET every page; nothing
// in them, with a forged own Origin, makes an admin connection.
func TestNoSecretInAnyGET(t *testing.T) {
	a, _ := startTestAgent(t, config.Config{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	got, err := probeAdmin(ctx, a.port)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) > 0 {
		t.Fatalf("a program with only what GET returns became admin: %v", got)
	}
	for _, p := range agentGETs {
		resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d%s", a.port, p))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.Contains(string(body), a.token) {
			t.Errorf("GET %s contains the CLI token", p)
		}
	}
}

// TestDemoLoadsNoForeignCode: the demo runs in the agent's own origin, so
// it must not load code from anywhere else (no ?agent=PORT script), and a
// CSP allows only the agent's own scripts.
func TestDemoLoadsNoForeignCode(t *testing.T) {
	a, _ := startTestAgent(t, config.Config{})
	scriptTag := regexp.MustCompile(`(?is)<script\b([^>]*)>`)
	srcAttr := regexp.MustCompile(`(?i)\bsrc="([^"]*)"`)
	for _, p := range []string{"/demo", "/demo/", "/demo/?agent=1", "/demo/index.html"} {
		resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d%s", a.port, p))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s = %d", p, resp.StatusCode)
		}
		csp := resp.Header.Get("Content-Security-Policy")
		for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "base-uri 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("GET %s: CSP %q lacks %q", p, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("GET %s: CSP %q allows inline or eval'd code", p, csp)
		}
		for _, m := range scriptTag.FindAllStringSubmatch(string(body), -1) {
			src := srcAttr.FindStringSubmatch(m[1])
			if src == nil || !strings.HasPrefix(src[1], "/") || strings.HasPrefix(src[1], "//") {
				t.Errorf("GET %s: script tag <script%s> is not a file of the agent's own origin", p, m[1])
			}
		}
	}
	for _, p := range []string{"/demo/demo.js", "/sdk/labelbridge.global.js"} {
		resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d%s", a.port, p))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s = %d", p, resp.StatusCode)
		}
		for _, bad := range []string{`createElement("script")`, `createElement('script')`, `params.get("agent")`, "import("} {
			if strings.Contains(string(body), bad) {
				t.Errorf("%s loads code dynamically (%s)", p, bad)
			}
		}
		if resp.Header.Get("Content-Security-Policy") == "" {
			t.Errorf("%s has no Content-Security-Policy", p)
		}
	}
}

// TestOtherOSUserCannotBecomeAdmin runs a probe as the OS user nobody (as
// another user of a shared or RDP PC would) against a running agent: it
// cannot read the token file, and nothing it can GET makes it admin.
func TestOtherOSUserCannotBecomeAdmin(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to run a process as the user nobody")
	}
	setpriv := needTool(t, "setpriv")
	a, _ := startTestAgent(t, config.Config{})
	// The test binary, copied where nobody may run it.
	dir, err := os.MkdirTemp("", "labelbridge-nobody-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "probe.test")
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups",
		bin, "-test.run=^TestNobodyProbe$", "-test.v", "-test.count=1")
	cmd.Dir = dir
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + dir, "TMPDIR=" + dir,
		"LABELBRIDGE_PROBE_PORT=" + strconv.Itoa(a.port),
		"LABELBRIDGE_PROBE_TOKEN_FILE=" + a.cfg.Paths.TokenFile}
	out, err := cmd.CombinedOutput()
	t.Logf("probe as nobody:\n%s", out)
	if err != nil {
		t.Fatalf("the probe run as nobody failed (it found a way in, or could not run): %v", err)
	}
	if !strings.Contains(string(out), "probe done: no admin") {
		t.Fatal("the probe did not run to its end")
	}
}

// TestNobodyProbe is the probe TestOtherOSUserCannotBecomeAdmin runs as
// another OS user; on its own it skips.
func TestNobodyProbe(t *testing.T) {
	port, err := strconv.Atoi(os.Getenv("LABELBRIDGE_PROBE_PORT"))
	if err != nil {
		t.Skip("run by TestOtherOSUserCannotBecomeAdmin as another OS user")
	}
	t.Logf("running as uid %d", os.Getuid())
	if os.Getuid() == 0 {
		t.Fatal("the probe runs as root, not as another user")
	}
	if tok, err := os.ReadFile(os.Getenv("LABELBRIDGE_PROBE_TOKEN_FILE")); err == nil {
		t.Fatalf("another user read the token file (%d bytes)", len(tok))
	} else if !errors.Is(err, os.ErrPermission) {
		t.Fatalf("reading the token file: %v, want permission denied", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	got, err := probeAdmin(ctx, port)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) > 0 {
		t.Fatalf("another OS user became admin: %v", got)
	}
	fmt.Println("probe done: no admin")
}
