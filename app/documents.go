package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strconv"

	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/printing/document"
	"github.com/labelbridge/labelbridge/printing/media"
	"github.com/labelbridge/labelbridge/wire"
)

// defaultDocumentDPI is the resolution of a document rendered for a
// printer, preview or file that names none.
const defaultDocumentDPI = 203

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
func (c *labelCompiler) CompileDocument(ctx context.Context, raw json.RawMessage, p printing.Printer, copies int) (printing.Compiled, error) {
	d, err := document.Parse(raw)
	if err != nil {
		return printing.Compiled{}, err
	}
	dpi := p.DPI
	if dpi == 0 {
		dpi = defaultDocumentDPI
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
func (c *labelCompiler) PreviewDocument(ctx context.Context, raw json.RawMessage, dpi int) ([]byte, int, error) {
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
		dpi = defaultDocumentDPI
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

// documentFlags are the CLI's document options (print --document, render
// and preview of a PDF, PNG or JPEG file).
type documentFlags struct {
	pages, fit, rotate, crop, dither, unit string
	threshold                              int
	width, height                          float64
}

func addDocumentFlags(fs *flag.FlagSet) *documentFlags {
	f := &documentFlags{}
	fs.StringVar(&f.pages, "pages", "", `document pages to print, e.g. "1-3,5" (default: all)`)
	fs.StringVar(&f.fit, "fit", "", "document fit: contain (default), cover or actual")
	fs.StringVar(&f.rotate, "rotate", "", "document rotation: auto (default), 0, 90, 180 or 270")
	fs.StringVar(&f.crop, "crop", "", "document crop: none (default) or content (trim white margins)")
	fs.StringVar(&f.dither, "dither", "", "document dithering: threshold (default), ordered or floyd-steinberg")
	fs.IntVar(&f.threshold, "threshold", -1, "document threshold 0-255 (default 128)")
	fs.Float64Var(&f.width, "width", 0, "label width for a document (default: the page's)")
	fs.Float64Var(&f.height, "height", 0, "label height for a document")
	fs.StringVar(&f.unit, "unit", "", "unit of --width and --height: mm (default), in or dot")
	return f
}

// params returns the document params for a file's bytes, checked.
func (f *documentFlags) params(name string, data []byte) (json.RawMessage, error) {
	format := document.Sniff(data)
	if format == "" {
		return nil, fmt.Errorf("%s is not a PDF, PNG or JPEG file", name)
	}
	d := wire.Document{Format: format, Base64: b64(data), Pages: f.pages, Fit: f.fit, Crop: f.crop, Dither: f.dither,
		Width: f.width, Height: f.height, Unit: f.unit}
	if f.rotate != "" && f.rotate != "auto" {
		n, err := strconv.Atoi(f.rotate)
		if err != nil {
			return nil, fmt.Errorf("--rotate must be auto, 0, 90, 180 or 270, got %q", f.rotate)
		}
		d.Rotate = n
	}
	if f.threshold >= 0 {
		d.Threshold = &f.threshold
	}
	raw, err := json.Marshal(d)
	if err != nil {
		return nil, err
	}
	if _, err := document.Parse(raw); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return raw, nil
}

// isDocumentFile reports whether a file's bytes are a PDF, PNG or JPEG.
func isDocumentFile(data []byte) bool { return document.Sniff(data) != "" }

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
