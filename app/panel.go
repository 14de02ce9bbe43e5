package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labelbridge/labelbridge/adminauth"
	"github.com/labelbridge/labelbridge/assets"
	"github.com/labelbridge/labelbridge/config"
	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/printing/netraw"
	"github.com/labelbridge/labelbridge/sites"
	"github.com/labelbridge/labelbridge/wsserver"
)

// panelOrigin is the origin recorded on jobs the panel makes (test prints).
const panelOrigin = "panel"

// panel serves the local web panel and its admin methods.
type panel struct {
	a        *agent
	index    []byte // the panel, for a browser with a panel session
	login    []byte // how to open the panel, for everyone else
	compiler *labelCompiler
}

// newPanelAuth makes this run's panel login (codes and sessions live in
// memory only). The cookie's name carries the port: cookies ignore ports,
// and agents of other users on the same PC use other ports.
func newPanelAuth(port int) *adminauth.Auth {
	return adminauth.New(adminauth.Options{CookieName: "labelbridge_panel_" + strconv.Itoa(port)})
}

// panelURL is the local web panel's address (no secret: opened without a
// session it says how to open the panel).
func (a *agent) panelURL() string {
	return "http://127.0.0.1:" + strconv.Itoa(a.port) + "/"
}

// panelLoginURL mints a one-time login code and returns the address that
// opens the panel with it. Only the desktop user's own channels call it:
// the tray (this process) and panel.login (the CLI, with the token file).
func (a *agent) panelLoginURL() string {
	return a.panelURL() + "login?code=" + a.auth.NewCode()
}

// mountPanel serves the local web panel, its login and its admin methods.
func (a *agent) mountPanel() {
	p := &panel{a: a, compiler: newLabelCompiler(a.cfg.Fonts)}
	index, err := fs.ReadFile(assets.Panel(), "index.html")
	if err == nil {
		p.login, err = fs.ReadFile(assets.Panel(), "login.html")
	}
	if err != nil {
		a.log.Error("the panel's pages are missing from this build: the panel is off", "err", err)
		return
	}
	p.index = index
	a.server.Handle("/{$}", http.HandlerFunc(p.serveIndex))
	a.server.Handle("/login", http.HandlerFunc(a.auth.ServeLogin))
	a.server.Handle("/panel/", http.StripPrefix("/panel/", http.HandlerFunc(p.serveStatic)))
	a.server.AddAdminMethods(p.methods()...)
	// The panel (and any admin client subscribed to "sites") hears about a
	// new pending site, or an approval made elsewhere, at once.
	a.sites.OnChange(func() { a.server.Notify("sites", "sites", p.sitesNow()) })
}

// securityHeaders keep the panel out of frames (its Allow buttons must not
// be clickjacked) and its scripts to its own files.
func securityHeaders(w http.ResponseWriter, host string) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"connect-src 'self' ws://"+host+"; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
}

func (p *panel) serveIndex(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "use GET", http.StatusMethodNotAllowed)
		return
	}
	// The Host was checked by the server: a loopback name with our port.
	securityHeaders(w, r.Host)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Vary", "Cookie")
	// Neither page holds a secret: the panel proves itself to /ws with its
	// HttpOnly session cookie and the agent's own Origin.
	page := p.login
	if p.a.auth.Valid(r) {
		page = p.index
	}
	_, _ = w.Write(page)
}

// panelTypes are the files /panel/ serves, by extension.
var panelTypes = map[string]string{
	".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
	".png": "image/png", ".svg": "image/svg+xml",
}

func (p *panel) serveStatic(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "use GET", http.StatusMethodNotAllowed)
		return
	}
	name := path.Clean(r.URL.Path)
	ctype, ok := panelTypes[path.Ext(name)]
	data, err := fs.ReadFile(assets.Panel(), name)
	if !ok || err != nil || strings.Contains(name, "..") {
		http.NotFound(w, r)
		return
	}
	securityHeaders(w, r.Host)
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(data))
}

