// Package qz is a drop-in for QZ Tray's WebSocket API, so pages written for
// QZ Tray (the qz-tray npm package, unmodified) print through Labelbridge:
// they connect, find printers (QZ Tray's name matching), read the default
// and print raw data (plain, base64 or hex; copies; job name) or pixel data
// (PDF, PNG, JPEG: printed as documents, pixel.go), which goes into the
// normal durable queue under the page's origin, keyed by the message so a
// resend prints once.
//
// A Server is one listener on two ports: ws:// (QZ Tray's 8182, for http
// pages; Serve) and wss:// (8181, for https pages; ServeTLS with the local
// CA's certificate, package tlsca). It sits behind the agent's HTTP edge
// (package edge): the Host must be a loopback name with the port,
// the WebSocket upgrade is accepted on any path, and the Origin goes
// through the same sites gate as every other listener (an unknown site is
// recorded as pending approval). Certificates and signatures are not
// checked: trust is the per-origin approval. A site that is not approved
// is refused the way QZ Tray refuses a connection the user blocks: the
// reply to its certificate message is QZ's "Connection blocked by client",
// which qz-tray.js turns into the rejection of connect(), and the
// connection closes. Calls Labelbridge does not serve answer a clear error.
//
// The wire protocol (read from QZ Tray's sources) is in
// docs/qz-tray.md; protocol.go decodes and answers messages, print.go
// builds jobs, match.go names and matches printers.
package qz

import (
	"context"
	"crypto/tls"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/coder/websocket"

	"github.com/labelbridge/labelbridge/edge"
	"github.com/labelbridge/labelbridge/internal/wsconn"
)

// Default ports: QZ Tray's first secure and insecure ports.
const (
	DefaultSecurePort = 8181
	DefaultPort       = 8182
)

// Options configure a Server.
type Options struct {
	Port         int    // the ws:// port pages connect to (and name in Host)
	Name         string // the listener's name in log lines
	AgentVersion string // Labelbridge's version (getVersion with details)
	Logger       *slog.Logger

	// Budgets, like the agent's /ws (defaults in brackets).
	MaxMessageBytes int64         // one message [16 MiB]
	MaxJobBytes     int           // one print's bytes [8 MiB]
	MaxInFlight     int           // unanswered messages per connection before it stops reading [16]
	RequestTimeout  time.Duration // one message, from read to reply [20 s]
	PingEvery       time.Duration // keep-alive pings [30 s]
	WriteTimeout    time.Duration // one reply write [10 s]
}

// Server is one QZ Tray compatible listener. Create it with New.
type Server struct {
	opt  Options
	log  *slog.Logger
	edge *edge.Edge
	h    *Handler

	conns wsconn.Set[*conn]
}

// Gate decides on an Origin header (package sites is the real one).
type Gate = edge.Gate

// New builds a Server printing through sp, its sites checked by gate.
func New(sp Spooler, gate Gate, opt Options) *Server {
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.Name == "" {
		opt.Name = "QZ Tray"
	}
	if opt.MaxMessageBytes <= 0 {
		opt.MaxMessageBytes = wsconn.DefaultReadLimit
	}
	if opt.MaxJobBytes <= 0 {
		opt.MaxJobBytes = 8 << 20
	}
	if opt.RequestTimeout <= 0 {
		opt.RequestTimeout = 20 * time.Second
	}
	s := &Server{opt: opt, log: opt.Logger}
	s.edge = edge.New(edge.Options{Port: opt.Port, Name: opt.Name + ": ", Gate: gate, Logger: opt.Logger})
	s.h = &Handler{sp: sp, opt: opt, log: opt.Logger, allowed: func(origin, _ string) bool {
		_, status := s.edge.OriginStatus(origin)
		return status == "allowed"
	}}
	// Any path: qz-tray.js connects to "/", QZ Tray maps "/*".
	s.edge.Handle("/", edge.Policy{Access: edge.SitesInBand, Stream: true}, http.HandlerFunc(s.serve))
	return s
}

// Serve serves ws:// on the listeners (edge.Listen(Options.Port)) until
// Shutdown. It returns at once.
func (s *Server) Serve(ls []net.Listener) { s.edge.Serve(ls) }

// ServeTLS serves wss:// on the listeners (edge.Listen on the secure port)
// with cfg (tlsca's) until Shutdown. It returns at once.
func (s *Server) ServeTLS(ls []net.Listener, cfg *tls.Config) { s.edge.ServeTLS(ls, cfg) }

// Shutdown stops accepting, closes every connection (going away) and waits
// for handlers until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	for _, c := range s.conns.Shut() {
		c.CloseWith(websocket.StatusGoingAway, "Labelbridge is stopping")
	}
	return s.edge.Shutdown(ctx)
}

// serve upgrades any request to a WebSocket; a plain GET learns what this
// port is.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Upgrade") == "" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write([]byte("Labelbridge: QZ Tray compatible WebSocket endpoint (connect with qz-tray.js)\n"))
		return
	}
	if s.conns.Closed() {
		edge.WriteRefusal(w, http.StatusServiceUnavailable, "unavailable", "Labelbridge is stopping")
		return
	}
	p := edge.PeerOf(r)
	// The edge checked Host and Origin (a refused origin is refused at the
	// certificate step).
	ws, err := wsconn.Accept(w, r)
	if err != nil {
		s.log.Debug(s.opt.Name+": WebSocket handshake failed", "err", err)
		return
	}
	defer ws.CloseNow()
	c := newConn(s, ws, &Session{h: s.h, origin: p.Origin, refusal: p.Refusal})
	if !s.conns.Add(c) {
		return // shut down meanwhile
	}
	defer s.conns.Remove(c)
	s.log.Debug(s.opt.Name+": connection opened", "origin", p.Origin, "refusal", p.Refusal)
	c.Run()
}
