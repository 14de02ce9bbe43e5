package wire

import (
	"encoding/json"

	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/printing/media"
)

// Label designs (templates) every connection may keep, per origin.
const (
	MethodTemplatesSave   = "templates.save"
	MethodTemplatesList   = "templates.list"
	MethodTemplatesDelete = "templates.delete"
)

// Printer settings and calibration (admin only).
const (
	MethodPrintersConfigure = "printers.configure"
	MethodPrintersCalibrate = "printers.calibrate"
)

// ReasonTemplateNotFound: a template the calling origin has not saved.
const ReasonTemplateNotFound = printing.ErrReasonTemplateNotFound

// Counter numbers the labels of a print (print's counters): label k, copies
// included, shows Start + k×Step zero-padded to Digits, in {{Name}}.
type Counter struct {
	Name   string `json:"name"`
	Start  int64  `json:"start,omitempty"`
	Step   *int64 `json:"step,omitempty"` // default 1
	Digits int    `json:"digits,omitempty"`
}

// Row is one row of print's rows: placeholder name → value (a string,
// number or boolean; printed as written).
type Row = map[string]json.RawMessage

// Template is a saved design as templates.list and templates.save show it.
type Template = printing.Template

// TemplateSaveParams are templates.save's params.
type TemplateSaveParams struct {
	Name  string          `json:"name"`
	Label json.RawMessage `json:"label"`
}

// TemplateParams name a template: templates.delete.
type TemplateParams struct {
	Name string `json:"name"`
}

// TemplateResult is templates.save's result.
type TemplateResult struct {
	Template Template `json:"template"`
}

// TemplatesResult is templates.list's result, by name.
type TemplatesResult struct {
	Templates []Template `json:"templates"`
}

// DeletedResult is templates.delete's result.
type DeletedResult struct {
	Deleted string `json:"deleted"`
}

// PrinterSettings are a printer's print and media settings (lengths in mm,
// except the media's label size labelWidth×labelHeight, in unit).
type PrinterSettings = media.Settings

// PrinterConfigureParams are printers.configure's params: the printer's
// whole settings (null or {} clears them).
type PrinterConfigureParams struct {
	Printer  string           `json:"printer"`
	Settings *PrinterSettings `json:"settings"`
}