func (p *panel) methods() []wsserver.AdminMethod {
	return []wsserver.AdminMethod{
		{Name: "sites.list", Call: p.sitesList},
		{Name: "sites.approve", Call: p.siteChange("approve", p.a.sites.Approve)},
		{Name: "sites.deny", Call: p.siteChange("deny", p.a.sites.Deny)},
		{Name: "sites.revoke", Call: p.siteChange("revoke", p.a.sites.Revoke)},
		{Name: "printing.status", Call: p.printingStatus},
		{Name: "printing.pause", Call: p.setPaused(true)},
		{Name: "printing.resume", Call: p.setPaused(false)},
		{Name: "printers.add", Call: p.printersAdd},
		{Name: "printers.remove", Call: p.printersRemove},
		{Name: "printers.testPrint", Call: p.printersTestPrint},
		{Name: "jobs.preview", Call: p.jobsPreview},
		{Name: "panel.login", Call: p.panelLogin},
	}
}

// panelLogin mints a one-time panel login link for an admin (the CLI's
// `labelbridge panel`): {"url", "expiresIn": seconds}.
func (p *panel) panelLogin(_ context.Context, params json.RawMessage) (any, error) {
	if err := decodeAdminParams(params, &struct{}{}); err != nil {
		return nil, err
	}
	return map[string]any{"url": p.a.panelLoginURL(), "expiresIn": int(adminauth.CodeTTL / time.Second)}, nil
}

// badParams is a bad-params error with the invalid_params reason.
func badParams(format string, args ...any) error {
	return &printing.Error{Code: printing.ErrReasonInvalidParams, Msg: fmt.Sprintf(format, args...)}
}

// decodeAdminParams decodes params into v; unknown fields are errors naming the
// field, absent params decode as {}.
func decodeAdminParams(raw json.RawMessage, v any) error {
	if len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		raw = json.RawMessage("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return badParams("params.%s: wrong type (got JSON %s)", te.Field, te.Value)
		}
		return badParams("params: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return badParams("params: unexpected data after the object")
	}
	return nil
}

// sitesResult is what every sites.* method answers: the whole list.
type sitesResult struct {
	Sites   []sites.Site `json:"sites"`
	Locked  bool         `json:"locked"`
	Pending int          `json:"pending"`
}

func (p *panel) sitesNow() sitesResult {
	list := p.a.sites.List()
	if list == nil {
		list = []sites.Site{}
	}
	return sitesResult{Sites: list, Locked: p.a.sites.Locked(), Pending: p.a.sites.PendingCount()}
}

func (p *panel) sitesList(_ context.Context, params json.RawMessage) (any, error) {
	if err := decodeAdminParams(params, &struct{}{}); err != nil {
		return nil, err
	}
	return p.sitesNow(), nil
}

// siteChange makes sites.approve / deny / revoke {"origin"}.
func (p *panel) siteChange(verb string, change func(origin string) error) func(context.Context, json.RawMessage) (any, error) {
	return func(_ context.Context, params json.RawMessage) (any, error) {
		var in struct {
			Origin string `json:"origin"`
		}
		if err := decodeAdminParams(params, &in); err != nil {
			return nil, err
		}
		if in.Origin == "" {
			return nil, badParams("origin: required")
		}
		if verb == "approve" && p.a.sites.Locked() {
			return nil, &printing.Error{Code: printing.ErrReasonNotAllowed, Msg: "the admin policy locks the allowed sites: ask your IT team to add " + in.Origin}
		}
		if err := change(in.Origin); err != nil {
			return nil, &printing.Error{Code: printing.ErrReasonInvalidParams, Msg: verb + " " + in.Origin, Err: err}
		}
		p.a.log.Info("site "+verb+"d in the panel", "origin", in.Origin)
		return p.sitesNow(), nil
	}
}

func (p *panel) printingStatus(_ context.Context, params json.RawMessage) (any, error) {
	if err := decodeAdminParams(params, &struct{}{}); err != nil {
		return nil, err
	}
	return p.statusNow(), nil
}

func (p *panel) statusNow() map[string]any {
	return map[string]any{
		"paused": p.a.spooler.Paused(), "version": version, "pendingSites": p.a.sites.PendingCount(),
		"port": p.a.port, "virtualFolder": p.a.virtual.Dir(),
	}
}

func (p *panel) setPaused(paused bool) func(context.Context, json.RawMessage) (any, error) {
	return func(_ context.Context, params json.RawMessage) (any, error) {
		if err := decodeAdminParams(params, &struct{}{}); err != nil {
			return nil, err
		}
		p.a.spooler.SetPaused(paused)
		return p.statusNow(), nil
	}
}

