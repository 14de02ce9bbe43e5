package qz

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/labelbridge/labelbridge/edge"
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

// CompatRetry is how often a QZ Tray port that is taken (QZ Tray itself
// running) is tried again.
const CompatRetry = 30 * time.Second

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
// wss:// on SecurePort with the local CA's certificate. One goroutine
// (Run) owns it; the admin methods (Get, Set) ask it for changes. A port
// that is taken is logged with who holds it and tried again every 30 s,
// never a crash.
type Compat struct {
	sp      Spooler
	gate    Gate
	opt     CompatOptions
	changes chan compatChange
	state   chan chan wire.QZTrayState
}

type compatChange struct {
	enabled bool
	done    chan wire.QZTrayState
}

// NewCompat makes the listener's owner; Run starts it.
func NewCompat(sp Spooler, gate Gate, opt CompatOptions) *Compat {
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.Ports == nil {
		opt.Ports = ports.NewBook()
	}
	return &Compat{sp: sp, gate: gate, opt: opt, changes: make(chan compatChange), state: make(chan chan wire.QZTrayState)}
}

// compatListener is the running listener and which of its ports are served.
type compatListener struct {
	srv           *Server
	ws, wss       bool
	wsErr, wssErr string
}

// Run listens while enabled and applies changes until ctx ends.
func (q *Compat) Run(ctx context.Context) {
	enabled := q.opt.Enabled
	var (
		l     compatListener
		retry <-chan time.Time
		timer *time.Timer
	)
	stop := func() {
		q.opt.Ports.Drop(bookName)
		q.opt.Ports.Drop(bookSecureName)
		if l.srv != nil {
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			_ = l.srv.Shutdown(sctx)
			cancel()
			q.opt.Logger.Info("QZ Tray compatibility stopped")
		}
		l = compatListener{}
	}
	apply := func() {
		if timer != nil {
			timer.Stop()
			retry = nil
		}
		if !enabled {
			stop()
			return
		}
		if q.listen(&l) {
			return
		}
		timer = time.NewTimer(CompatRetry)
		retry = timer.C
	}
	now := func() wire.QZTrayState {
		return wire.QZTrayState{Enabled: enabled, Port: q.opt.Port, SecurePort: q.opt.SecurePort, Listening: l.ws, SecureListening: l.wss,
			Locked: q.opt.Locked, Error: joinErrors(l.wsErr, l.wssErr)}
	}
	apply()
	defer stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-retry:
			apply()
		case ch := <-q.state:
			ch <- now()
		case ch := <-q.changes:
			enabled = ch.enabled
			apply()
			ch.done <- now()
		}
	}
}

// listen binds the ports not served yet; it reports whether everything
// asked for is served (false: try again later).
func (q *Compat) listen(l *compatListener) bool {
	o, book, log := q.opt, q.opt.Ports, q.opt.Logger
	if l.srv == nil {
		l.srv = New(q.sp, q.gate, Options{
			Port: o.Port, Name: "QZ Tray", AgentVersion: o.Version, Logger: log.With("component", "qz"),
			MaxMessageBytes: o.MaxMessageBytes, MaxJobBytes: o.MaxJobBytes,
		})
	}
	if !l.ws {
		l.wsErr = ""
		url := fmt.Sprintf("ws://localhost:%d", o.Port)
		if ls, err := edge.Listen(o.Port); err != nil {
			var holder string
			l.wsErr, holder = ports.Explain(o.Port, err, portFix)
			book.Set(wire.Listener{Name: bookName, URL: url, Error: l.wsErr, Holder: holder})
			log.Warn("QZ Tray compatibility cannot listen (ws://); trying again every 30 s", "port", o.Port, "err", l.wsErr)
		} else {
			l.srv.Serve(ls)
			l.ws = true
			book.Set(wire.Listener{Name: bookName, URL: url, Listening: true})
			log.Info("QZ Tray compatibility listening", "url", url)
		}
	}
	var tc *tls.Config
	if o.SecurePort != -1 && !l.wss {
		l.wssErr = ""
		if o.TLS != nil {
			tc = o.TLS()
		}
		url := fmt.Sprintf("wss://localhost:%d", o.SecurePort)
		if tc == nil {
			l.wssErr = fmt.Sprintf("wss:// is off: no local certificate (%v)", o.TLSErr)
			book.Set(wire.Listener{Name: bookSecureName, URL: url, Error: l.wssErr})
			log.Warn("QZ Tray compatibility: "+l.wssErr+"; https pages cannot connect", "port", o.SecurePort)
		} else if ls, err := edge.Listen(o.SecurePort); err != nil {
			var holder string
			l.wssErr, holder = ports.Explain(o.SecurePort, err, portFix)
			book.Set(wire.Listener{Name: bookSecureName, URL: url, Error: l.wssErr, Holder: holder})
			log.Warn("QZ Tray compatibility cannot listen (wss://); trying again every 30 s", "port", o.SecurePort, "err", l.wssErr)
		} else {
			l.srv.ServeTLS(ls, tc)
			l.wss = true
			book.Set(wire.Listener{Name: bookSecureName, URL: url, Listening: true})
			log.Info("QZ Tray compatibility listening", "url", url)
		}
	}
	// No local certificate is not worth retrying every 30 s.
	return l.ws && (o.SecurePort == -1 || l.wss || tc == nil)
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
func (q *Compat) Get(ctx context.Context, _ json.RawMessage) (any, error) {
	ch := make(chan wire.QZTrayState, 1)
	select {
	case q.state <- ch:
		return <-ch, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Set is qzTray.set: it turns the listener on or off ({"enabled": bool}),
// saves it in the user's config file and answers the new state.
func (q *Compat) Set(ctx context.Context, raw json.RawMessage) (any, error) {
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
	ch := compatChange{enabled: *p.Enabled, done: make(chan wire.QZTrayState, 1)}
	select {
	case q.changes <- ch:
		return <-ch.done, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
