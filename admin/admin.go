// Package admin is the local panel's side of the agent: the admin-only
// JSON-RPC methods (sites, network printers, pause and resume, test prints,
// label previews, panel login links) and the one handler that serves the
// embedded files of the panel, the SDK and the demo. It declares the
// interfaces it needs (Sites, Spooler, ConfigWriter, Sources, Previewer);
// app wires the real ones. It imports no transport and no server: the
// methods are plain functions that app registers on the WebSocket server,
// and the files are mounted on an HTTP edge with their policies.
package admin

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/labelbridge/labelbridge/config"
	"github.com/labelbridge/labelbridge/edge/adminauth"
	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/sites"
	"github.com/labelbridge/labelbridge/wire"
)

// Origin is the origin recorded on jobs the panel makes (test prints).
const Origin = "panel"

// Sites is the allow-list (package sites is the real one).
type Sites interface {
	List() []sites.Site
	Locked() bool
	PendingCount() int
	Approve(origin string) error
	Deny(origin string) error
	Revoke(origin string) error
	Builtin() []string
}

// Spooler is what the panel needs from the printing core.
type Spooler interface {
	Paused() bool
	SetPaused(paused bool)
	Printer(id string) (printing.Printer, error)
	Job(id string) (printing.Job, error)
	SubmitWait(ctx context.Context, req printing.Request) (printing.SubmitResult, error)
	// Forget drops a printer and, when it was the default, the default.
	Forget(id string) error
}

// ConfigWriter changes the user's config file (config.Writer).
type ConfigWriter interface {
	Update(change func(*config.Config) error) error
}

// Sources finds the label a job was made from (nil for a raw job).
type Sources interface {
	Source(job string) ([]byte, error)
}

// Previewer draws a label (the JSON label model) as a PNG.
type Previewer interface {
	PreviewLabel(ctx context.Context, label json.RawMessage, dpi int) ([]byte, error)
}

// Deps are the parts of the agent the panel's methods use.
type Deps struct {
	Sites     Sites
	Spooler   Spooler
	Config    ConfigWriter
	Sources   Sources
	Previewer Previewer
	// Effective are the settings in force (the new network printer is
	// validated among them); Policy names the keys the admin policy sets.
	Effective config.Config
	Policy    map[string]bool
	// AttachNetwork starts using a network printer and returns its id.
	AttachNetwork func(np config.NetworkPrinter) string
	// CheckPrinter measures a printer's status now (printers.check; nil:
	// the status as the spooler has it).
	CheckPrinter CheckFunc
	// PrinterSettings applies printers.configure (printersettings.go).
	PrinterSettings SettingsSpooler
	// LoginURL mints a one-time panel login link.
	LoginURL      func() string
	Version       string
	Port          int
	VirtualFolder string
	Logger        *slog.Logger
}

// Method is an admin-only JSON-RPC method.
type Method struct {
	Name string
	Call func(ctx context.Context, params json.RawMessage) (any, error)
}

// Panel holds the admin methods. Create it with New.
type Panel struct{ d Deps }

// New returns the panel's methods over d.
func New(d Deps) *Panel {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	return &Panel{d: d}
}

// Methods are the admin-only methods the panel (and the CLI) call.
func (p *Panel) Methods() []Method {
	return []Method{
		{Name: wire.MethodSitesList, Call: p.sitesList},
		{Name: wire.MethodSitesApprove, Call: p.siteChange("approve", p.d.Sites.Approve)},
		{Name: wire.MethodSitesDeny, Call: p.siteChange("deny", p.d.Sites.Deny)},
		{Name: wire.MethodSitesRevoke, Call: p.siteChange("revoke", p.d.Sites.Revoke)},
		{Name: wire.MethodPrintingStatus, Call: p.printingStatus},
		{Name: wire.MethodPrintingPause, Call: p.setPaused(true)},
		{Name: wire.MethodPrintingResume, Call: p.setPaused(false)},
		{Name: wire.MethodPrintersAdd, Call: p.printersAdd},
		{Name: wire.MethodPrintersRemove, Call: p.printersRemove},
		{Name: wire.MethodPrintersTestPrint, Call: p.printersTestPrint},
		{Name: wire.MethodPrintersCheck, Call: p.printersCheck},
		{Name: wire.MethodPrintersConfigure, Call: p.printersConfigure},
		{Name: wire.MethodPrintersCalibrate, Call: p.printersCalibrate},
		{Name: wire.MethodJobsPreview, Call: p.jobsPreview},
		{Name: wire.MethodPanelLogin, Call: p.panelLogin},
	}
}