// networkPrinterParams are printers.add's params.
type networkPrinterParams struct {
	Name     string `json:"name"`
	Address  string `json:"address"`
	Language string `json:"language"`
	DPI      int    `json:"dpi"`
}

// normalizeAddress trims an address and adds the raw port (9100) when it
// has none, so the printer's id is the same however it was typed.
func normalizeAddress(addr string) (string, error) {
	addr = strings.TrimSpace(addr)
	if addr == "" {
		return "", badParams("address: required (host or host:port, e.g. 192.168.1.50 or printer.local:9100)")
	}
	if strings.ContainsAny(addr, " /\\") {
		return "", badParams("address: %q is not a host or host:port", addr)
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		host, port = strings.Trim(addr, "[]"), strconv.Itoa(netraw.DefaultPort)
	}
	if n, err := strconv.Atoi(port); host == "" || err != nil || n < 1 || n > 65535 {
		return "", badParams("address: %q is not a host or host:port", addr)
	}
	return net.JoinHostPort(host, port), nil
}

func (p *panel) printersAdd(_ context.Context, params json.RawMessage) (any, error) {
	var in networkPrinterParams
	if err := decodeAdminParams(params, &in); err != nil {
		return nil, err
	}
	if p.a.cfg.PolicyKeys["networkPrinters"] {
		return nil, &printing.Error{Code: printing.ErrReasonNotAllowed, Msg: "the admin policy sets the network printers: ask your IT team to add one"}
	}
	addr, err := normalizeAddress(in.Address)
	if err != nil {
		return nil, err
	}
	if in.Language == "" {
		in.Language = "zpl"
	}
	np := config.NetworkPrinter{Name: strings.TrimSpace(in.Name), Address: addr, Language: in.Language, DPI: in.DPI}
	if len(np.Name) > 100 {
		return nil, badParams("name: at most 100 characters")
	}
	if _, err := p.a.spooler.Printer(np.PrinterID()); err == nil {
		return nil, badParams("address: a printer at %s is already set up", addr)
	}
	err = p.a.writer.Update(func(c *config.Config) error {
		// Validate the new entry with the effective settings around it, so
		// the error names the key (networkPrinters[N].language …).
		check := p.a.cfg.Config
		check.NetworkPrinters = append(slices.Clone(c.NetworkPrinters), np)
		if err := check.Validate(); err != nil {
			return badParams("%v", err)
		}
		c.NetworkPrinters = append(c.NetworkPrinters, np)
		return nil
	})
	if err != nil {
		if printing.ReasonOf(err, "") != "" {
			return nil, err
		}
		return nil, &printing.Error{Code: printing.ErrReasonStoreFailed, Msg: "save the printer in the config file", Err: err}
	}
	info := networkPrinterInfo(np)
	p.a.spooler.Attach(info, netraw.New(np.Address))
	p.a.log.Info("network printer added in the panel", "printer", info.ID, "address", np.Address, "language", np.Language)
	pr, err := p.a.spooler.Printer(info.ID)
	if err != nil {
		return nil, err
	}
	return map[string]any{"printer": pr}, nil
}

func (p *panel) printersRemove(_ context.Context, params json.RawMessage) (any, error) {
	var in struct {
		Printer string `json:"printer"`
	}
	if err := decodeAdminParams(params, &in); err != nil {
		return nil, err
	}
	if in.Printer == "" {
		return nil, badParams("printer: required")
	}
	if p.a.cfg.PolicyKeys["networkPrinters"] {
		return nil, &printing.Error{Code: printing.ErrReasonNotAllowed, Msg: "the admin policy sets the network printers: they cannot be removed here"}
	}
	err := p.a.writer.Update(func(c *config.Config) error {
		i := slices.IndexFunc(c.NetworkPrinters, func(np config.NetworkPrinter) bool { return np.PrinterID() == in.Printer })
		if i < 0 {
			return &printing.Error{Code: printing.ErrReasonPrinterNotFound, Msg: fmt.Sprintf("printer %q is not a network printer you added: only those can be removed", in.Printer)}
		}
		c.NetworkPrinters = slices.Delete(c.NetworkPrinters, i, i+1)
		return nil
	})
	if err != nil {
		if printing.ReasonOf(err, "") != "" {
			return nil, err
		}
		return nil, &printing.Error{Code: printing.ErrReasonStoreFailed, Msg: "remove the printer from the config file", Err: err}
	}
	// Forget clears the default if it was this printer: jobs that name no
	// printer then follow the documented fallback (the sole local printer,
	// else the virtual one), never another printer someone added.
	if err := p.a.spooler.Forget(in.Printer); err != nil {
		p.a.log.Warn("forget the removed printer", "printer", in.Printer, "err", err)
	}
	p.a.log.Info("network printer removed in the panel", "printer", in.Printer)
	return map[string]any{"removed": in.Printer}, nil
}

