package qz

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

// The listener's names in the port book (trust.get, the tray), and what
// to do when QZ Tray itself holds a port.
const (
	bookName       = "QZ Tray"
	bookSecureName = "QZ Tray wss"
	portFix        = "quit it (only one program can serve QZ Tray pages on a port), or turn QZ Tray compatibility off in the panel"
)

// CompatOptions configure the agent's QZ Tray compatibility (the config's
// qzTray section and what the agent wires in).
type CompatOptions struct {
	Enabled          bool // listen from the start
	Port, SecurePort int  // ws:// and wss:// ports; SecurePort -1: no wss
	Locked           bool // qzTray is set by the admin policy: Set refuses
	Version          string
	Logger           *slog.Logger
	MaxMessageBytes  int64
	MaxJobBytes      int
	// TLS is the local CA's server config (it follows renewals); nil, or
	// returning nil: no wss, because of TLSErr.
	TLS    func() *tls.Config
	TLSErr error
	Ports  *ports.Book              // where each port's state is recorded
	Save   func(enabled bool) error // saves the choice in the user's config file
}

// Compat runs the opt-in QZ Tray compatible listener: ws:// on Port,
// wss:// on SecurePort with the local CA's certificate, each a
// ports.Switch: a port that is taken is logged with who holds it and
// tried again every 30 s, never a crash. The admin methods (Get, Set)
// turn it on and off; Run holds it until its context ends.
type Compat struct {
	sp   Spooler
	gate Gate
	opt  CompatOptions

	mu      sync.Mutex
	ctx     context.Context // Run's while it runs; nil: changes wait for it
	enabled bool
	srv     *Server       // while enabled
	ws, wss *ports.Switch // while enabled: srv's ports; wss nil without one
	wssErr  string        // while enabled: why there is no wss:// (no local certificate)
}

// NewCompat makes the listener's owner; Run starts it.
func NewCompat(sp Spooler, gate Gate, opt CompatOptions) *Compat {
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.Ports == nil {
		opt.Ports = ports.NewBook()
	}
	return &Compat{sp: sp, gate: gate, opt: opt, enabled: opt.Enabled}
}

// Run listens while enabled and applies changes until ctx ends.
func (q *Compat) Run(ctx context.Context) {
	q.mu.Lock()
	q.ctx = ctx
	q.apply()
	q.mu.Unlock()
	<-ctx.Done()
	q.mu.Lock()
	defer q.mu.Unlock()
	q.off()
	q.ctx = nil
}

// apply turns the listener on or off, as q.enabled says; on already, it
// tries the ports still taken again now. q.mu is held.
func (q *Compat) apply() {
	if q.ctx == nil {
		return
	}
	if !q.enabled {
		q.off()
		return
	}
	o, book, log := q.opt, q.opt.Ports, q.opt.Logger
	if q.srv == nil {
		srv := New(q.sp, q.gate, Options{
			Port: o.Port, Name: "QZ Tray", AgentVersion: o.Version, Logger: log.With("component", "qz"),
			MaxMessageBytes: o.MaxMessageBytes, MaxJobBytes: o.MaxJobBytes,
		})
		q.srv = srv
		q.ws = &ports.Switch{Book: book, Log: log, Name: bookName, URL: "ws://localhost:%d", Fix: portFix, Serve: srv.Serve}
	}
	q.ws.Enable(q.ctx, o.Port)
	if o.SecurePort == -1 {
		return
	}
	if q.wss == nil {
		var tc *tls.Config
		if o.TLS != nil {
			tc = o.TLS()
		}
		if tc == nil { // not worth retrying every 30 s
			q.wssErr = fmt.Sprintf("wss:// is off: no local certificate (%v)", o.TLSErr)
			book.Set(wire.Listener{Name: bookSecureName, URL: fmt.Sprintf("wss://localhost:%d", o.SecurePort), Error: q.wssErr})
			log.Warn("QZ Tray compatibility: "+q.wssErr+"; https pages cannot connect", "port", o.SecurePort)
			return
		}
		q.wssErr = ""
		srv := q.srv
		q.wss = &ports.Switch{Book: book, Log: log, Name: bookSecureName, URL: "wss://localhost:%d", Fix: portFix,
			Serve: func(ls []net.Listener) {
				if c := o.TLS(); c != nil { // it follows renewals
					tc = c
				}
				srv.ServeTLS(ls, tc)
			}}
	}
	q.wss.Enable(q.ctx, o.SecurePort)
}

// off stops the listener and forgets it in the port book. q.mu is held.
func (q *Compat) off() {
	if q.srv == nil {
		return
	}
	q.ws.Disable()
	if q.wss != nil {
		q.wss.Disable()
	}
	q.opt.Ports.Drop(bookSecureName)
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	_ = q.srv.Shutdown(sctx)
	cancel()
	q.opt.Logger.Info("QZ Tray compatibility stopped")
	q.srv, q.ws, q.wss, q.wssErr = nil, nil, nil, ""
}

// state is qzTray.get's answer. q.mu is held.
func (q *Compat) state() wire.QZTrayState {
	s := wire.QZTrayState{Enabled: q.enabled, Port: q.opt.Port, SecurePort: q.opt.SecurePort, Locked: q.opt.Locked}
	var wsErr, wssErr string
	if q.ws != nil {
		st := q.ws.State()
		s.Listening, wsErr = st.Listening, st.Error
	}
	wssErr = q.wssErr
	if q.wss != nil {
		st := q.wss.State()
		s.SecureListening, wssErr = st.Listening, st.Error
	}
	s.Error = joinErrors(wsErr, wssErr)
	return s
}

func joinErrors(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}

// Get is qzTray.get: the listener's state.
func (q *Compat) Get(context.Context, json.RawMessage) (any, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.state(), nil
}

// Set is qzTray.set: it turns the listener on or off ({"enabled": bool}),
// saves it in the user's config file and answers the new state.
func (q *Compat) Set(_ context.Context, raw json.RawMessage) (any, error) {
	var p wire.QZTraySetParams
	if err := wire.DecodeParams(raw, &p); err != nil {
		return nil, err
	}
	if p.Enabled == nil {
		return nil, wire.InvalidParams(`params: want {"enabled": true|false}: enabled is required`)
	}
	if q.opt.Locked {
		return nil, &printing.Error{Code: printing.ErrReasonNotAllowed, Msg: "qzTray is set by the admin policy and cannot be changed here"}
	}
	if q.opt.Save != nil {
		if err := q.opt.Save(*p.Enabled); err != nil {
			return nil, &printing.Error{Code: printing.ErrReasonStoreFailed, Msg: "save the QZ Tray setting", Err: err}
		}
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.enabled = *p.Enabled
	q.apply()
	return q.state(), nil
}