// panelLogin mints a one-time panel login link for an admin (the CLI's
// `labelbridge panel`): {"url", "expiresIn": seconds}.
func (p *Panel) panelLogin(_ context.Context, params json.RawMessage) (any, error) {
	if err := decodeParams(params, &struct{}{}); err != nil {
		return nil, err
	}
	return map[string]any{"url": p.d.LoginURL(), "expiresIn": int(adminauth.CodeTTL.Seconds())}, nil
}

// badParams is a bad-params error with the invalid_params reason.
func badParams(format string, args ...any) error {
	return &printing.Error{Code: printing.ErrReasonInvalidParams, Msg: fmt.Sprintf(format, args...)}
}

// decodeParams decodes params strictly into v (wire.DecodeParams): unknown
// fields are invalid_params errors naming the field, absent params decode as {}.
func decodeParams(raw json.RawMessage, v any) error { return wire.DecodeParams(raw, v) }

// SitesResult is what every sites.* method answers: the whole list.
type SitesResult = wire.SitesResult

// SitesNow is the allow-list now (also the "sites" event's params).
func (p *Panel) SitesNow() SitesResult {
	list := p.d.Sites.List()
	if list == nil {
		list = []sites.Site{}
	}
	return SitesResult{Sites: list, Locked: p.d.Sites.Locked(), Pending: p.d.Sites.PendingCount(), Builtin: p.d.Sites.Builtin()}
}

func (p *Panel) sitesList(_ context.Context, params json.RawMessage) (any, error) {
	if err := decodeParams(params, &struct{}{}); err != nil {
		return nil, err
	}
	return p.SitesNow(), nil
}

// siteChange makes sites.approve / deny / revoke {"origin"}.
func (p *Panel) siteChange(verb string, change func(origin string) error) func(context.Context, json.RawMessage) (any, error) {
	return func(_ context.Context, params json.RawMessage) (any, error) {
		var in struct {
			Origin string `json:"origin"`
		}
		if err := decodeParams(params, &in); err != nil {
			return nil, err
		}
		if in.Origin == "" {
			return nil, badParams("origin: required")
		}
		if verb == "approve" && p.d.Sites.Locked() {
			return nil, &printing.Error{Code: printing.ErrReasonNotAllowed, Msg: "the admin policy locks the allowed sites: ask your IT team to add " + in.Origin}
		}
		if err := change(in.Origin); err != nil {
			return nil, &printing.Error{Code: printing.ErrReasonInvalidParams, Msg: verb + " " + in.Origin, Err: err}
		}
		p.d.Logger.Info("site "+verb+"d in the panel", "origin", in.Origin)
		return p.SitesNow(), nil
	}
}

func (p *Panel) printingStatus(_ context.Context, params json.RawMessage) (any, error) {
	if err := decodeParams(params, &struct{}{}); err != nil {
		return nil, err
	}
	return p.statusNow(), nil
}

func (p *Panel) statusNow() map[string]any {
	return map[string]any{
		"paused": p.d.Spooler.Paused(), "version": p.d.Version, "pendingSites": p.d.Sites.PendingCount(),
		"port": p.d.Port, "virtualFolder": p.d.VirtualFolder,
	}
}

func (p *Panel) setPaused(paused bool) func(context.Context, json.RawMessage) (any, error) {
	return func(_ context.Context, params json.RawMessage) (any, error) {
		if err := decodeParams(params, &struct{}{}); err != nil {
			return nil, err
		}
		p.d.Spooler.SetPaused(paused)
		return p.statusNow(), nil
	}
}
