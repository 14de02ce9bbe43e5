// Package edge is the one HTTP security chain in front of every listener the
// agent opens (the API port, Browser Print's port, and those to come: wss on
// a second port, the QZ Tray and Browser Print https drop-ins, a fleet
// connector). A listener is an Edge: its port and its routes, each with a
// Policy. The Edge applies, in order:
//
//  1. the Host check: Host must be 127.0.0.1:PORT, localhost:PORT or
//     [::1]:PORT exactly (DNS-rebinding defence), else 403 host_not_allowed;
//  2. the route's access rule (Policy.Access): anyone, an Origin on the
//     allow-list (the sites gate records unknown origins as pending), the
//     agent's own Origin, or an admin (the local token file, or an admin
//     session from edge/adminauth with the agent's own Origin);
//  3. CORS (Policy.CORS) and the security headers (Policy.Headers: the
//     strict CSP of pages in the agent's own origin, or that of files other
//     sites load);
//  4. the body limits: headers within ReadHeaderTimeout, a body within
//     BodyTimeout (408) and MaxBodyBytes (413), except on streaming routes
//     (WebSockets).
//
// Refusals are answered in the listener's format (JSON {"error","reason"}
// by default) and logged at most a few times per origin and per Host
// (internal/ratelog), so a flood cannot rotate the log away. Handlers find
// who is calling with PeerOf. Adding a listener is choosing its routes and
// a policy for each, nothing more; ServeTLS serves the same routes over
// TLS on a second port (wss, https), whose Host names that port.
package edge

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labelbridge/labelbridge/internal/ratelog"
	"github.com/labelbridge/labelbridge/sites"
)

// Gate decides on an Origin header (package sites is the real one): Check
// records an unknown origin as pending approval. A Gate that also has
// Peek(origin) (string, sites.Decision) is asked without recording where
// the edge only reports or decides on CORS headers.
type Gate interface {
	Check(origin string, now time.Time) (canonical string, d sites.Decision)
}

// peeker is the optional side of a Gate that decides without recording.
type peeker interface {
	Peek(origin string) (string, sites.Decision)
}

// Sessions knows the live admin sessions (edge/adminauth is the real one).
type Sessions interface {
	Valid(secret string) bool
}

// Options configure an Edge (one listener).
type Options struct {
	Port     int    // the port clients must name in Host
	Name     string // the listener's name in log lines ("" for the agent's API)
	Gate     Gate   // the allow-list; required for Access Sites
	Token    string // the local CLI token (Authorization: Bearer …, no Origin)
	Sessions Sessions
	Logger   *slog.Logger

	// Hold, when set, sees each request after the Host check and before
	// the route's policy, and may hold it there (Browser Print holds a
	// site's request while the site waits for the user's approval).
	Hold func(r *http.Request)

	ReadHeaderTimeout time.Duration // request headers [10 s]
	BodyTimeout       time.Duration // a request body, after the headers [10 s]
	MaxBodyBytes      int64         // a request body [1 MiB]

	// Refuse writes a refusal (default: JSON {"error", "reason"}).
	Refuse func(w http.ResponseWriter, status int, reason, msg string)
}

// Edge is one listener's security chain and routes. Create it with New.
type Edge struct {
	opt   Options
	log   *slog.Logger
	mux   *http.ServeMux
	hosts map[string]bool // Host headers of the plain listeners
	own   map[string]bool // the listener's own origins (http://, and https:// once ServeTLS ran)
	// refusals rate-limits the refusal log lines per origin and per Host.
	refusals *ratelog.Limiter

	mu       sync.Mutex
	srvs     []*http.Server
	ls       []net.Listener  // the servers' listeners, closed by Shutdown
	tlsHosts map[string]bool // Host headers of the TLS listeners (ServeTLS)
	tlsPort  int
}

// New builds an Edge with no routes.
func New(opt Options) *Edge {
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.ReadHeaderTimeout <= 0 {
		opt.ReadHeaderTimeout = 10 * time.Second
	}
	if opt.BodyTimeout <= 0 {
		opt.BodyTimeout = 10 * time.Second
	}
	if opt.MaxBodyBytes <= 0 {
		opt.MaxBodyBytes = 1 << 20
	}
	if opt.Refuse == nil {
		opt.Refuse = WriteRefusal
	}
	e := &Edge{opt: opt, log: opt.Logger, mux: http.NewServeMux(), refusals: ratelog.New(ratelog.Options{}),
		hosts: loopbackHosts(opt.Port), own: map[string]bool{}}
	for h := range e.hosts {
		e.own["http://"+h] = true
	}
	return e
}

// loopbackHosts are the Host headers that name port on loopback.
func loopbackHosts(port int) map[string]bool {
	p := strconv.Itoa(port)
	return map[string]bool{"127.0.0.1:" + p: true, "localhost:" + p: true, "[::1]:" + p: true}
}

// Handle serves pattern (http.ServeMux syntax, e.g. "GET /x", "/sdk/")
// with h behind policy p.
func (e *Edge) Handle(pattern string, p Policy, h http.Handler) {
	e.mux.Handle(pattern, e.guard(p, h))
}

