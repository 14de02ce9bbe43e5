// Package wsserver is the agent's HTTP face on loopback: the JSON-RPC 2.0
// WebSocket API at /ws, /healthz, and the mount points for the panel and the
// SDK. Every request passes the Host check (DNS-rebinding defence); /ws also
// passes the Origin check (or the local CLI token) before the WebSocket
// handshake is accepted.
package wsserver

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/labelbridge/labelbridge/internal/ratelog"
	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/sites"
)

// Spooler is what the server needs from the printing core.
type Spooler interface {
	Printers() []printing.Printer
	Printer(id string) (printing.Printer, error)
	SetDefault(id string) (printing.Printer, error)
	DefaultPrinter() string
	// SubmitContext queues a print; compiling a label stops when ctx ends.
	SubmitContext(ctx context.Context, req printing.Request) <-chan printing.SubmitResult
	Job(id string) (printing.Job, error)
	Jobs(f printing.JobFilter) ([]printing.Job, error)
	Cancel(id string) (printing.Job, error)
	Retry(ctx context.Context, id string) (printing.Job, error)
	Subscribe(buffer int) *printing.Subscription
	SubscribeOrigin(buffer int, origin string) *printing.Subscription
}

// Previewer renders a label (the JSON label model) to a PNG.
type Previewer interface {
	PreviewLabel(ctx context.Context, label json.RawMessage, dpi int) ([]byte, error)
}

// Gate decides on an Origin header (package sites is the real one).
type Gate interface {
	Check(origin string, now time.Time) (canonical string, d sites.Decision)
}

// Sessions knows the panel's login sessions (package adminauth is the real
// one). Valid says only that r carries a live session cookie: a cookie is
// sent to every port of the host, so the server also checks the Origin.
type Sessions interface {
	Valid(r *http.Request) bool
}

// Options configure a Server.
type Options struct {
	Port            int // the port clients must name in Host
	Version         string
	MaxMessageBytes int64
	Token           string // the local CLI token (Authorization: Bearer …)
	// Sessions, when set, lets the agent's own panel connect as admin with
	// /ws?admin=1: a live panel session cookie AND the agent's own Origin.
	Sessions     Sessions
	Logger       *slog.Logger
	Previewer    Previewer     // optional: labels.preview
	PingEvery    time.Duration // keep-alive pings (default 30 s)
	WriteTimeout time.Duration // one message write (default 10 s)
	EventBuffer  int           // events a connection may fall behind by before it is closed (default 8192)

	// Bounds on the work one request may cause (defaults in brackets).
	MaxBatch       int           // entries in one JSON-RPC batch [100]
	MaxReplyBytes  int64         // one reply, or a whole batch's [MaxMessageBytes]
	QueuedBytes    int64         // replies and events waiting to be written before the client counts as fallen behind [4 × MaxReplyBytes]
	RequestTimeout time.Duration // one request, from dispatch to reply [20 s]
	Workers        int           // renders (previews, prints of labels, admin methods) at once, all connections together [GOMAXPROCS]
	MaxInFlight    int           // unanswered messages per connection before it stops reading [16]

	// HTTP: slow clients are cut off (WebSockets are not affected).
	ReadHeaderTimeout time.Duration // request headers [10 s]
	BodyTimeout       time.Duration // a request body, after the headers [10 s]
	MaxBodyBytes      int64         // a request body on the non-WebSocket routes [1 MiB]
}

// Server serves the API. Create it with New.
type Server struct {
	sp    Spooler
	gate  Gate
	opt   Options
	log   *slog.Logger
	mux   *http.ServeMux
	hosts map[string]bool
	// refusals rate-limits the refusal log lines per origin and per Host,
	// so a flood of refused requests cannot rotate the log away.
	refusals *ratelog.Limiter

	mu     sync.Mutex
	conns  map[*conn]struct{}
	admins []AdminMethod
	extra  map[string]handler
	srvs   []*http.Server
	closed bool

	workers chan struct{} // the render pool: a token per render running
}