// testLabel is the built-in test label (60 × 40 mm) for a printer.
func testLabel(pr printing.Printer, now time.Time) json.RawMessage {
	name := pr.Name
	if name == "" {
		name = pr.ID
	}
	if r := []rune(name); len(r) > 32 {
		name = string(r[:32])
	}
	details := fmt.Sprintf("%s · %d dpi · %s", strings.ToUpper(pr.Language), pr.DPI, now.Format("2006-01-02 15:04"))
	l := map[string]any{
		"width": 60, "height": 40, "unit": "mm",
		"elements": []map[string]any{
			{"type": "box", "x": 1, "y": 1, "width": 58, "height": 38, "thickness": 0.4},
			{"type": "text", "x": 4, "y": 4, "text": "Labelbridge test label", "size": 3},
			{"type": "text", "x": 4, "y": 10, "text": name, "size": 2.2},
			{"type": "text", "x": 4, "y": 14.5, "text": details, "size": 1.8},
			{"type": "line", "x1": 1, "y1": 18.5, "x2": 59, "y2": 18.5, "thickness": 0.3},
			{"type": "barcode", "symbology": "code128", "x": 4, "y": 21.5, "data": "LB-TEST-" + now.Format("150405"), "height": 9, "width": 36},
			{"type": "barcode", "symbology": "qr", "x": 44, "y": 21, "data": "Labelbridge test label", "size": 13},
		},
	}
	b, _ := json.Marshal(l) // plain maps: cannot fail
	return b
}

func (p *panel) printersTestPrint(ctx context.Context, params json.RawMessage) (any, error) {
	var in struct {
		Printer string `json:"printer"`
	}
	if err := decodeAdminParams(params, &in); err != nil {
		return nil, err
	}
	if in.Printer == "" {
		return nil, badParams("printer: required")
	}
	pr, err := p.a.spooler.Printer(in.Printer)
	if err != nil {
		return nil, err
	}
	r, err := p.a.spooler.SubmitWait(ctx, printing.Request{
		Printer: pr.ID, Origin: panelOrigin, Title: "Test label", Label: testLabel(pr, time.Now()),
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"job": r.Job}, nil
}

// jobsPreview draws the label a job was made from: {"png": base64} or, for
// raw jobs (nothing to draw), {"png": ""}.
func (p *panel) jobsPreview(ctx context.Context, params json.RawMessage) (any, error) {
	var in struct {
		Job string `json:"job"`
		DPI int    `json:"dpi"`
	}
	if err := decodeAdminParams(params, &in); err != nil {
		return nil, err
	}
	if in.Job == "" {
		return nil, badParams("job: required")
	}
	if in.DPI != 0 && (in.DPI < 50 || in.DPI > 600) {
		return nil, badParams("dpi: must be 50 to 600")
	}
	if _, err := p.a.spooler.Job(in.Job); err != nil {
		return nil, err
	}
	src, err := p.a.store.Source(in.Job)
	if err != nil {
		return nil, &printing.Error{Code: printing.ErrReasonStoreFailed, Msg: "read the job's label", Err: err}
	}
	if src == nil {
		return map[string]any{"png": "", "reason": "raw"}, nil
	}
	png, err := p.compiler.PreviewLabel(ctx, src, in.DPI)
	if err != nil {
		return nil, err
	}
	return map[string]any{"png": base64.StdEncoding.EncodeToString(png), "contentType": "image/png"}, nil
}
