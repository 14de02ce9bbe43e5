package qz

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"

	"github.com/labelbridge/labelbridge/printing"
)

// Spooler is what the listener needs from the printing core.
type Spooler interface {
	Printers() []printing.Printer
	DefaultPrinter() string
	// SubmitContext queues a print; the channel yields the job once it is
	// durably stored.
	SubmitContext(ctx context.Context, req printing.Request) <-chan printing.SubmitResult
}

// Handler answers QZ Tray calls for one listener.
type Handler struct {
	sp      Spooler
	allowed func(origin, refusal string) bool
	opt     Options
	log     *slog.Logger
}

// callError is an error answered to the page as is.
type callError string

func (e callError) Error() string { return string(e) }

func errorf(format string, args ...any) error { return callError(fmt.Sprintf(format, args...)) }

// unsupported names the QZ Tray calls Labelbridge does not serve, by
// family, with what to do instead.
var unsupported = map[string]string{
	"printers.startListening": "printer status listening is not supported by Labelbridge: the Labelbridge tray and panel show each printer's status",
	"printers.getStatus":      "printer status listening is not supported by Labelbridge: the Labelbridge tray and panel show each printer's status",
	"printers.stopListening":  "printer status listening is not supported by Labelbridge: the Labelbridge tray and panel show each printer's status",
	"serial":                  "serial ports are not supported by Labelbridge (it prints to label printers only)",
	"usb":                     "raw USB device access is not supported by Labelbridge: plugged-in label printers appear in printers.find",
	"hid":                     "HID device access is not supported by Labelbridge",
	"file":                    "file access is not supported by Labelbridge",
	"networking":              "network information is not supported by Labelbridge",
	"websocket":               "network information is not supported by Labelbridge",
	"socket":                  "raw network sockets are not supported by Labelbridge: add the network printer in the Labelbridge panel and print to it by name",
}

func (h *Handler) call(ctx context.Context, origin string, m Message) (any, error) {
	switch m.Call {
	case "printers.getDefault":
		return h.defaultName(), nil
	case "printers.find":
		return h.find(m.Params)
	case "printers.detail":
		return h.details(), nil
	case "print":
		return nil, h.print(ctx, origin, m)
	}
	if msg, ok := unsupported[m.Call]; ok {
		return nil, callError(msg)
	}
	family, _, _ := strings.Cut(m.Call, ".")
	if msg, ok := unsupported[family]; ok {
		return nil, callError(msg)
	}
	// QZ Tray's own answer to a call it does not know.
	return nil, errorf("Invalid function call: %s", m.Call)
}

func (h *Handler) version(m Message) Reply {
	var p struct {
		Details bool `json:"details"`
	}
	_ = json.Unmarshal(m.Params, &p) // anything else: the plain version
	if !p.Details {
		return Reply{UID: m.UID, Result: Version}
	}
	return Reply{UID: m.UID, Result: map[string]string{
		"version": Version, "title": "Labelbridge (QZ Tray compatible)", "vendor": "Labelbridge",
		"labelbridge": h.opt.AgentVersion,
	}}
}

// printers lists the printers with the names pages see.
func (h *Handler) printers() ([]printing.Printer, []string) {
	ps := h.sp.Printers()
	return ps, Names(ps)
}

// defaultName is the default printer's name, nil when there is none.
func (h *Handler) defaultName() any {
	ps, names := h.printers()
	id := h.sp.DefaultPrinter()
	for i, p := range ps {
		if p.ID == id {
			return names[i]
		}
	}
	return nil
}

func (h *Handler) defaultIndex(ps []printing.Printer) int {
	id := h.sp.DefaultPrinter()
	for i, p := range ps {
		if p.ID == id {
			return i
		}
	}
	return -1
}

// find answers printers.find: every name, or the one a query matches.
func (h *Handler) find(params json.RawMessage) (any, error) {
	var p struct {
		Query *string `json:"query"`
	}
	if err := json.Unmarshal(params, &p); err != nil && string(params) != "null" {
		return nil, errorf("printers.find: params must be {\"query\"?: string}: %v", err)
	}
	ps, names := h.printers()
	if p.Query == nil {
		return names, nil
	}
	i := Match(names, h.defaultIndex(ps), *p.Query)
	if i < 0 {
		return nil, callError(errNotFound)
	}
	return names[i], nil
}

// detail is one entry of printers.detail (QZ Tray's keys, where
// Labelbridge knows the value).
type detail struct {
	Name       string `json:"name"`
	Driver     string `json:"driver"`
	Connection string `json:"connection"`
	Default    bool   `json:"default"`
	Density    int    `json:"density,omitempty"`
	// Labelbridge's own view, for pages that want more.
	ID       string `json:"labelbridgeId"`
	Language string `json:"language"`
	Status   string `json:"status"`
}

func (h *Handler) details() []detail {
	ps, names := h.printers()
	def := h.defaultIndex(ps)
	out := make([]detail, len(ps))
	for i, p := range ps {
		out[i] = detail{
			Name: names[i], Driver: "Labelbridge " + p.Language, Connection: p.Connection, Default: i == def,
			Density: p.DPI, ID: p.ID, Language: p.Language, Status: p.Status.State,
		}
	}
	return out
}
