package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"path/filepath"
	"time"

	"github.com/labelbridge/labelbridge/config"
	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/tlsca"
	"github.com/labelbridge/labelbridge/tlsca/trust"
	"github.com/labelbridge/labelbridge/wire"
	"github.com/labelbridge/labelbridge/wsserver"
)

// tlsDir is where the local CA's files live: the user's config folder.
func tlsDir(p config.Paths) string { return filepath.Join(p.ConfigDir, "tls") }

// startTLS opens (or makes) the local CA, keeps it renewed (replacing the
// CA in the trust stores it was installed in), serves the API over wss on
// tlsPort, and registers trust.get / trust.install for the panel. Without
// a certificate the agent runs on, plain ws only, and says why.
func (a *agent) startTLS(ctx context.Context, opt agentOptions) {
	a.server.AddAdminMethods(
		wsserver.AdminMethod{Name: wire.MethodTrustGet, Call: func(context.Context, json.RawMessage) (any, error) { return a.trustState(), nil }},
		wsserver.AdminMethod{Name: wire.MethodTrustInstall, Call: a.trustInstall},
	)
	dir := tlsDir(a.cfg.Paths)
	a.trust = trust.New(dir, trust.Options{Logger: a.log})
	ca, r, err := tlsca.Open(dir, tlsca.Options{Logger: a.log})
	if err != nil {
		a.tlsErr = fmt.Errorf("no local certificate (wss and https are off): %w", err)
		a.log.Error(a.tlsErr.Error())
		return
	}
	a.tls = ca
	if r != nil {
		a.onRenew(*r)
	}
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		ca.Run(ctx, 0, a.onRenew)
	}()
	if a.cfg.TLSPort > 0 && !opt.AnyPort {
		a.wg.Add(1)
		go func() {
			defer a.wg.Done()
			a.ports.Serve(ctx, a.log, "wss", a.cfg.TLSPort, "wss://127.0.0.1:%d/ws", "quit it, or choose another port with \"tlsPort\" in the config file",
				func(ls []net.Listener) {
					a.server.Edge().ServeTLS(ls, ca.TLSConfig())
					a.server.SetTLSPort(a.cfg.TLSPort)
				})
		}()
	}
}

// onRenew replaces the old CA with the new one in the stores the old one
// was installed in (by the user, the panel or an installer).
func (a *agent) onRenew(r tlsca.Renewal) {
	recs, err := a.trust.Records()
	if err != nil || len(recs) == 0 {
		return // never installed: nothing to replace
	}
	if _, err := a.trust.Install(r.New, a.tls.CAFile()); err != nil {
		a.log.Error("the renewed local CA could not be installed everywhere: run 'labelbridge trust install'", "err", err)
		return
	}
	a.log.Info("the renewed local CA replaced the old one in the trust stores", "sha256", tlsca.Fingerprint(r.New))
}

// trustState is trust.get's answer.
func (a *agent) trustState() wire.TrustState {
	st := wire.TrustState{Stores: []wire.TrustStore{}, Listeners: a.ports.List()}
	if a.tls == nil {
		st.Error = fmt.Sprint(a.tlsErr)
		st.Explain = st.Error
		return st
	}
	return toWireTrust(a.trust.Status(a.tls.CA()), st.Listeners)
}

func toWireTrust(s trust.Status, ls []wire.Listener) wire.TrustState {
	st := wire.TrustState{Fingerprint: s.Fingerprint, Subject: s.Subject, NotAfter: s.NotAfter.UTC().Format(time.RFC3339),
		Trusted: s.Trusted, Error: s.Error, Explain: trust.Explain(s), Stores: []wire.TrustStore{}, Listeners: ls}
	for _, x := range s.Stores {
		st.Stores = append(st.Stores, wire.TrustStore{Kind: x.Kind, Location: x.Location, Trusted: x.Trusted, Error: x.Error})
	}
	if st.Listeners == nil {
		st.Listeners = []wire.Listener{}
	}
	return st
}

// trustInstall is trust.install: the panel's "Trust the certificate".
func (a *agent) trustInstall(_ context.Context, raw json.RawMessage) (any, error) {
	if err := wire.DecodeParams(raw, &struct{}{}); err != nil {
		return nil, err
	}
	if a.tls == nil {
		return nil, &printing.Error{Code: printing.ErrReasonUnavailable, Msg: fmt.Sprint(a.tlsErr)}
	}
	s, err := a.trust.Install(a.tls.CA(), a.tls.CAFile())
	a.record("trust.install", "sha256", s.Fingerprint, "trusted", s.Trusted)
	if err != nil {
		return nil, &printing.Error{Code: printing.ErrReasonUnavailable, Msg: "install the local certificate: " + err.Error()}
	}
	return toWireTrust(s, a.ports.List()), nil
}
