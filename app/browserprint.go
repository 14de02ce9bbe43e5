package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"syscall"
	"time"

	"github.com/labelbridge/labelbridge/browserprint"
	"github.com/labelbridge/labelbridge/config"
	"github.com/labelbridge/labelbridge/edge"
	"github.com/labelbridge/labelbridge/internal/portowner"
	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/wire"
	"github.com/labelbridge/labelbridge/wsserver"
)

// compatRetry is how often a Browser Print endpoint whose port is taken
// (Zebra's own app running) tries again.
const compatRetry = 30 * time.Second

// compatState is what browserPrint.get and browserPrint.set answer.
type compatState = wire.BrowserPrintState

// compat runs the opt-in Zebra Browser Print compatible endpoint. One
// goroutine (run) owns the listeners; the admin methods ask it for changes.
type compat struct {
	a       *agent
	changes chan compatChange
	state   chan chan compatState
	// sitesChanged wakes requests held while their site waits for approval.
	sitesChanged func() <-chan struct{}
	ctx          context.Context
}

type compatChange struct {
	enabled bool
	port    int
	done    chan compatState
}

// startCompat starts the Browser Print endpoint when the config turns it on,
// and registers browserPrint.get / browserPrint.set for the panel, which turn
// it on or off at once and save the choice in the config file.
func (a *agent) startCompat(ctx context.Context) {
	c := &compat{a: a, changes: make(chan compatChange), state: make(chan chan compatState),
		sitesChanged: browserprint.SitesChanges(a.sites), ctx: ctx}
	a.server.AddAdminMethods(
		wsserver.AdminMethod{Name: wire.MethodBrowserPrintGet, Call: c.get},
		wsserver.AdminMethod{Name: wire.MethodBrowserPrintSet, Call: c.set},
	)
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		c.run(ctx, a.cfg.BrowserPrint.Enabled, a.cfg.BrowserPrint.Port)
	}()
}

// run listens while enabled, retries a taken port, and applies changes
// until ctx ends.
func (c *compat) run(ctx context.Context, enabled bool, port int) {
	var (
		srv       *browserprint.Handler // nil while not listening
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
			c.a.log.Info("Browser Print compatibility stopped", "port", port)
		}
		srv = nil
		c.a.ports.drop(bpName)
		c.a.ports.drop(bpTLSName)
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
			c.a.ports.set(wire.Listener{Name: bpName, URL: fmt.Sprintf("http://127.0.0.1:%d/available", port), Listening: true})
			tlsCancel = c.serveTLS(srv)
		} else {
			c.a.ports.set(wire.Listener{Name: bpName, URL: fmt.Sprintf("http://127.0.0.1:%d/available", port), Error: err.Error(), Holder: portowner.Name(port)})
			lastErr = err.Error()
			c.a.log.Warn("Browser Print compatibility is on but cannot listen; trying again every 30 s", "port", port, "err", err)
			timer = time.NewTimer(compatRetry)
			retry = timer.C
		}
	}
	now := func() compatState {
		return compatState{Enabled: enabled, Port: port, Listening: srv != nil, Locked: c.locked(), Error: lastErr}
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
func (c *compat) listen(port int) (*browserprint.Handler, error) {
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
	h := browserprint.New(c.a.spooler, c.a.sites, browserprint.Options{
		Port: port, Token: c.a.token, Version: version, MaxBodyBytes: int64(c.a.cfg.Limits.MaxJobBytes) + 1<<20,
		Logger:       c.a.log.With("component", "browserprint"),
		ApprovalWait: approvalWait(c.a.cfg.BrowserPrint), SitesChanged: c.sitesChanged,
	})
	h.Serve(ls) // headers within 10 s, bodies within BodyTimeout (408): the edge's limits
	c.a.log.Info("Browser Print compatibility listening", "url", fmt.Sprintf("http://127.0.0.1:%d/available", port))
	return h, nil
}

// Names of the Browser Print listeners in the port book.
const (
	bpName    = "Browser Print"
	bpTLSName = "Browser Print https"
)

// serveTLS serves h over https on browserPrint.tlsPort (Zebra's 9101)
// until the returned cancel, retrying while the port is taken. Without a
// local certificate it records why.
func (c *compat) serveTLS(h *browserprint.Handler) context.CancelFunc {
	port := c.a.cfg.BrowserPrint.TLSPort
	if port <= 0 {
		return func() {}
	}
	if c.a.tls == nil {
		c.a.ports.set(wire.Listener{Name: bpTLSName, URL: fmt.Sprintf("https://127.0.0.1:%d/available", port), Error: fmt.Sprint(c.a.tlsErr)})
		return func() {}
	}
	ctx, cancel := context.WithCancel(c.ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.a.serveTLS(ctx, bpTLSName, port, "https://127.0.0.1:%d/available", "quit it (Zebra Browser Print?), or set browserPrint.tlsPort",
			func(ls []net.Listener) { h.ServeTLS(ls, c.a.tls.TLSConfig()) })
	}()
	return func() { cancel(); <-done }
}

// approvalWait is browserPrint.approvalWait (its default when unset).
func approvalWait(bp config.BrowserPrint) time.Duration {
	if bp.ApprovalWait == nil {
		return config.DefaultApprovalWait
	}
	return bp.ApprovalWait.Duration
}

func (c *compat) locked() bool { return c.a.cfg.PolicyKeys["browserPrint"] }

func (c *compat) get(ctx context.Context, _ json.RawMessage) (any, error) {
	ch := make(chan compatState, 1)
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

// set turns the endpoint on or off ({"enabled": bool, "port"?: n}), saves it
// in the user's config file and answers the new state.
func (c *compat) set(ctx context.Context, raw json.RawMessage) (any, error) {
	p, err := decodeCompatSet(raw)
	if err != nil {
		return nil, err
	}
	if c.locked() {
		return nil, &printing.Error{Code: printing.ErrReasonNotAllowed, Msg: "browserPrint is set by the admin policy and cannot be changed here"}
	}
	cur, err := c.get(ctx, nil)
	if err != nil {
		return nil, err
	}
	if p.Port == 0 {
		p.Port = cur.(compatState).Port
	}
	if p.Port < 1 || p.Port > 65535 || p.Port == c.a.port {
		return nil, &printing.Error{Code: printing.ErrReasonInvalidParams, Msg: fmt.Sprintf("port: must be 1 to 65535 and not the agent's port %d, got %d", c.a.port, p.Port)}
	}
	err = c.a.writer.Update(func(cfg *config.Config) error {
		cfg.BrowserPrint = config.BrowserPrint{Enabled: *p.Enabled, TLSPort: cfg.BrowserPrint.TLSPort, ApprovalWait: cfg.BrowserPrint.ApprovalWait}
		if p.Port != config.DefaultBrowserPrintPort {
			cfg.BrowserPrint.Port = p.Port
		}
		return nil
	})
	if err != nil {
		return nil, &printing.Error{Code: printing.ErrReasonStoreFailed, Msg: "save the Browser Print setting", Err: err}
	}
	ch := compatChange{enabled: *p.Enabled, port: p.Port, done: make(chan compatState, 1)}
	select {
	case c.changes <- ch:
		return <-ch.done, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
