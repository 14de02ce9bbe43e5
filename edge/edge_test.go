package edge

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/sites"
)

// gate allows one site, denies one, and records the rest as pending.
type gate struct{ checked []string }

func (g *gate) Check(origin string, _ time.Time) (string, sites.Decision) {
	g.checked = append(g.checked, origin)
	return g.Peek(origin)
}

func (g *gate) Peek(origin string) (string, sites.Decision) {
	switch origin {
	case "https://ok.example":
		return origin, sites.Allowed
	case "https://bad.example":
		return origin, sites.Denied
	case "null":
		return origin, sites.Invalid
	}
	return origin, sites.Pending
}

type sessions map[string]bool

func (s sessions) Valid(secret string) bool { return s[secret] }

const port = 19810

func newEdge(t *testing.T, g *gate) *Edge {
	t.Helper()
	e := New(Options{Port: port, Gate: g, Token: "tok", Sessions: sessions{"live": true}, BodyTimeout: time.Second, MaxBodyBytes: 16})
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := PeerOf(r)
		body, _ := io.ReadAll(r.Body)
		_, _ = io.WriteString(w, p.Origin+"|"+map[bool]string{true: "admin", false: "page"}[p.Admin]+"|"+string(body))
	})
	for pattern, p := range map[string]Policy{
		"/health": Health, "/ws": Socket, "/api": SiteAPI, "/file": File, "/page": Page, "/login": Login, "/admin": AdminAPI,
	} {
		e.Handle(pattern, p, echo)
	}
	return e
}

type req struct {
	method, path, host, origin, body string
	hdr                              map[string]string
}

func (q req) do(e *Edge) *httptest.ResponseRecorder {
	if q.method == "" {
		q.method = http.MethodGet
	}
	if q.host == "" {
		q.host = "127.0.0.1:19810"
	}
	r := httptest.NewRequest(q.method, "http://"+q.host+q.path, strings.NewReader(q.body))
	r.Host = q.host
	if q.origin != "" {
		r.Header.Set("Origin", q.origin)
	}
	for k, v := range q.hdr {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	e.ServeHTTP(w, r)
	return w
}

const own = "http://127.0.0.1:19810"

func session(secret string) map[string]string {
	return map[string]string{"Sec-WebSocket-Protocol": AdminProtocol + ", " + SessionProtocol + secret}
}

func TestAccess(t *testing.T) {
	bearer := map[string]string{"Authorization": "Bearer tok"}
	cases := []struct {
		name string
		req
		status int
		reason string // in the refusal
		body   string // the handler's echo: origin|admin
	}{
		{"foreign Host (DNS rebinding)", req{path: "/health", host: "evil.example:19810"}, 403, "host_not_allowed", ""},
		{"Origin equal to a foreign Host", req{path: "/ws", host: "rebind.evil:19810", origin: "http://rebind.evil:19810"}, 403, "host_not_allowed", ""},
		{"wrong port in Host", req{path: "/health", host: "127.0.0.1:1"}, 403, "host_not_allowed", ""},
		{"localhost and [::1] Hosts", req{path: "/health", host: "[::1]:19810"}, 200, "", "|page|"},
		{"health, anyone", req{path: "/health", origin: "https://who.example"}, 200, "", "|page|"},
		{"ws, allowed site", req{path: "/ws", origin: "https://ok.example"}, 200, "", "https://ok.example|page|"},
		{"ws, denied site", req{path: "/ws", origin: "https://bad.example"}, 403, "origin_denied", ""},
		{"ws, unknown site", req{path: "/ws", origin: "https://new.example"}, 403, "origin_not_allowed", ""},
		{"ws, opaque origin", req{path: "/ws", origin: "null"}, 403, "origin_invalid", ""},
		{"ws, no Origin", req{path: "/ws"}, 403, "origin_missing", ""},
		{"ws, no Origin, token", req{path: "/ws", hdr: bearer}, 200, "", "cli|admin|"},
		{"ws, token with an Origin is a page", req{path: "/ws", origin: "https://ok.example", hdr: bearer}, 200, "", "https://ok.example|page|"},
		{"ws, own origin", req{path: "/ws", origin: own}, 200, "", own + "|page|"},
		{"ws, own origin with a session", req{path: "/ws", origin: own, hdr: session("live")}, 200, "", own + "|admin|"},
		{"ws, own origin with a dead session", req{path: "/ws", origin: own, hdr: session("dead")}, 200, "", own + "|page|"},
		{"ws, session without the admin protocol", req{path: "/ws", origin: own, hdr: map[string]string{"Sec-WebSocket-Protocol": SessionProtocol + "live"}}, 200, "", own + "|page|"},
		{"ws, session from another port", req{path: "/ws", origin: "http://127.0.0.1:8080", hdr: session("live")}, 403, "origin_not_allowed", ""},
		{"ws, session as a cookie", req{path: "/ws", origin: own, hdr: map[string]string{"Cookie": "labelbridge_panel=live"}}, 200, "", own + "|page|"},
		{"login, own origin", req{method: "POST", path: "/login", origin: own}, 200, "", own + "|page|"},
		{"login, allowed site", req{method: "POST", path: "/login", origin: "https://ok.example"}, 403, "origin_not_allowed", ""},
		{"login, no Origin even with the token", req{method: "POST", path: "/login", hdr: bearer}, 403, "origin_missing", ""},
		{"admin, token", req{path: "/admin", hdr: bearer}, 200, "", "cli|admin|"},
		{"admin, own origin and session", req{path: "/admin", origin: own, hdr: session("live")}, 200, "", own + "|admin|"},
		{"admin, own origin only", req{path: "/admin", origin: own}, 403, "not_allowed", ""},
		{"admin, allowed site", req{path: "/admin", origin: "https://ok.example"}, 403, "not_allowed", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := tc.req.do(newEdge(t, &gate{}))
			if w.Code != tc.status {
				t.Fatalf("status %d (%s), want %d", w.Code, w.Body, tc.status)
			}
			if tc.reason != "" && !strings.Contains(w.Body.String(), `"reason":"`+tc.reason+`"`) {
				t.Fatalf("refusal %s, want reason %s", w.Body, tc.reason)
			}
			if tc.status == 200 && w.Body.String() != tc.body {
				t.Fatalf("handler saw %q, want %q", w.Body, tc.body)
			}
			if got := w.Header().Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("nosniff missing: %q", got)
			}
		})
	}
}

