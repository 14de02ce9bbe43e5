// Package localca is the agent's local certificate authority at work: it
// opens (or makes) the CA (package tlsca), keeps it renewed with the trust
// stores that held the old one following (tlsca/trust), and answers the
// panel's trust.get and trust.install with the port book's listeners.
package localca

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/labelbridge/labelbridge/internal/ports"
	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/tlsca"
	"github.com/labelbridge/labelbridge/tlsca/trust"
	"github.com/labelbridge/labelbridge/wire"
)

// Service is the local CA, or why there is none.
type Service struct {
	CA  *tlsca.Authority // the leaf for wss and https; nil when it could not be made
	Err error            // why CA is nil

	trust  *trust.Manager
	ports  *ports.Book
	log    *slog.Logger
	record func(event string, fields ...any)
}

// Options are what the agent wires in.
type Options struct {
	Logger *slog.Logger
	Ports  *ports.Book                       // its listeners, shown by trust.get
	Record func(event string, fields ...any) // the audit log (trust.install)
}

// Open opens (or makes) the CA in dir; when it cannot, Err says why and
// the agent runs on without wss and https.
func Open(dir string, opt Options) *Service {
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.Ports == nil {
		opt.Ports = ports.NewBook()
	}
	if opt.Record == nil {
		opt.Record = func(string, ...any) {}
	}
	s := &Service{trust: trust.New(dir, trust.Options{Logger: opt.Logger}), ports: opt.Ports, log: opt.Logger, record: opt.Record}
	ca, r, err := tlsca.Open(dir, tlsca.Options{Logger: opt.Logger})
	if err != nil {
		s.Err = fmt.Errorf("no local certificate (wss and https are off): %w", err)
		s.log.Error(s.Err.Error())
		return s
	}
	s.CA = ca
	if r != nil {
		s.onRenew(*r)
	}
	return s
}

// Run keeps the CA renewed until ctx ends (nothing to do without one).
func (s *Service) Run(ctx context.Context) {
	if s.CA != nil {
		s.CA.Run(ctx, 0, s.onRenew)
	}
}

// TLSConfig is the server config's source (it follows renewals), nil
// without a CA.
func (s *Service) TLSConfig() func() *tls.Config {
	if s.CA == nil {
		return nil
	}
	return s.CA.TLSConfig
}

// onRenew replaces the old CA with the new one in the stores the old one
// was installed in (by the user, the panel or an installer).
func (s *Service) onRenew(r tlsca.Renewal) {
	recs, err := s.trust.Records()
	if err != nil || len(recs) == 0 {
		return // never installed: nothing to replace
	}
	if _, err := s.trust.Install(r.New, s.CA.CAFile()); err != nil {
		s.log.Error("the renewed local CA could not be installed everywhere: run 'labelbridge trust install'", "err", err)
		return
	}
	s.log.Info("the renewed local CA replaced the old one in the trust stores", "sha256", tlsca.Fingerprint(r.New))
}

// State is trust.get's answer.
func (s *Service) State() wire.TrustState {
	st := wire.TrustState{Stores: []wire.TrustStore{}, Listeners: s.ports.List()}
	if s.CA == nil {
		st.Error = fmt.Sprint(s.Err)
		st.Explain = st.Error
		return st
	}
	return ToWire(s.trust.Status(s.CA.CA()), st.Listeners)
}

// Get is trust.get.
func (s *Service) Get(context.Context, json.RawMessage) (any, error) { return s.State(), nil }

// ToWire is a trust status in trust.get's shape, with the listeners ls.
func ToWire(s trust.Status, ls []wire.Listener) wire.TrustState {
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

// Install is trust.install: the panel's "Trust the certificate".
func (s *Service) Install(_ context.Context, raw json.RawMessage) (any, error) {
	if err := wire.DecodeParams(raw, &struct{}{}); err != nil {
		return nil, err
	}
	if s.CA == nil {
		return nil, &printing.Error{Code: printing.ErrReasonUnavailable, Msg: fmt.Sprint(s.Err)}
	}
	st, err := s.trust.Install(s.CA.CA(), s.CA.CAFile())
	s.record("trust.install", "sha256", st.Fingerprint, "trusted", st.Trusted)
	if err != nil {
		return nil, &printing.Error{Code: printing.ErrReasonUnavailable, Msg: "install the local certificate: " + err.Error()}
	}
	return ToWire(st, s.ports.List()), nil
}
