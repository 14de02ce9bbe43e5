package browserprint

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/labelbridge/labelbridge/internal/ports"
	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/wire"
)

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

// Compat runs the opt-in Zebra Browser Print compatible endpoint: while
// enabled, http on its port (a ports.Switch: a taken port is retried) and,
// once that listens, https on TLSPort. The admin methods (Get, Set) turn
// it on and off; Run holds it until its context ends.
type Compat struct {
	sp   Spooler
	gate Gate
	opt  CompatOptions
	// sitesChanged wakes requests held while their site waits for approval.
	sitesChanged func() <-chan struct{}

	mu      sync.Mutex
	ctx     context.Context // Run's while it runs; nil: changes wait for it
	enabled bool
	port    int
	h       *Handler      // while enabled: the endpoint, http and https
	http    *ports.Switch // while enabled: h's http port
	https   *ports.Switch // while enabled with a certificate and TLSPort: h's https port
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
	return &Compat{sp: sp, gate: gate, opt: opt, sitesChanged: sitesChanged, enabled: opt.Enabled, port: opt.Port}
}

// Run listens while enabled and applies changes until ctx ends.
func (c *Compat) Run(ctx context.Context) {
	c.mu.Lock()
	c.ctx = ctx
	c.apply()
	c.mu.Unlock()
	<-ctx.Done()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.off()
	c.ctx = nil
}

// apply turns the endpoint on at c.port or off, as c.enabled says; on
// already, it tries a port still taken again now. c.mu is held.
func (c *Compat) apply() {
	if c.ctx == nil {
		return
	}
	if !c.enabled {
		c.off()
		return
	}
	if c.http == nil {
		c.on()
	}
	c.http.Enable(c.ctx, c.port)
}

// on makes the endpoint for c.port: its handler and switches. c.mu is held.
func (c *Compat) on() {
	ctx, log, book := c.ctx, c.opt.Logger, c.opt.Ports
	h := New(c.sp, c.gate, Options{
		Port: c.port, Token: c.opt.Token, Version: c.opt.Version, MaxBodyBytes: c.opt.MaxBodyBytes,
		Logger:       log.With("component", "browserprint"),
		ApprovalWait: c.opt.ApprovalWait, SitesChanged: c.sitesChanged,
	})
	tlsPort, tlsURL := c.opt.TLSPort, fmt.Sprintf("https://127.0.0.1:%d/available", c.opt.TLSPort)
	var https *ports.Switch
	if tlsPort > 0 && c.opt.TLS != nil {
		https = &ports.Switch{Book: book, Log: log, Name: bookTLSName, URL: "https://127.0.0.1:%d/available",
			Fix:   "quit it (Zebra Browser Print?), or set browserPrint.tlsPort",
			Serve: func(ls []net.Listener) { h.ServeTLS(ls, c.opt.TLS()) }}
	}
	c.h, c.https = h, https
	c.http = &ports.Switch{Book: book, Log: log, Name: bookName, URL: "http://127.0.0.1:%d/available",
		Fix: "quit it, or choose another port for browserPrint",
		Serve: func(ls []net.Listener) {
			h.Serve(ls) // headers within 10 s, bodies within BodyTimeout (408): the edge's limits
			switch {
			case https != nil:
				https.Enable(ctx, tlsPort)
			case tlsPort > 0:
				book.Set(wire.Listener{Name: bookTLSName, URL: tlsURL, Error: fmt.Sprint(c.opt.TLSErr)})
			}
		}}
}

// off stops the endpoint and forgets it in the port book. c.mu is held.
func (c *Compat) off() {
	if c.http == nil {
		return
	}
	listened := c.http.State().Listening
	c.http.Disable() // first: its Serve turns https on
	if c.https != nil {
		c.https.Disable()
	}
	c.opt.Ports.Drop(bookTLSName)
	if listened {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = c.h.Shutdown(sctx)
		cancel()
		c.opt.Logger.Info("Browser Print compatibility stopped", "port", c.port)
	}
	c.h, c.http, c.https = nil, nil, nil
}

// state is browserPrint.get's answer. c.mu is held.
func (c *Compat) state() wire.BrowserPrintState {
	s := wire.BrowserPrintState{Enabled: c.enabled, Port: c.port, Locked: c.opt.Locked}
	if c.http != nil {
		st := c.http.State()
		s.Listening, s.Error = st.Listening, st.Error
	}
	return s
}

// Get is browserPrint.get: the endpoint's state.
func (c *Compat) Get(context.Context, json.RawMessage) (any, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state(), nil
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
func (c *Compat) Set(_ context.Context, raw json.RawMessage) (any, error) {
	p, err := decodeCompatSet(raw)
	if err != nil {
		return nil, err
	}
	if c.opt.Locked {
		return nil, &printing.Error{Code: printing.ErrReasonNotAllowed, Msg: "browserPrint is set by the admin policy and cannot be changed here"}
	}
	if p.Port == 0 {
		c.mu.Lock()
		p.Port = c.port
		c.mu.Unlock()
	}
	if p.Port < 1 || p.Port > 65535 || p.Port == c.opt.AgentPort {
		return nil, &printing.Error{Code: printing.ErrReasonInvalidParams, Msg: fmt.Sprintf("port: must be 1 to 65535 and not the agent's port %d, got %d", c.opt.AgentPort, p.Port)}
	}
	if c.opt.Save != nil {
		if err := c.opt.Save(*p.Enabled, p.Port); err != nil {
			return nil, &printing.Error{Code: printing.ErrReasonStoreFailed, Msg: "save the Browser Print setting", Err: err}
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if p.Port != c.port {
		c.off()
	}
	c.enabled, c.port = *p.Enabled, p.Port
	c.apply()
	return c.state(), nil
}
