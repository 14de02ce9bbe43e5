package wire

import (
	"encoding/json"
	"slices"
)

// Methods every connection may call (the agent's own; printers.setDefault
// then answers not_allowed to a page).
const (
	MethodHello              = "hello"
	MethodPrintersList       = "printers.list"
	MethodPrintersGet        = "printers.get"
	MethodPrintersSetDefault = "printers.setDefault"
	MethodPrint              = "print"
	MethodJobsList           = "jobs.list"
	MethodJobsGet            = "jobs.get"
	MethodJobsCancel         = "jobs.cancel"
	MethodJobsRetry          = "jobs.retry"
	MethodSubscribe          = "subscribe"
	MethodUnsubscribe        = "unsubscribe"
	MethodLabelsPreview      = "labels.preview"
)

// Admin methods: only the panel and the CLI (admin connections) may call
// them; a page gets not_allowed.
const (
	MethodSitesList         = "sites.list"
	MethodSitesApprove      = "sites.approve"
	MethodSitesDeny         = "sites.deny"
	MethodSitesRevoke       = "sites.revoke"
	MethodPrintingStatus    = "printing.status"
	MethodPrintingPause     = "printing.pause"
	MethodPrintingResume    = "printing.resume"
	MethodPrintersAdd       = "printers.add"
	MethodPrintersRemove    = "printers.remove"
	MethodPrintersTestPrint = "printers.testPrint"
	MethodPrintersCheck     = "printers.check" // measure a printer's status now
	MethodJobsPreview       = "jobs.preview"
	MethodPanelLogin        = "panel.login"
	MethodBrowserPrintGet   = "browserPrint.get"
	MethodBrowserPrintSet   = "browserPrint.set"
)

// Methods returns the methods every connection may call, sorted (hello
// lists them).
func Methods() []string {
	return sorted(MethodHello, MethodPrintersList, MethodPrintersGet, MethodPrintersSetDefault, MethodPrint,
		MethodJobsList, MethodJobsGet, MethodJobsCancel, MethodJobsRetry, MethodSubscribe, MethodUnsubscribe,
		MethodLabelsPreview, MethodTemplatesSave, MethodTemplatesList, MethodTemplatesDelete)
}

// AdminMethods returns the admin-only methods, sorted.
func AdminMethods() []string {
	return sorted(MethodSitesList, MethodSitesApprove, MethodSitesDeny, MethodSitesRevoke, MethodPrintingStatus,
		MethodPrintingPause, MethodPrintingResume, MethodPrintersAdd, MethodPrintersRemove, MethodPrintersTestPrint, MethodPrintersCheck,
		MethodPrintersConfigure, MethodPrintersCalibrate,
		MethodFleetStatus, MethodFleetPause, MethodFleetResume, MethodFleetSetEnabled,
		MethodJobsPreview, MethodPanelLogin, MethodBrowserPrintGet, MethodBrowserPrintSet,
		MethodTrustGet, MethodTrustInstall, MethodQZTrayGet, MethodQZTraySet)
}

func sorted(s ...string) []string {
	slices.Sort(s)
	return s
}

// Empty is the params of methods that take none (printers.list,
// sites.list, printing.*, panel.login, browserPrint.get): {} or absent.
type Empty struct{}

// HelloParams are hello's params, all optional.
type HelloParams struct {
	Client   string `json:"client,omitempty"`
	Version  string `json:"version,omitempty"`
	Protocol int    `json:"protocol,omitempty"`
}

// HelloResult is the agent's self-description.
type HelloResult struct {
	Name            string   `json:"name"`
	Version         string   `json:"version"`
	Protocol        int      `json:"protocol"`
	Origin          string   `json:"origin"`
	Admin           bool     `json:"admin"`
	DefaultPrinter  string   `json:"defaultPrinter"`
	MaxMessageBytes int64    `json:"maxMessageBytes"`
	Methods         []string `json:"methods"` // Methods()
}

// PrinterParams name one printer: printers.get, printers.setDefault,
// printers.remove, printers.testPrint.
type PrinterParams struct {
	Printer string `json:"printer"`
}

// PrintersResult is printers.list's result and the printers event.
type PrintersResult struct {
	Printers []Printer `json:"printers"`
}

// PrinterResult is the result of printers.get, printers.setDefault and
// printers.add.
type PrinterResult struct {
	Printer Printer `json:"printer"`
}

// PrintParams are print's params: a label or raw printer commands.
type PrintParams struct {
	Printer        string          `json:"printer,omitempty"`  // default: the default printer
	Label          json.RawMessage `json:"label,omitempty"`    // the label model (docs/labels.md)
	Document       json.RawMessage `json:"document,omitempty"` // a PDF, PNG or JPEG: Document (docs/documents.md)
	Raw            *Raw            `json:"raw,omitempty"`
	Copies         int             `json:"copies,omitempty"`
	IdempotencyKey string          `json:"idempotencyKey,omitempty"`
	Title          string          `json:"title,omitempty"`
	// One design, many labels (templates.go): rows fill {{placeholders}},
	// counters number the labels; template names a saved design instead
	// of label.
	Rows     []Row     `json:"rows,omitempty"`
	Counters []Counter `json:"counters,omitempty"`
	Template string    `json:"template,omitempty"`
}

