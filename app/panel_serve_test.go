package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/client"
	"github.com/labelbridge/labelbridge/config"
	"github.com/labelbridge/labelbridge/edge"
)

func TestPanelServesPagesAndHeaders(t *testing.T) {
	a, _ := startTestAgent(t, config.Config{})
	base := fmt.Sprintf("http://127.0.0.1:%d", a.port)
	get := func(path, host string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		if host != "" {
			req.Host = host
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	// / is the same page for everyone (the server cannot tell who has a
	// session: there is no cookie); without a session in the tab, its
	// script shows how to open the panel.
	resp := get("/", "")
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(string(body), `data-i18n="login.cli"`) || !strings.Contains(string(body), `id="login-needed"`) {
		t.Fatalf("GET / without a session = %d:\n%s", resp.StatusCode, body)
	}
	// Its words come from the message catalogs (English and Korean).
	for _, lang := range []string{"en", "ko"} {
		cat, _ := io.ReadAll(get("/panel/i18n/"+lang+".json", "").Body)
		if !strings.Contains(string(cat), "labelbridge panel") {
			t.Errorf("the %s catalog does not say how to open the panel:\n%.300s", lang, cat)
		}
	}
	for k, want := range map[string]string{
		"X-Frame-Options": "DENY", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
	} {
		if got := resp.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"frame-ancestors 'none'", "script-src 'self'", fmt.Sprintf("connect-src 'self' ws://127.0.0.1:%d", a.port)} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	for path, want := range map[string]int{
		"/panel/panel.js": 200, "/panel/panel.css": 200, "/panel/favicon.png": 200, "/panel/login.js": 200, "/login": 200,
		"/panel/index.html": 404, "/panel/login.html": 404, "/panel/nope.js": 404, "/panel/../config/token": 404, "/nope": 404,
	} {
		if got := get(path, "").StatusCode; got != want {
			t.Errorf("GET %s = %d, want %d", path, got, want)
		}
	}
	if ct := get("/panel/panel.js", "").Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") {
		t.Errorf("panel.js Content-Type = %q", ct)
	}
	if got := get("/", "evil.example:80").StatusCode; got != http.StatusForbidden {
		t.Errorf("GET / with a foreign Host (DNS rebinding) = %d, want 403", got)
	}
	if got := get("/login?code="+a.auth.NewCode(), "evil.example:80").StatusCode; got != http.StatusForbidden {
		t.Errorf("GET /login with a foreign Host (DNS rebinding) = %d, want 403", got)
	}

	// The login link signs a browser in: the login page posts the code
	// from the fragment, then the panel is admin on /ws with the session
	// secret and the own Origin.
	link := a.panelLoginURL()
	resp, page := fetch(t, panelBrowser(t), link)
	if resp.StatusCode != 200 || !strings.Contains(page, "/panel/login.js") || strings.Contains(page, codeOf(t, link)) {
		t.Fatalf("the login link's page: %d\n%s", resp.StatusCode, page)
	}
	secret, status := postLogin(t, base, base, codeOf(t, link))
	if status != http.StatusOK || secret == "" {
		t.Fatalf("POST /login with a fresh code: %d", status)
	}
	if _, again := postLogin(t, base, base, codeOf(t, link)); again != http.StatusForbidden {
		t.Fatalf("the login link used a second time: %d, want 403", again)
	}
	for _, origin := range []string{"", "http://127.0.0.1:8080", "https://evil.example"} {
		if s, st := postLogin(t, base, origin, a.auth.NewCode()); st != http.StatusForbidden || s != "" {
			t.Errorf("POST /login from Origin %q: %d, want 403 (only the agent's own page may log in)", origin, st)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	own := http.Header{"Origin": {base}}
	session := []string{edge.AdminProtocol, edge.SessionProtocol + secret}
	if admin, err := wsHello(ctx, client.URL(a.port), own, session...); err != nil || !admin {
		t.Fatalf("the signed-in panel on /ws: admin %v, %v", admin, err)
	}
	// The same secret from a page on another port of the host is only
	// that page.
	other := http.Header{"Origin": {"http://127.0.0.1:8080"}}
	if admin, err := wsHello(ctx, client.URL(a.port), other, session...); err != nil || admin {
		t.Fatalf("another localhost port with the panel session: admin %v, %v", admin, err)
	}
	// The demo (own origin, no session offered) stays an ordinary page.
	if admin, err := wsHello(ctx, client.URL(a.port), own); err != nil || admin {
		t.Fatalf("own origin without the session: admin %v, %v", admin, err)
	}
}

// codeOf is the login code in a panel login link (/login#code=…).
func codeOf(t *testing.T, link string) string {
	t.Helper()
	_, code, ok := strings.Cut(link, "/login#code=")
	if !ok || code == "" {
		t.Fatalf("login link %q has no #code=", link)
	}
	return code
}

// postLogin does what the login page's script does: POST the code with an
// Origin ("" sends none). It returns the session secret and the status.
func postLogin(t *testing.T, base, origin, code string) (string, int) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/login", strings.NewReader(`{"code":"`+code+`"}`))
	req.Header.Set("Content-Type", "application/json")
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if c := resp.Header.Values("Set-Cookie"); len(c) > 0 {
		t.Errorf("POST /login set a cookie: %q", c)
	}
	var got struct{ Session string }
	_ = json.NewDecoder(resp.Body).Decode(&got)
	return got.Session, resp.StatusCode
}

// TestPanelSessionIsNoCookie: cookies ignore ports, so a session cookie for
// the panel would also be sent to every other server on localhost and
// 127.0.0.1 that the user's browser visits, where another OS user could
// capture it and replay it with a forged Origin. However the panel logs in
// (a stale /login?code= link, GET /login, POST /login with the agent's own
// Origin), no answer sets a cookie, and a session secret replayed as a
// cookie, with the agent's own Origin and the admin opt-in, is not admin.
func TestPanelSessionIsNoCookie(t *testing.T) {
	a, _ := startTestAgent(t, config.Config{})
	base := fmt.Sprintf("http://127.0.0.1:%d", a.port)
	noRedirect := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	var secrets []string
	do := func(method, path, body string) {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		req.Header.Set("Origin", base)
		req.Header.Set("Content-Type", "application/json")
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, c := range resp.Cookies() {
			t.Errorf("%s %s set a cookie %s (cookies reach every port of the host)", method, path, c.Name)
			secrets = append(secrets, c.Value)
		}
		if s := sessionIn(string(data)); s != "" {
			secrets = append(secrets, s)
		}
	}
	do(http.MethodGet, "/login?code="+a.auth.NewCode(), "")
	do(http.MethodGet, "/login", "")
	do(http.MethodPost, "/login", `{"code":"`+a.auth.NewCode()+`"}`)
	if len(secrets) == 0 {
		t.Fatal("no login answered with a session")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, s := range secrets {
		for _, name := range []string{"labelbridge_panel", fmt.Sprintf("labelbridge_panel_%d", a.port)} {
			hdr := http.Header{"Origin": {base}, "Cookie": {name + "=" + s}}
			if admin, err := wsHello(ctx, client.URL(a.port)+"?admin=1", hdr); err != nil || admin {
				t.Errorf("the session secret replayed as cookie %s: admin %v, %v; want an ordinary page", name, admin, err)
			}
		}
	}
}

// sessionIn finds {"session": "…"} in a login answer.
func sessionIn(body string) string {
	_, rest, ok := strings.Cut(body, `"session":"`)
	if !ok {
		return ""
	}
	s, _, _ := strings.Cut(rest, `"`)
	return s
}