// New builds a Server.
func New(sp Spooler, gate Gate, opt Options) *Server {
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.MaxMessageBytes == 0 {
		opt.MaxMessageBytes = 16 << 20
	}
	if opt.PingEvery == 0 {
		opt.PingEvery = 30 * time.Second
	}
	if opt.WriteTimeout == 0 {
		opt.WriteTimeout = 10 * time.Second
	}
	if opt.EventBuffer == 0 {
		opt.EventBuffer = 8192
	}
	if opt.MaxBatch <= 0 {
		opt.MaxBatch = 100
	}
	if opt.MaxReplyBytes <= 0 {
		opt.MaxReplyBytes = opt.MaxMessageBytes
	}
	if opt.QueuedBytes <= 0 {
		opt.QueuedBytes = 4 * opt.MaxReplyBytes
	}
	if opt.RequestTimeout <= 0 {
		opt.RequestTimeout = 20 * time.Second
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	if opt.MaxInFlight <= 0 {
		opt.MaxInFlight = 16
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
	port := strconv.Itoa(opt.Port)
	s := &Server{
		sp: sp, gate: gate, opt: opt, log: opt.Logger, mux: http.NewServeMux(),
		hosts: map[string]bool{"127.0.0.1:" + port: true, "localhost:" + port: true, "[::1]:" + port: true},
		conns: map[*conn]struct{}{}, extra: map[string]handler{},
		workers:  make(chan struct{}, opt.Workers),
		refusals: ratelog.New(ratelog.Options{}),
	}
	s.mux.HandleFunc("/ws", s.serveWS)
	s.mux.HandleFunc("/healthz", s.serveHealth)
	return s
}

// Handle mounts another handler (panel, SDK) behind the Host check.
func (s *Server) Handle(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }

// AdminMethod is an extra JSON-RPC method only admin connections (the CLI
// token, the panel) may call: site approval, printer management.
type AdminMethod struct {
	Name string
	Call func(ctx context.Context, params json.RawMessage) (any, error)
}

// AddAdminMethods registers extra admin-only methods. They run on the
// render pool (some render previews) with the request's context.
func (s *Server) AddAdminMethods(ms ...AdminMethod) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range ms {
		call := m.Call
		s.extra[m.Name] = handler{admin: true, renders: true, fn: func(_ *conn, req *request) (any, error) { return call(req.ctx, req.Params) }}
	}
}

// Notify sends a notification to every admin connection subscribed to
// topic (the "sites" topic: the allow-list or the pending sites changed).
// It queues the event on each connection in call order and never blocks.
func (s *Server) Notify(topic, method string, params any) {
	data, err := json.Marshal(notification{JSONRPC: "2.0", Method: method, Params: params})
	if err != nil {
		s.log.Error("encode event", "method", method, "err", err)
		return
	}
	s.mu.Lock()
	conns := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.mu.Lock()
		want := c.peer.admin && c.topics[topic]
		c.mu.Unlock()
		if want {
			c.send(data)
		}
	}
}

// ServeHTTP applies the Host check, then routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.hosts[strings.ToLower(r.Host)] {
		s.refusals.Log(s.log, slog.LevelWarn, "host "+r.Host, "refused request with foreign Host (DNS rebinding?)", "host", r.Host, "origin", r.Header.Get("Origin"), "path", r.URL.Path)
		writeRefusal(w, http.StatusForbidden, "host_not_allowed",
			fmt.Sprintf("Host %q is not allowed: use 127.0.0.1:%d, localhost:%d or [::1]:%d", r.Host, s.opt.Port, s.opt.Port, s.opt.Port))
		return
	}
	if r.URL.Path != "/ws" && !s.readBody(w, r) {
		return
	}
	s.mux.ServeHTTP(w, r)
}