// Only a refused Socket or SiteAPI request records a pending site; CORS
// decisions and /healthz only peek.
func TestOnlyAccessChecksRecordPending(t *testing.T) {
	g := &gate{}
	e := newEdge(t, g)
	req{path: "/file", origin: "https://new.example"}.do(e)
	req{path: "/health", origin: "https://new.example"}.do(e)
	req{path: "/page", origin: "https://new.example"}.do(e)
	if len(g.checked) != 0 {
		t.Fatalf("recorded %v without an access check", g.checked)
	}
	req{path: "/api", origin: "https://new.example"}.do(e)
	if len(g.checked) != 1 {
		t.Fatalf("a refused API request recorded %v, want the origin once", g.checked)
	}
}

func TestCORS(t *testing.T) {
	cases := []struct {
		name     string
		req      req
		status   int
		allowed  string // Access-Control-Allow-Origin
		methods  string
		vary     bool
		preflite bool
	}{
		{"health answers any origin", req{path: "/health", origin: "https://who.example"}, 200, "https://who.example", "GET, OPTIONS", true, false},
		{"health preflight", req{method: "OPTIONS", path: "/health", origin: "https://who.example"}, 204, "https://who.example", "GET, OPTIONS", true, true},
		{"file for an allowed site", req{path: "/file", origin: "https://ok.example"}, 200, "https://ok.example", "GET, HEAD, OPTIONS", true, false},
		{"file for the own origin", req{path: "/file", origin: own}, 200, own, "GET, HEAD, OPTIONS", true, false},
		{"file for an unknown site: served, not readable", req{path: "/file", origin: "https://new.example"}, 200, "", "", true, false},
		{"api for an allowed site", req{path: "/api", origin: "https://ok.example"}, 200, "https://ok.example", "GET, POST, OPTIONS", true, false},
		{"api refusal is readable by the refused page", req{path: "/api", origin: "https://bad.example"}, 403, "https://bad.example", "", true, false},
		{"api refusal of an opaque origin is not", req{path: "/api", origin: "null"}, 403, "", "", true, false},
		{"api preflight of an unknown site is refused", req{method: "OPTIONS", path: "/api", origin: "https://new.example"}, 403, "https://new.example", "", true, false},
		{"ws has no CORS", req{path: "/ws", origin: "https://ok.example"}, 200, "", "", false, false},
		{"page has no CORS", req{path: "/page", origin: "https://ok.example"}, 200, "", "", false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := tc.req.do(newEdge(t, &gate{}))
			h := w.Header()
			if w.Code != tc.status || h.Get("Access-Control-Allow-Origin") != tc.allowed || h.Get("Access-Control-Allow-Methods") != tc.methods ||
				(h.Get("Vary") == "Origin") != tc.vary {
				t.Fatalf("%d ACAO %q methods %q Vary %q; want %d %q %q vary %v", w.Code, h.Get("Access-Control-Allow-Origin"),
					h.Get("Access-Control-Allow-Methods"), h.Get("Vary"), tc.status, tc.allowed, tc.methods, tc.vary)
			}
			if tc.allowed != "" && tc.methods != "" && h.Get("Access-Control-Allow-Private-Network") != "true" {
				t.Error("no Access-Control-Allow-Private-Network")
			}
			if tc.preflite && w.Body.Len() != 0 {
				t.Errorf("a preflight reached the handler: %s", w.Body)
			}
		})
	}
}

