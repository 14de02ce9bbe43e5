package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"time"

	"github.com/labelbridge/labelbridge/config"
	"github.com/labelbridge/labelbridge/edge"
	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/qz"
	"github.com/labelbridge/labelbridge/wire"
	"github.com/labelbridge/labelbridge/wsserver"
)

// The listener's names in the port book (trust.get, the tray), and what
// to do when QZ Tray itself holds a port.
const (
	qzName       = "QZ Tray"
	qzSecureName = "QZ Tray wss"
	qzFix        = "quit it (only one program can serve QZ Tray pages on a port), or turn QZ Tray compatibility off in the panel"
)

// qzRetry is how often a QZ Tray port that is taken (QZ Tray itself
// running) is tried again.
const qzRetry = 30 * time.Second

// qzTray runs the opt-in QZ Tray compatible listener: ws:// on
// qzTray.port, wss:// on qzTray.securePort with the local CA's
// certificate. One goroutine (run) owns it; the admin methods ask it for
// changes. A port that is taken is logged with who holds it and tried
// again every 30 s, never a crash.
type qzTray struct {
	a       *agent
	tls     func() *tls.Config // the local CA's server config; nil: no wss
	changes chan qzChange
	state   chan chan wire.QZTrayState
}

type qzChange struct {
	enabled bool
	done    chan wire.QZTrayState
}

// localTLS is the local CA's server config (it follows renewals), nil
// when the agent has no local certificate.
func (a *agent) localTLS() *tls.Config {
	if a.tls == nil {
		return nil
	}
	return a.tls.TLSConfig()
}

// startQZTray starts the listener when the config turns it on and
// registers qzTray.get / qzTray.set for the panel.
func (a *agent) startQZTray(ctx context.Context, tlsConfig func() *tls.Config) {
	q := &qzTray{a: a, tls: tlsConfig, changes: make(chan qzChange), state: make(chan chan wire.QZTrayState)}
	a.server.AddAdminMethods(
		wsserver.AdminMethod{Name: wire.MethodQZTrayGet, Call: q.get},
		wsserver.AdminMethod{Name: wire.MethodQZTraySet, Call: q.set},
	)
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		q.run(ctx, a.cfg.QZTray.Enabled)
	}()
}

// qzListener is the running listener and which of its ports are served.
type qzListener struct {
	srv           *qz.Server
	ws, wss       bool
	wsErr, wssErr string
}

func (q *qzTray) run(ctx context.Context, enabled bool) {
	cfg := q.a.cfg.QZTray
	var (
		l     qzListener
		retry <-chan time.Time
		timer *time.Timer
	)
	stop := func() {
		q.a.ports.drop(qzName)
		q.a.ports.drop(qzSecureName)
		if l.srv != nil {
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			_ = l.srv.Shutdown(sctx)
			cancel()
			q.a.log.Info("QZ Tray compatibility stopped")
		}
		l = qzListener{}
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
		if q.listen(&l, cfg) {
			return
		}
		timer = time.NewTimer(qzRetry)
		retry = timer.C
	}
	now := func() wire.QZTrayState {
		return wire.QZTrayState{Enabled: enabled, Port: cfg.Port, SecurePort: cfg.SecurePort, Listening: l.ws, SecureListening: l.wss,
			Locked: q.a.cfg.PolicyKeys["qzTray"], Error: joinErrors(l.wsErr, l.wssErr)}
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
func (q *qzTray) listen(l *qzListener, cfg config.QZTray) bool {
	if l.srv == nil {
		l.srv = qz.New(q.a.spooler, q.a.sites, qz.Options{
			Port: cfg.Port, Name: "QZ Tray", AgentVersion: version, Logger: q.a.log.With("component", "qz"),
			MaxMessageBytes: int64(q.a.cfg.Limits.MaxMessageBytes), MaxJobBytes: q.a.cfg.Limits.MaxJobBytes,
		})
	}
	if !l.ws {
		l.wsErr = ""
		url := fmt.Sprintf("ws://localhost:%d", cfg.Port)
		if ls, err := edge.Listen(cfg.Port); err != nil {
			var holder string
			l.wsErr, holder = portError(cfg.Port, err, qzFix)
			q.a.ports.set(wire.Listener{Name: qzName, URL: url, Error: l.wsErr, Holder: holder})
			q.a.log.Warn("QZ Tray compatibility cannot listen (ws://); trying again every 30 s", "port", cfg.Port, "err", l.wsErr)
		} else {
			l.srv.Serve(ls)
			l.ws = true
			q.a.ports.set(wire.Listener{Name: qzName, URL: url, Listening: true})
			q.a.log.Info("QZ Tray compatibility listening", "url", url)
		}
	}
	var tc *tls.Config
	if cfg.SecurePort != -1 && !l.wss {
		l.wssErr = ""
		if q.tls != nil {
			tc = q.tls()
		}
		url := fmt.Sprintf("wss://localhost:%d", cfg.SecurePort)
		if tc == nil {
			l.wssErr = fmt.Sprintf("wss:// is off: no local certificate (%v)", q.a.tlsErr)
			q.a.ports.set(wire.Listener{Name: qzSecureName, URL: url, Error: l.wssErr})
			q.a.log.Warn("QZ Tray compatibility: "+l.wssErr+"; https pages cannot connect", "port", cfg.SecurePort)
		} else if ls, err := edge.Listen(cfg.SecurePort); err != nil {
			var holder string
			l.wssErr, holder = portError(cfg.SecurePort, err, qzFix)
			q.a.ports.set(wire.Listener{Name: qzSecureName, URL: url, Error: l.wssErr, Holder: holder})
			q.a.log.Warn("QZ Tray compatibility cannot listen (wss://); trying again every 30 s", "port", cfg.SecurePort, "err", l.wssErr)
		} else {
			l.srv.ServeTLS(ls, tc)
			l.wss = true
			q.a.ports.set(wire.Listener{Name: qzSecureName, URL: url, Listening: true})
			q.a.log.Info("QZ Tray compatibility listening", "url", url)
		}
	}
	// No local certificate is not worth retrying every 30 s.
	return l.ws && (cfg.SecurePort == -1 || l.wss || tc == nil)
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

func (q *qzTray) get(ctx context.Context, _ json.RawMessage) (any, error) {
	ch := make(chan wire.QZTrayState, 1)
	select {
	case q.state <- ch:
		return <-ch, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// set turns the listener on or off ({"enabled": bool}), saves it in the
// user's config file and answers the new state.
func (q *qzTray) set(ctx context.Context, raw json.RawMessage) (any, error) {
	var p wire.QZTraySetParams
	if err := wire.DecodeParams(raw, &p); err != nil {
		return nil, err
	}
	if p.Enabled == nil {
		return nil, wire.InvalidParams(`params: want {"enabled": true|false}: enabled is required`)
	}
	if q.a.cfg.PolicyKeys["qzTray"] {
		return nil, &printing.Error{Code: printing.ErrReasonNotAllowed, Msg: "qzTray is set by the admin policy and cannot be changed here"}
	}
	err := q.a.writer.Update(func(cfg *config.Config) error {
		cfg.QZTray.Enabled = *p.Enabled
		return nil
	})
	if err != nil {
		return nil, &printing.Error{Code: printing.ErrReasonStoreFailed, Msg: "save the QZ Tray setting", Err: err}
	}
	ch := qzChange{enabled: *p.Enabled, done: make(chan wire.QZTrayState, 1)}
	select {
	case q.changes <- ch:
		return <-ch.done, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