// readBody reads a request's body (if any) within BodyTimeout and
// MaxBodyBytes, so a client that trickles a body is cut off with 408
// instead of holding a handler. The WebSocket route is long-lived and
// carries no body: it is not subject to this.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) bool {
	if r.Body == nil || r.Body == http.NoBody {
		return true
	}
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Now().Add(s.opt.BodyTimeout)) // not every ResponseWriter can (tests' recorders)
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.opt.MaxBodyBytes))
	if err != nil {
		// The rest of the body is not read: the connection closes after
		// the answer (net/http would otherwise try to drain it first).
		w.Header().Set("Connection", "close")
		var tooBig *http.MaxBytesError
		var ne net.Error
		switch {
		case errors.As(err, &tooBig):
			writeRefusal(w, http.StatusRequestEntityTooLarge, printing.ErrReasonPayloadTooLarge, fmt.Sprintf("request body is over the limit of %d bytes", s.opt.MaxBodyBytes))
		case errors.As(err, &ne) && ne.Timeout():
			writeRefusal(w, http.StatusRequestTimeout, "request_timeout", fmt.Sprintf("the request body did not arrive within %s", s.opt.BodyTimeout))
		default:
			writeRefusal(w, http.StatusBadRequest, "invalid_request", fmt.Sprintf("read the request body: %v", err))
		}
		return false
	}
	_ = rc.SetReadDeadline(time.Time{})
	r.Body = io.NopCloser(bytes.NewReader(data))
	return true
}

func writeRefusal(w http.ResponseWriter, status int, reason, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg, "reason": reason})
}

// Listen binds 127.0.0.1:port and, where the machine has IPv6, [::1]:port.
func Listen(port int) ([]net.Listener, error) {
	l4, err := net.Listen("tcp4", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return nil, err
	}
	ls := []net.Listener{l4}
	if l6, err := net.Listen("tcp6", net.JoinHostPort("::1", strconv.Itoa(port))); err == nil {
		ls = append(ls, l6)
	}
	return ls, nil
}

// Serve serves on the listeners until Shutdown. It returns at once.
func (s *Server) Serve(ls []net.Listener) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range ls {
		srv := &http.Server{Handler: s, ReadHeaderTimeout: s.opt.ReadHeaderTimeout, IdleTimeout: 2 * time.Minute,
			ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelDebug)}
		s.srvs = append(s.srvs, srv)
		go func() {
			if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
				s.log.Error("HTTP server stopped", "addr", l.Addr(), "err", err)
			}
		}()
	}
}

// Shutdown stops accepting, closes every WebSocket (going away) and waits
// for handlers until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closed = true
	srvs := s.srvs
	conns := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.closeWith(websocket.StatusGoingAway, "agent is stopping")
	}
	var first error
	for _, srv := range srvs {
		if err := srv.Shutdown(ctx); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// peer is who is on the other end of a connection.
type peer struct {
	origin string // canonical Origin, or "cli" for token holders
	admin  bool   // may see and manage every site's jobs and the settings
}

// authorize checks the Origin (browsers) or the CLI token (other programs).
func (s *Server) authorize(r *http.Request) (peer, int, string, string) {
	header, hasOrigin := r.Header["Origin"]
	if !hasOrigin {
		if s.opt.Token != "" && s.tokenOK(r) {
			return peer{origin: "cli", admin: true}, 0, "", ""
		}
		return peer{}, http.StatusForbidden, "origin_missing",
			"no Origin header: browsers always send one; other programs must present the local token (Authorization: Bearer …)"
	}
	origin := ""
	if len(header) > 0 {
		origin = header[0]
	}
	if p, ok := s.panelPeer(r, origin); ok {
		return p, 0, "", ""
	}
	if s.IsOwnOrigin(origin) {
		// Pages the agent serves itself (the demo): it serves only its own
		// embedded files, so its origin is always allowed (as a site).
		return peer{origin: strings.ToLower(origin)}, 0, "", ""
	}
	canon, d := s.gate.Check(origin, time.Now())
	switch d {
	case sites.Allowed:
		return peer{origin: canon}, 0, "", ""
	case sites.Denied:
		return peer{}, http.StatusForbidden, "origin_denied", fmt.Sprintf("origin %s was denied on this PC (open the Labelbridge panel to allow it)", canon)
	case sites.Pending:
		return peer{}, http.StatusForbidden, "origin_not_allowed", fmt.Sprintf("origin %s is not allowed yet: it is waiting for approval in the Labelbridge tray or panel", canon)
	default:
		return peer{}, http.StatusForbidden, "origin_invalid", fmt.Sprintf("origin %q cannot be allowed (opaque or malformed)", origin)
	}
}

// panelPeer recognises the agent's own panel: a connection that asks for
// admin rights (/ws?admin=1) with a live panel session cookie AND the
// agent's own Origin. The cookie alone is not enough: browsers send it to
// pages on every port of the host (same-site), and those pages connect
// with their own Origin, which is not ours. Without the opt-in, an own-origin
// page (the demo) is an ordinary page even when the user has a session.
func (s *Server) panelPeer(r *http.Request, origin string) (peer, bool) {
	if s.opt.Sessions == nil || r.URL.Query().Get("admin") != "1" || !s.IsOwnOrigin(origin) {
		return peer{}, false
	}
	if !s.opt.Sessions.Valid(r) {
		return peer{}, false
	}
	return peer{origin: strings.ToLower(origin), admin: true}, true
}

// IsOwnOrigin reports whether origin is this agent's own (its panel's).
func (s *Server) IsOwnOrigin(origin string) bool {
	o := strings.ToLower(origin)
	return strings.HasPrefix(o, "http://") && s.hosts[strings.TrimPrefix(o, "http://")]
}

func (s *Server) tokenOK(r *http.Request) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(tok), []byte(s.opt.Token)) == 1
}

