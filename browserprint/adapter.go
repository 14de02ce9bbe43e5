package browserprint

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"syscall"
	"time"

	"github.com/labelbridge/labelbridge/edge"
	"github.com/labelbridge/labelbridge/internal/portowner"
	"github.com/labelbridge/labelbridge/internal/ports"
	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/wire"
)

// CompatRetry is how often an endpoint whose port is taken (Zebra's own
// app running) tries again.
const CompatRetry = 30 * time.Second

// Names of the Browser Print listeners in the port book.
const (
	bookName    = "Browser Print"
	bookTLSName = "Browser Print https"
)

// CompatOptions configure the agent's Browser Print endpoint (the
// config's browserPrint section and what the agent wires in).
type CompatOptions struct {
	Enabled      bool
	Port         int // http port (Zebra's 9100)
	TLSPort      int // https port (Zebra's 9101); <= 0: none
	AgentPort    int // the agent's own port, which Set refuses
	Locked       bool
	Token        string
	Version      string
	MaxBodyBytes int64
	ApprovalWait time.Duration
	Logger       *slog.Logger
	Ports        *ports.Book
	// TLS is the local CA's server config, nil without a local
	// certificate (TLSErr says why).
	TLS    func() *tls.Config
	TLSErr error
	// Save saves the choice in the user's config file.
	Save func(enabled bool, port int) error
}

// Compat runs the opt-in Zebra Browser Print compatible endpoint. One
// goroutine (Run) owns the listeners; the admin methods (Get, Set) ask it
// for changes.
type Compat struct {
	sp      Spooler
	gate    Gate
	opt     CompatOptions
	changes chan compatChange
	state   chan chan wire.BrowserPrintState
	// sitesChanged wakes requests held while their site waits for approval.
	sitesChanged func() <-chan struct{}
	ctx          context.Context
}

type compatChange struct {
	enabled bool
	port    int
	done    chan wire.BrowserPrintState
}

// NewCompat makes the endpoint's owner; sitesChanged may be nil. Run
// starts it.
func NewCompat(sp Spooler, gate Gate, sitesChanged func() <-chan struct{}, opt CompatOptions) *Compat {
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.Ports == nil {
		opt.Ports = ports.NewBook()
	}
	return &Compat{sp: sp, gate: gate, opt: opt, sitesChanged: sitesChanged,
		changes: make(chan compatChange), state: make(chan chan wire.BrowserPrintState)}
}

// Run listens while enabled, retries a taken port, and applies changes
// until ctx ends.
func (c *Compat) Run(ctx context.Context) {
	c.ctx = ctx
	enabled, port := c.opt.Enabled, c.opt.Port
	book, log := c.opt.Ports, c.opt.Logger
	var (
		srv       *Handler // nil while not listening
		lastErr   string
		retry     <-chan time.Time
		timer     *time.Timer
		tlsCancel context.CancelFunc = func() {}
	)
	stop := func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		tlsCancel()
		if srv != nil {
			_ = srv.Shutdown(sctx)
			log.Info("Browser Print compatibility stopped", "port", port)
		}
		srv = nil
		book.Drop(bookName)
		book.Drop(bookTLSName)
	}
	apply := func() {
		if timer != nil {
			timer.Stop()
			retry = nil
		}
		lastErr = ""
		if !enabled || srv != nil {
			return
		}
		var err error
		srv, err = c.listen(port)
		if err == nil {
			book.Set(wire.Listener{Name: bookName, URL: fmt.Sprintf("http://127.0.0.1:%d/available", port), Listening: true})
			tlsCancel = c.serveTLS(srv)
		} else {
			book.Set(wire.Listener{Name: bookName, URL: fmt.Sprintf("http://127.0.0.1:%d/available", port), Error: err.Error(), Holder: portowner.Name(port)})
			lastErr = err.Error()
			log.Warn("Browser Print compatibility is on but cannot listen; trying again every 30 s", "port", port, "err", err)
			timer = time.NewTimer(CompatRetry)
			retry = timer.C
		}
	}
	now := func() wire.BrowserPrintState {
		return wire.BrowserPrintState{Enabled: enabled, Port: port, Listening: srv != nil, Locked: c.opt.Locked, Error: lastErr}
	}
	apply()
	defer stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-retry:
			apply()
		case ch := <-c.state:
			ch <- now()
		case ch := <-c.changes:
			if ch.port != port || !ch.enabled {
				stop()
			}
			enabled, port = ch.enabled, ch.port
			apply()
			ch.done <- now()
		}
	}
}

