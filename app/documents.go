package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"strconv"

	"github.com/labelbridge/labelbridge/printing/document"
	"github.com/labelbridge/labelbridge/wire"
)

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