// PrintResult is print's result: the stored job, and whether it is one
// stored before under the same idempotency key.
type PrintResult struct {
	Duplicate bool `json:"duplicate"`
	Job       Job  `json:"job"`
}

// JobParams name one job: jobs.get, jobs.cancel, jobs.retry.
type JobParams struct {
	Job string `json:"job"`
}

// JobsRetryParams are jobs.retry's: the job, and optionally another
// printer to send it to (a new job marked retryOf, or reprintOf for a done
// job; a held job is canceled first).
type JobsRetryParams struct {
	Job     string `json:"job"`
	Printer string `json:"printer,omitempty"`
}

// JobResult is the result of jobs.get, jobs.cancel, jobs.retry and
// printers.testPrint.
type JobResult struct {
	Job Job `json:"job"`
}

// JobsListParams filter jobs.list (a page sees only its own origin's jobs).
type JobsListParams struct {
	State   JobState `json:"state,omitempty"`
	Printer string   `json:"printer,omitempty"`
	Origin  string   `json:"origin,omitempty"`
	Limit   int      `json:"limit,omitempty"` // 1 to 1000, default 100
}

// JobsResult is jobs.list's result, newest first.
type JobsResult struct {
	Jobs []Job `json:"jobs"`
}

// TopicsParams are the params of subscribe (default: jobs and printers)
// and unsubscribe (default: all).
type TopicsParams struct {
	Topics []string `json:"topics"`
}

// TopicsResult is the connection's topics after subscribe or unsubscribe.
type TopicsResult struct {
	Topics []string `json:"topics"`
}

// PreviewParams are labels.preview's params.
type PreviewParams struct {
	Label    json.RawMessage `json:"label,omitempty"`
	Document json.RawMessage `json:"document,omitempty"` // instead of label: Document
	DPI      int             `json:"dpi,omitempty"`
}

// PreviewResult is a PNG of a label (labels.preview, jobs.preview). For a
// raw job jobs.preview answers PNG "" and Reason "raw".
type PreviewResult struct {
	ContentType string `json:"contentType,omitempty"` // "image/png"
	PNG         string `json:"png"`                   // base64
	Reason      string `json:"reason,omitempty"`
	Pages       int    `json:"pages,omitempty"` // a document's pages shown, one under another
}

// SiteParams name a site: sites.approve, sites.deny, sites.revoke.
type SiteParams struct {
	Origin string `json:"origin"`
}

// SitesResult is what every sites.* method answers, and the sites event.
type SitesResult struct {
	Sites   []Site `json:"sites"`
	Locked  bool   `json:"locked"`
	Pending int    `json:"pending"`
	// Builtin are the default patterns (localhost), so a panel can offer
	// to allow them again after they were removed.
	Builtin []string `json:"builtin"`
}

// PrintingStatus is the result of printing.status, printing.pause and
// printing.resume.
type PrintingStatus struct {
	Paused        bool   `json:"paused"`
	PendingSites  int    `json:"pendingSites"`
	Port          int    `json:"port"`
	Version       string `json:"version"`
	VirtualFolder string `json:"virtualFolder"`
}

// NetworkPrinterParams are printers.add's params.
type NetworkPrinterParams struct {
	Name     string `json:"name,omitempty"`
	Address  string `json:"address"` // host or host:port (port 9100 when omitted)
	Language string `json:"language,omitempty"`
	DPI      int    `json:"dpi,omitempty"`
}

// RemovedResult is printers.remove's result.
type RemovedResult struct {
	Removed string `json:"removed"`
}

// JobPreviewParams are jobs.preview's params.
type JobPreviewParams struct {
	Job string `json:"job"`
	DPI int    `json:"dpi,omitempty"` // 50 to 600
}

// PanelLoginResult is panel.login's result: a one-time panel login link.
type PanelLoginResult struct {
	ExpiresIn int    `json:"expiresIn"` // seconds
	URL       string `json:"url"`
}

// BrowserPrintSetParams are browserPrint.set's params.
type BrowserPrintSetParams struct {
	Enabled *bool `json:"enabled"` // required
	Port    int   `json:"port,omitempty"`
}

// BrowserPrintState is the result of browserPrint.get and browserPrint.set.
type BrowserPrintState struct {
	Enabled   bool   `json:"enabled"`
	Port      int    `json:"port"`
	Listening bool   `json:"listening"`
	Locked    bool   `json:"locked"`          // set by the admin policy
	Error     string `json:"error,omitempty"` // why it is not listening
}
