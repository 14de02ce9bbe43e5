package main

import (
	"context"
	"net"
	"path/filepath"

	"github.com/labelbridge/labelbridge/config"
	"github.com/labelbridge/labelbridge/internal/localca"
	"github.com/labelbridge/labelbridge/wire"
	"github.com/labelbridge/labelbridge/wsserver"
)

// tlsDir is where the local CA's files live: the user's config folder.
func tlsDir(p config.Paths) string { return filepath.Join(p.ConfigDir, "tls") }

// startTLS opens (or makes) the local CA and keeps it renewed (replacing
// the CA in the trust stores it was installed in: internal/localca),
// serves the API over wss on tlsPort, and registers trust.get /
// trust.install for the panel. Without a certificate the agent runs on,
// plain ws only, and says why.
func (a *agent) startTLS(ctx context.Context, opt agentOptions) {
	ca := localca.Open(tlsDir(a.cfg.Paths), localca.Options{Logger: a.log, Ports: a.ports, Record: a.record})
	a.server.AddAdminMethods(
		wsserver.AdminMethod{Name: wire.MethodTrustGet, Call: ca.Get},
		wsserver.AdminMethod{Name: wire.MethodTrustInstall, Call: ca.Install},
	)
	a.tls, a.tlsErr = ca.CA, ca.Err
	if a.tls == nil {
		return
	}
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		ca.Run(ctx)
	}()
	if a.cfg.TLSPort > 0 && !opt.AnyPort {
		a.wg.Add(1)
		go func() {
			defer a.wg.Done()
			a.ports.Serve(ctx, a.log, "wss", a.cfg.TLSPort, "wss://127.0.0.1:%d/ws", "quit it, or choose another port with \"tlsPort\" in the config file",
				func(ls []net.Listener) {
					a.server.Edge().ServeTLS(ls, a.tls.TLSConfig())
					a.server.SetTLSPort(a.cfg.TLSPort)
				})
		}()
	}
}