func TestSecurityHeaders(t *testing.T) {
	e := newEdge(t, &gate{})
	page := (req{path: "/page", host: "localhost:19810"}).do(e).Header()
	for _, want := range []string{"default-src 'none'", "script-src 'self'", "connect-src 'self' ws://localhost:19810", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'none'"} {
		if !strings.Contains(page.Get("Content-Security-Policy"), want) {
			t.Errorf("page CSP %q lacks %q", page.Get("Content-Security-Policy"), want)
		}
	}
	for k, want := range map[string]string{"X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer", "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Resource-Policy": "same-origin"} {
		if got := page.Get(k); got != want {
			t.Errorf("page %s = %q, want %q", k, got, want)
		}
	}
	file := (req{path: "/file"}).do(e).Header()
	if file.Get("Cross-Origin-Resource-Policy") != "cross-origin" || !strings.HasPrefix(file.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Errorf("file headers: CORP %q CSP %q", file.Get("Cross-Origin-Resource-Policy"), file.Get("Content-Security-Policy"))
	}
	if api := (req{path: "/health"}).do(e).Header(); api.Get("Content-Security-Policy") != "" || api.Get("X-Frame-Options") != "" {
		t.Errorf("API answers carry page headers: %v", api)
	}
}

func TestBodyLimits(t *testing.T) {
	e := newEdge(t, &gate{})
	if w := (req{method: "POST", path: "/health", body: "0123456789abcdef"}).do(e); w.Code != 200 || !strings.HasSuffix(w.Body.String(), "|0123456789abcdef") {
		t.Fatalf("a body at the limit: %d %s", w.Code, w.Body)
	}
	w := (req{method: "POST", path: "/health", body: "0123456789abcdefX"}).do(e)
	if w.Code != http.StatusRequestEntityTooLarge || !strings.Contains(w.Body.String(), "payload_too_large") || w.Header().Get("Connection") != "close" {
		t.Fatalf("a body over the limit: %d %s", w.Code, w.Body)
	}
}

// A listener's own refusal format (Browser Print answers text).
func TestRefuseFormat(t *testing.T) {
	e := New(Options{Port: port, Refuse: func(w http.ResponseWriter, status int, reason, msg string) {
		w.WriteHeader(status)
		_, _ = io.WriteString(w, "text: "+msg)
	}})
	e.Handle("/", Health, http.NotFoundHandler())
	w := (req{path: "/", host: "evil.example"}).do(e)
	if w.Code != 403 || !strings.HasPrefix(w.Body.String(), "text: Host \"evil.example\" is not allowed") {
		t.Fatalf("%d %q", w.Code, w.Body)
	}
}

func TestOriginStatus(t *testing.T) {
	e := newEdge(t, &gate{})
	for origin, want := range map[string]string{
		own: "allowed", "http://LOCALHOST:19810": "allowed", "http://127.0.0.1:8080": "pending", "https://127.0.0.1:19810": "pending",
		"https://ok.example": "allowed", "https://bad.example": "denied", "null": "invalid",
	} {
		if _, got := e.OriginStatus(origin); got != want {
			t.Errorf("OriginStatus(%q) = %s, want %s", origin, got, want)
		}
	}
}

// Serve and Shutdown run a real listener on both loopback addresses' port.
func TestServeOnLoopback(t *testing.T) {
	ls, err := Listen(0)
	if err != nil {
		t.Fatal(err)
	}
	p := ls[0].Addr().String()
	_, portStr, _ := strings.Cut(p, ":")
	n, err := strconv.Atoi(portStr)
	if err != nil {
		t.Fatal(err)
	}
	e := New(Options{Port: n})
	e.Handle("/health", Health, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") }))
	e.Serve(ls)
	resp, err := http.Get("http://" + p + "/health")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "ok" {
		t.Fatalf("GET /health = %q", body)
	}
	for _, l := range ls[1:] {
		if !strings.HasSuffix(l.Addr().String(), ":"+portStr) {
			t.Errorf("IPv6 listener %s is not on port %s", l.Addr(), portStr)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := e.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get("http://" + p + "/health"); err == nil {
		t.Fatal("still serving after Shutdown")
	}
}

// TestShutdownFreesThePorts: the ports are free when Shutdown returns,
// even when it comes right after Serve, before the servers' goroutines
// have reached their listeners (the panel turns Browser Print off and on
// again on the same port).
func TestShutdownFreesThePorts(t *testing.T) {
	for i := range 50 {
		ls, err := Listen(0)
		if err != nil {
			t.Fatal(err)
		}
		addr := ls[0].Addr().String()
		e := New(Options{Port: ls[0].Addr().(*net.TCPAddr).Port})
		e.Serve(ls)
		if err := e.Shutdown(context.Background()); err != nil {
			t.Fatal(err)
		}
		l, err := net.Listen("tcp4", addr)
		if err != nil {
			t.Fatalf("try %d: %s still bound after Shutdown: %v", i, addr, err)
		}
		l.Close()
	}
}
