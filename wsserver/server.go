// Package wsserver is the agent's JSON-RPC 2.0 WebSocket API at /ws and
// /healthz, on the listener's HTTP edge (package edge), where the panel and
// the SDK are mounted too. The edge checks Host, then Origin (or the local
// CLI token, or the panel's admin session) before the WebSocket handshake
// is accepted.
package wsserver

import (
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/labelbridge/labelbridge/edge"
	"github.com/labelbridge/labelbridge/internal/wsconn"
	"github.com/labelbridge/labelbridge/printing"
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
	// RetryOn is Retry on another printer ("" or the job's own: Retry).
	RetryOn(ctx context.Context, id, printer string) (printing.Job, error)
	Subscribe(buffer int) *printing.Subscription
	SubscribeOrigin(buffer int, origin string) *printing.Subscription
}

// Previewer renders a label (the JSON label model) to a PNG.
type Previewer interface {
	PreviewLabel(ctx context.Context, label json.RawMessage, dpi int) ([]byte, error)
}

// Gate decides on an Origin header (package sites is the real one).
type Gate = edge.Gate

// Options configure a Server.
type Options struct {
	Port            int // the port clients must name in Host
	Version         string
	MaxMessageBytes int64
	Token           string // the local CLI token (Authorization: Bearer …)
	// Sessions, when set, lets the agent's own panel connect as admin: a
	// live session secret offered as a subprotocol (edge.SessionProtocol)
	// AND the agent's own Origin.
	Sessions     edge.Sessions
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
	sp   Spooler
	opt  Options
	log  *slog.Logger
	edge *edge.Edge

	conns wsconn.Set[*conn]

	mu     sync.Mutex
	admins []AdminMethod
	extra  map[string]handler

	workers chan struct{} // the render pool: a token per render running
	tlsPort atomic.Int32  // the wss port, named by /healthz (0: none)
}

// SetTLSPort names the port where the same API is served over TLS (wss);
// /healthz tells pages, so the SDK can use it where ws cannot be.
func (s *Server) SetTLSPort(port int) { s.tlsPort.Store(int32(port)) }

// New builds a Server.
func New(sp Spooler, gate Gate, opt Options) *Server {
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.MaxMessageBytes == 0 {
		opt.MaxMessageBytes = wsconn.DefaultReadLimit
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
		opt.MaxInFlight = wsconn.DefaultMaxInFlight
	}
	s := &Server{
		sp: sp, opt: opt, log: opt.Logger,
		edge: edge.New(edge.Options{
			Port: opt.Port, Gate: gate, Token: opt.Token, Sessions: opt.Sessions, Logger: opt.Logger,
			ReadHeaderTimeout: opt.ReadHeaderTimeout, BodyTimeout: opt.BodyTimeout, MaxBodyBytes: opt.MaxBodyBytes,
		}),
		extra:   map[string]handler{},
		workers: make(chan struct{}, opt.Workers),
	}
	s.edge.Handle("/ws", edge.Socket, http.HandlerFunc(s.serveWS))
	s.edge.Handle("/healthz", edge.Health, http.HandlerFunc(s.serveHealth))
	return s
}

// Edge is the listener's HTTP edge, where the panel and the SDK are
// mounted with their policies.
func (s *Server) Edge() *edge.Edge { return s.edge }

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
	for _, c := range s.conns.List() {
		c.mu.Lock()
		want := c.peer.admin && c.topics[topic]
		c.mu.Unlock()
		if want {
			c.Send(data)
		}
	}
}

// ServeHTTP serves a request through the edge (Host, Origin, limits).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.edge.ServeHTTP(w, r) }

// Serve serves on the listeners until Shutdown. It returns at once.
func (s *Server) Serve(ls []net.Listener) { s.edge.Serve(ls) }

// Shutdown stops accepting, closes every WebSocket (going away) and waits
// for handlers until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	for _, c := range s.conns.Shut() {
		c.CloseWith(websocket.StatusGoingAway, "agent is stopping")
	}
	return s.edge.Shutdown(ctx)
}

// peer is who is on the other end of a connection (edge.PeerOf).
type peer struct {
	origin string // canonical Origin, or "cli" for token holders
	admin  bool   // may see and manage every site's jobs and the settings
}

// serveHealth answers any origin, with CORS, so a page can tell "agent not
// running" from "this site is not approved" (browsers hide why a WebSocket
// handshake was refused).
func (s *Server) serveHealth(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		edge.WriteRefusal(w, http.StatusMethodNotAllowed, "method_not_allowed", "use GET")
		return
	}
	body := map[string]any{"name": "labelbridge", "version": s.opt.Version, "protocol": ProtocolVersion}
	if p := s.tlsPort.Load(); p > 0 {
		body["tlsPort"] = p
	}
	if origin := r.Header.Get("Origin"); origin != "" {
		canon, status := s.edge.OriginStatus(origin)
		body["origin"] = canon
		body["originAllowed"] = status == "allowed"
		body["originStatus"] = status
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(body)
}

func (s *Server) serveWS(w http.ResponseWriter, r *http.Request) {
	ep := edge.PeerOf(r)
	p := peer{origin: ep.Origin, admin: ep.Admin}
	if s.conns.Closed() {
		edge.WriteRefusal(w, http.StatusServiceUnavailable, printing.ErrReasonUnavailable, "agent is stopping")
		return
	}
	// The edge checked Host and Origin. The panel asks for the admin
	// subprotocol (with its session secret beside it): it is named in the
	// answer, the secret never is. Whether the connection is admin is
	// hello's "admin".
	wc, err := wsconn.Accept(w, r, edge.AdminProtocol)
	if err != nil {
		s.log.Debug("WebSocket handshake failed", "err", err)
		return
	}
	defer wc.CloseNow()
	c := newConn(s, wc, p)
	if !s.conns.Add(c) {
		return // shut down meanwhile
	}
	defer s.conns.Remove(c)
	c.run()
}
