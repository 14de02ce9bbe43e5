package compile

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/printing/document"
	"github.com/labelbridge/labelbridge/printing/media"
)

// DefaultDocumentDPI is the resolution of a document rendered for a
// printer, preview or file that names none.
const DefaultDocumentDPI = 203

// documentSource is how a document job is stored, to redo its preview: the
// params as sent and the dpi it printed at.
type documentSource struct {
	Document json.RawMessage `json:"document"`
	DPI      int             `json:"dpi"`
	MaxWidth int             `json:"maxWidth,omitempty"` // dots: a receipt printer's paper
	Size     *documentSize   `json:"size,omitempty"`     // the printer's label size it printed at
}

// documentSize is a label size in unit (mm, in or dot).
type documentSize struct {
	Width  float64 `json:"width"`
	Height float64 `json:"height"`
	Unit   string  `json:"unit"`
}

// printerLabelSize is the label size a document gets on printer p: the
// printer's configured labelWidth×labelHeight when the document names no
// size of its own (a document's width and height win), else nil.
func printerLabelSize(d *document.Params, p printing.Printer) *documentSize {
	if d.Width > 0 || d.Height > 0 || p.Settings == nil {
		return nil
	}
	w, h, unit, ok := p.Settings.LabelSize()
	if !ok {
		return nil
	}
	return &documentSize{Width: w, Height: h, Unit: unit}
}

// apply gives d the size (nil: d keeps its own or the page's).
func (z *documentSize) apply(d *document.Params) {
	if z != nil && d.Width == 0 && d.Height == 0 {
		d.Width, d.Height, d.Unit = z.Width, z.Height, z.Unit
	}
}

// asDocumentSource reads a stored job source that is a document.
func asDocumentSource(src []byte) (documentSource, bool) {
	var d documentSource
	if !bytes.HasPrefix(bytes.TrimSpace(src), []byte(`{"document":`)) || json.Unmarshal(src, &d) != nil || len(d.Document) == 0 {
		return d, false
	}
	return d, true
}

// CompileDocument renders a document at the printer's dpi into its
// language, one label per page (printing.DocumentCompiler).
func (c *Compiler) CompileDocument(ctx context.Context, raw json.RawMessage, p printing.Printer, copies int) (_ printing.Compiled, err error) {
	defer recoverAs(&err, "drawing a document")
	d, err := document.Parse(raw)
	if err != nil {
		return printing.Compiled{}, err
	}
	dpi := p.DPI
	if dpi == 0 {
		dpi = DefaultDocumentDPI
	}
	copies = max(copies, 1)
	maxWidth := documentMaxWidth(p, dpi)
	d.SetMaxWidth(maxWidth)
	size := printerLabelSize(d, p)
	size.apply(d)
	d.SetPrinterSettings(p.Settings)
	data, err := document.Encode(ctx, d, p.Language, dpi, copies)
	if err != nil {
		return printing.Compiled{}, fmt.Errorf("document for printer %s (%s, %d dpi): %w", p.ID, p.Language, dpi, err)
	}
	src, err := json.Marshal(documentSource{Document: raw, DPI: dpi, MaxWidth: maxWidth, Size: size})
	if err != nil {
		return printing.Compiled{}, fmt.Errorf("document source: %w", err)
	}
	return printing.Compiled{Data: data, Language: p.Language, Copies: copies, Source: src}, nil
}

// PreviewDocument draws a document's pages as one PNG (dpi 0: 203), for
// labels.preview.
func (c *Compiler) PreviewDocument(ctx context.Context, raw json.RawMessage, dpi int) (_ []byte, _ int, err error) {
	defer recoverAs(&err, "drawing a document preview")
	return previewDocument(ctx, raw, dpi, 0, nil)
}

// previewDocument draws a document's pages, on labels of size when the
// document names none (a stored job's printer label size; nil: the page's).
func previewDocument(ctx context.Context, raw json.RawMessage, dpi, maxWidth int, size *documentSize) ([]byte, int, error) {
	d, err := document.Parse(raw)
	if err != nil {
		return nil, 0, err
	}
	if dpi == 0 {
		dpi = DefaultDocumentDPI
	}
	d.SetMaxWidth(maxWidth)
	size.apply(d)
	return document.Preview(ctx, d, dpi)
}

// documentMaxWidth is the widest label a document gets on printer p when
// it names no size: the printer's printWidth setting, or an ESC/POS
// printer's 72 mm of paper.
func documentMaxWidth(p printing.Printer, dpi int) int {
	switch {
	case p.Settings != nil && p.Settings.PrintWidth != nil:
		return media.Dots(*p.Settings.PrintWidth, dpi)
	case p.Language == "escpos":
		return media.Dots(media.DefaultReceiptWidthMM, dpi)
	}
	return 0
}
