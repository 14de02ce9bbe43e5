package main

import (
	"context"
	"crypto/tls"
	"time"

	"github.com/labelbridge/labelbridge/browserprint"
	"github.com/labelbridge/labelbridge/config"
	"github.com/labelbridge/labelbridge/wire"
	"github.com/labelbridge/labelbridge/wsserver"
)

// startCompat starts the Browser Print endpoint (browserprint.Compat) when
// the config turns it on, and registers browserPrint.get / browserPrint.set
// for the panel, which turn it on or off at once and save the choice in the
// config file.
func (a *agent) startCompat(ctx context.Context) {
	bp := a.cfg.BrowserPrint
	var tlsConfig func() *tls.Config
	if a.tls != nil {
		tlsConfig = a.tls.TLSConfig
	}
	c := browserprint.NewCompat(a.spooler, a.sites, browserprint.SitesChanges(a.sites), browserprint.CompatOptions{
		Enabled: bp.Enabled, Port: bp.Port, TLSPort: bp.TLSPort, AgentPort: a.port, Locked: a.cfg.PolicyKeys["browserPrint"],
		Token: a.token, Version: version, MaxBodyBytes: int64(a.cfg.Limits.MaxJobBytes) + 1<<20, ApprovalWait: approvalWait(bp),
		Logger: a.log, Ports: a.ports, TLS: tlsConfig, TLSErr: a.tlsErr,
		Save: func(enabled bool, port int) error {
			return a.writer.Update(func(cfg *config.Config) error {
				cfg.BrowserPrint = config.BrowserPrint{Enabled: enabled, TLSPort: cfg.BrowserPrint.TLSPort, ApprovalWait: cfg.BrowserPrint.ApprovalWait}
				if port != config.DefaultBrowserPrintPort {
					cfg.BrowserPrint.Port = port
				}
				return nil
			})
		},
	})
	a.server.AddAdminMethods(
		wsserver.AdminMethod{Name: wire.MethodBrowserPrintGet, Call: c.Get},
		wsserver.AdminMethod{Name: wire.MethodBrowserPrintSet, Call: c.Set},
	)
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		c.Run(ctx)
	}()
}

// approvalWait is browserPrint.approvalWait (its default when unset).
func approvalWait(bp config.BrowserPrint) time.Duration {
	if bp.ApprovalWait == nil {
		return config.DefaultApprovalWait
	}
	return bp.ApprovalWait.Duration
}