// ServeHTTP applies the Host check, then the route's policy.
func (e *Edge) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	hosts, port := e.hosts, e.opt.Port
	if r.TLS != nil {
		e.mu.Lock()
		hosts, port = e.tlsHosts, e.tlsPort
		e.mu.Unlock()
	}
	if !hosts[strings.ToLower(r.Host)] {
		e.refusals.Log(e.log, slog.LevelWarn, "host "+r.Host, e.opt.Name+"refused request with foreign Host (DNS rebinding?)",
			"host", r.Host, "origin", r.Header.Get("Origin"), "path", r.URL.Path)
		e.opt.Refuse(w, http.StatusForbidden, "host_not_allowed",
			fmt.Sprintf("Host %q is not allowed: use 127.0.0.1:%d, localhost:%d or [::1]:%d", r.Host, port, port, port))
		return
	}
	if e.opt.Hold != nil {
		e.opt.Hold(r)
	}
	e.mux.ServeHTTP(w, r)
}

// IsOwnOrigin reports whether origin is this listener's own (pages it
// serves itself: the panel, the demo), over http or, after ServeTLS, https.
func (e *Edge) IsOwnOrigin(origin string) bool {
	o := strings.ToLower(origin)
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.own[o]
}

// OriginStatus reports the decision on origin without recording it as
// pending: the canonical origin and "allowed", "pending", "denied" or
// "invalid" (what /healthz tells a page).
func (e *Edge) OriginStatus(origin string) (canonical, status string) {
	var d sites.Decision
	if e.IsOwnOrigin(origin) {
		canonical, d = strings.ToLower(origin), sites.Allowed
	} else {
		canonical, d = e.peek(origin)
	}
	return canonical, map[sites.Decision]string{sites.Allowed: "allowed", sites.Pending: "pending", sites.Denied: "denied", sites.Invalid: "invalid"}[d]
}

func (e *Edge) peek(origin string) (string, sites.Decision) {
	if e.opt.Gate == nil {
		return origin, sites.Invalid
	}
	if p, ok := e.opt.Gate.(peeker); ok {
		return p.Peek(origin)
	}
	return e.opt.Gate.Check(origin, time.Now())
}

// WriteRefusal is the default refusal: JSON {"error": msg, "reason": reason}.
func WriteRefusal(w http.ResponseWriter, status int, reason, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg, "reason": reason})
}

// Listen binds 127.0.0.1:port and, where the machine has IPv6, [::1]:port.
// Port 0 binds a free port (the same one on both where possible).
func Listen(port int) ([]net.Listener, error) {
	l4, err := net.Listen("tcp4", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return nil, err
	}
	ls := []net.Listener{l4}
	if port == 0 {
		port = l4.Addr().(*net.TCPAddr).Port
	}
	if l6, err := net.Listen("tcp6", net.JoinHostPort("::1", strconv.Itoa(port))); err == nil {
		ls = append(ls, l6)
	}
	return ls, nil
}

// Serve serves on the listeners until Shutdown. It returns at once.
func (e *Edge) Serve(ls []net.Listener) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, l := range ls {
		srv := &http.Server{Handler: e, ReadHeaderTimeout: e.opt.ReadHeaderTimeout, IdleTimeout: 2 * time.Minute,
			ErrorLog: slog.NewLogLogger(e.log.Handler(), slog.LevelDebug)}
		e.srvs = append(e.srvs, srv)
		e.ls = append(e.ls, l)
		go func() {
			if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
				e.log.Error(e.opt.Name+"HTTP server stopped", "addr", l.Addr(), "err", err)
			}
		}()
	}
}

// ServeTLS serves the same routes over TLS (cfg: tlsca's) on the
// listeners (edge.Listen on a second port) until Shutdown; it returns at
// once. Requests there must name that port in Host, and the https origins
// of that port are the listener's own too.
func (e *Edge) ServeTLS(ls []net.Listener, cfg *tls.Config) {
	if len(ls) == 0 {
		return
	}
	port := ls[0].Addr().(*net.TCPAddr).Port
	e.mu.Lock()
	e.tlsHosts, e.tlsPort = loopbackHosts(port), port
	for h := range e.tlsHosts {
		e.own["https://"+h] = true
	}
	e.mu.Unlock()
	wrapped := make([]net.Listener, len(ls))
	for i, l := range ls {
		wrapped[i] = tls.NewListener(l, cfg)
	}
	e.Serve(wrapped)
}

// Shutdown stops accepting and waits for handlers until ctx ends.
// Long-lived connections (WebSockets) must be closed by their owner.
func (e *Edge) Shutdown(ctx context.Context) error {
	e.mu.Lock()
	srvs, ls := e.srvs, e.ls
	e.srvs, e.ls = nil, nil
	e.mu.Unlock()
	var first error
	for _, srv := range srvs {
		if err := srv.Shutdown(ctx); err != nil && first == nil {
			first = fmt.Errorf("shut down %s: %w", srv.Addr, err)
		}
	}
	// A server whose goroutine has not reached Serve yet does not know its
	// listener: close them all here, so the ports are free on return.
	for _, l := range ls {
		_ = l.Close()
	}
	return first
}