// listen serves the endpoint on 127.0.0.1:port (and [::1]:port).
func (c *Compat) listen(port int) (*Handler, error) {
	ls, err := edge.Listen(port)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			who := portowner.Name(port)
			if who == "" {
				who = "another program (Zebra Browser Print?)"
			}
			return nil, fmt.Errorf("port %d is in use by %s: quit it, or choose another port for browserPrint", port, who)
		}
		return nil, fmt.Errorf("listen on 127.0.0.1:%d: %w", port, err)
	}
	h := New(c.sp, c.gate, Options{
		Port: port, Token: c.opt.Token, Version: c.opt.Version, MaxBodyBytes: c.opt.MaxBodyBytes,
		Logger:       c.opt.Logger.With("component", "browserprint"),
		ApprovalWait: c.opt.ApprovalWait, SitesChanged: c.sitesChanged,
	})
	h.Serve(ls) // headers within 10 s, bodies within BodyTimeout (408): the edge's limits
	c.opt.Logger.Info("Browser Print compatibility listening", "url", fmt.Sprintf("http://127.0.0.1:%d/available", port))
	return h, nil
}

// serveTLS serves h over https on TLSPort until the returned cancel,
// retrying while the port is taken. Without a local certificate it
// records why.
func (c *Compat) serveTLS(h *Handler) context.CancelFunc {
	port := c.opt.TLSPort
	if port <= 0 {
		return func() {}
	}
	if c.opt.TLS == nil {
		c.opt.Ports.Set(wire.Listener{Name: bookTLSName, URL: fmt.Sprintf("https://127.0.0.1:%d/available", port), Error: fmt.Sprint(c.opt.TLSErr)})
		return func() {}
	}
	ctx, cancel := context.WithCancel(c.ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.opt.Ports.Serve(ctx, c.opt.Logger, bookTLSName, port, "https://127.0.0.1:%d/available", "quit it (Zebra Browser Print?), or set browserPrint.tlsPort",
			func(ls []net.Listener) { h.ServeTLS(ls, c.opt.TLS()) })
	}()
	return func() { cancel(); <-done }
}

// Get is browserPrint.get: the endpoint's state.
func (c *Compat) Get(ctx context.Context, _ json.RawMessage) (any, error) {
	ch := make(chan wire.BrowserPrintState, 1)
	select {
	case c.state <- ch:
		return <-ch, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// decodeCompatSet decodes browserPrint.set's params strictly; enabled is
// required.
func decodeCompatSet(raw json.RawMessage) (wire.BrowserPrintSetParams, error) {
	var p wire.BrowserPrintSetParams
	if err := wire.DecodeParams(raw, &p); err != nil {
		return p, err
	}
	if p.Enabled == nil {
		return p, wire.InvalidParams(`params: want {"enabled": true|false, "port"?: number}: enabled is required`)
	}
	return p, nil
}

// Set is browserPrint.set: it turns the endpoint on or off ({"enabled":
// bool, "port"?: n}), saves it in the user's config file and answers the
// new state.
func (c *Compat) Set(ctx context.Context, raw json.RawMessage) (any, error) {
	p, err := decodeCompatSet(raw)
	if err != nil {
		return nil, err
	}
	if c.opt.Locked {
		return nil, &printing.Error{Code: printing.ErrReasonNotAllowed, Msg: "browserPrint is set by the admin policy and cannot be changed here"}
	}
	cur, err := c.Get(ctx, nil)
	if err != nil {
		return nil, err
	}
	if p.Port == 0 {
		p.Port = cur.(wire.BrowserPrintState).Port
	}
	if p.Port < 1 || p.Port > 65535 || p.Port == c.opt.AgentPort {
		return nil, &printing.Error{Code: printing.ErrReasonInvalidParams, Msg: fmt.Sprintf("port: must be 1 to 65535 and not the agent's port %d, got %d", c.opt.AgentPort, p.Port)}
	}
	if c.opt.Save != nil {
		if err := c.opt.Save(*p.Enabled, p.Port); err != nil {
			return nil, &printing.Error{Code: printing.ErrReasonStoreFailed, Msg: "save the Browser Print setting", Err: err}
		}
	}
	ch := compatChange{enabled: *p.Enabled, port: p.Port, done: make(chan wire.BrowserPrintState, 1)}
	select {
	case c.changes <- ch:
		return <-ch.done, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
