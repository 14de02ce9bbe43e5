package main

import (
	"context"
	"crypto/tls"

	"github.com/labelbridge/labelbridge/config"
	"github.com/labelbridge/labelbridge/qz"
	"github.com/labelbridge/labelbridge/wire"
	"github.com/labelbridge/labelbridge/wsserver"
)

// localTLS is the local CA's server config (it follows renewals), nil
// when the agent has no local certificate.
func (a *agent) localTLS() *tls.Config {
	if a.tls == nil {
		return nil
	}
	return a.tls.TLSConfig()
}

// startQZTray starts the QZ Tray compatible listener (qz.Compat) when the
// config turns it on and registers qzTray.get / qzTray.set for the panel.
func (a *agent) startQZTray(ctx context.Context, tlsConfig func() *tls.Config) {
	c := a.cfg.QZTray
	q := qz.NewCompat(a.spooler, a.sites, qz.CompatOptions{
		Enabled: c.Enabled, Port: c.Port, SecurePort: c.SecurePort, Locked: a.cfg.PolicyKeys["qzTray"],
		Version: version, Logger: a.log, MaxMessageBytes: int64(a.cfg.Limits.MaxMessageBytes), MaxJobBytes: a.cfg.Limits.MaxJobBytes,
		TLS: tlsConfig, TLSErr: a.tlsErr, Ports: a.ports,
		Save: func(on bool) error {
			return a.writer.Update(func(cfg *config.Config) error { cfg.QZTray.Enabled = on; return nil })
		},
	})
	a.server.AddAdminMethods(
		wsserver.AdminMethod{Name: wire.MethodQZTrayGet, Call: q.Get},
		wsserver.AdminMethod{Name: wire.MethodQZTraySet, Call: q.Set},
	)
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		q.Run(ctx)
	}()
}
