package main

import (
	"net/http"
	"strconv"

	"github.com/labelbridge/labelbridge/admin"
	"github.com/labelbridge/labelbridge/config"
	"github.com/labelbridge/labelbridge/printing/compile"
	"github.com/labelbridge/labelbridge/wsserver"
)

// panelURL is the local web panel's address (no secret: opened without a
// session it says how to open the panel).
func (a *agent) panelURL() string {
	return "http://127.0.0.1:" + strconv.Itoa(a.port) + "/"
}

// panelLoginURL mints a one-time login code and returns the address that
// opens the panel with it. The code is in the fragment, which the browser
// never sends to any server; the login page posts it to the agent. Only the
// desktop user's own channels call this: the tray (this process) and
// panel.login (the CLI, with the token file).
func (a *agent) panelLoginURL() string {
	return a.panelURL() + "login#code=" + a.auth.NewCode()
}

// mountPanel serves the panel, the SDK and the demo, the panel's login and
// its admin methods.
func (a *agent) mountPanel() {
	if err := admin.MountFiles(a.server.Edge(), http.HandlerFunc(a.auth.ServeLogin)); err != nil {
		a.log.Error("the panel's, SDK's or demo's files are missing from this build: they are off", "err", err)
		return
	}
	p := admin.New(admin.Deps{
		Sites: a.sites, Spooler: a.spooler, Config: a.writer, Sources: a.store, Previewer: compile.New(a.cfg.Fonts),
		Effective: a.cfg.Config, Policy: a.cfg.PolicyKeys, PrinterSettings: a.spooler,
		AttachNetwork: func(np config.NetworkPrinter) string { return a.net.Attach(networkPrinterInfo(np), true) },
		CheckPrinter:  a.net.Check,
		LoginURL:      a.panelLoginURL, Version: version, Port: a.port, VirtualFolder: a.virtual.Dir(), Logger: a.log,
	})
	for _, m := range p.Methods() {
		a.server.AddAdminMethods(wsserver.AdminMethod{Name: m.Name, Call: m.Call})
	}
	// The panel (and any admin client subscribed to "sites") hears about a
	// new pending site, or an approval made elsewhere, at once.
	a.sites.OnChange(func() { a.server.Notify("sites", "sites", p.SitesNow()) })
}