// serveHealth answers any origin, with CORS, so a page can tell "agent not
// running" from "this site is not approved" (browsers hide why a WebSocket
// handshake was refused).
func (s *Server) serveHealth(w http.ResponseWriter, r *http.Request) {
	origin := r.Header.Get("Origin")
	if origin != "" {
		w.Header().Set("Access-Control-Allow-Origin", origin)
		w.Header().Set("Vary", "Origin")
		w.Header().Set("Access-Control-Allow-Private-Network", "true")
		w.Header().Set("Access-Control-Allow-Methods", "GET, OPTIONS")
		w.Header().Set("Access-Control-Allow-Headers", "Content-Type")
		w.Header().Set("Access-Control-Max-Age", "600")
	}
	if r.Method == http.MethodOptions {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeRefusal(w, http.StatusMethodNotAllowed, "method_not_allowed", "use GET")
		return
	}
	body := map[string]any{"name": "labelbridge", "version": s.opt.Version, "protocol": ProtocolVersion}
	if origin != "" {
		canon, d := s.originStatus(origin)
		body["origin"] = canon
		body["originAllowed"] = d == sites.Allowed
		body["originStatus"] = map[sites.Decision]string{sites.Allowed: "allowed", sites.Pending: "pending", sites.Denied: "denied", sites.Invalid: "invalid"}[d]
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(body)
}

// originStatus reports the decision for origin without recording a new
// pending site (only a refused WebSocket does that).
func (s *Server) originStatus(origin string) (string, sites.Decision) {
	if q, ok := s.gate.(interface {
		Peek(origin string) (string, sites.Decision)
	}); ok {
		return q.Peek(origin)
	}
	return s.gate.Check(origin, time.Now())
}

func (s *Server) serveWS(w http.ResponseWriter, r *http.Request) {
	p, status, reason, msg := s.authorize(r)
	if status != 0 {
		s.refusals.Log(s.log, slog.LevelWarn, "origin "+r.Header.Get("Origin"), "refused WebSocket", "origin", r.Header.Get("Origin"), "reason", reason, "remote", r.RemoteAddr)
		writeRefusal(w, status, reason, msg)
		return
	}
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		writeRefusal(w, http.StatusServiceUnavailable, printing.ErrReasonUnavailable, "agent is stopping")
		return
	}
	// Host and Origin were checked above; coder/websocket's own check would
	// refuse the allowed cross-origin pages.
	wc, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true, CompressionMode: websocket.CompressionDisabled})
	if err != nil {
		s.log.Debug("WebSocket handshake failed", "err", err)
		return
	}
	defer wc.CloseNow()
	wc.SetReadLimit(s.opt.MaxMessageBytes)
	c := newConn(s, wc, p)
	s.mu.Lock()
	s.conns[c] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
	}()
	c.run()
}
