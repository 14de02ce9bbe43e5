// Package encode turns a label (printing/label) into printer commands in a
// language chosen by name — "zpl", "tspl", "epl" or "escpos" — and renders
// previews. It is the one entry point the rest of Labelbridge uses; the
// per-language work lives in printing/zpl, printing/tspl, printing/epl and
// printing/escpos, the shared layout and bitmaps in printing/raster.
package encode

import (
	"context"
	"fmt"
	"strings"

	"github.com/labelbridge/labelbridge/printing/epl"
	"github.com/labelbridge/labelbridge/printing/escpos"
	"github.com/labelbridge/labelbridge/printing/label"
	"github.com/labelbridge/labelbridge/printing/raster"
	"github.com/labelbridge/labelbridge/printing/tspl"
	"github.com/labelbridge/labelbridge/printing/zpl"
)

// Options control encoding.
type Options struct {
	// DPI is the printer's resolution; 0 means the label's dpi. Label units
	// are physical, so the layout is done at this dpi.
	DPI int
	// Raster sends the whole label as one bitmap (for printers whose
	// language we only partly know).
	Raster bool
	// FontPaths are font files tried after a text element's own font and
	// before the OS fonts.
	FontPaths []string
}

func (o Options) raster() raster.Options {
	return raster.Options{DPI: o.DPI, Raster: o.Raster, FontPaths: o.FontPaths}
}

type encoder func(*raster.Plan, bool) ([]byte, error)

var encoders = map[string]encoder{
	"zpl":    zpl.EncodePlan,
	"tspl":   tspl.EncodePlan,
	"epl":    epl.EncodePlan,
	"escpos": escpos.EncodePlan,
}

// Languages returns the supported language names.
func Languages() []string { return []string{"zpl", "tspl", "epl", "escpos"} }

// Label encodes l in language. Errors carry Reason(): "invalid_label",
// "font_missing" or "unsupported_language".
func Label(ctx context.Context, l *label.Label, language string, opt Options) ([]byte, error) {
	enc, ok := encoders[language]
	if !ok {
		return nil, label.Errorf(label.ReasonUnsupportedLanguage, "",
			"unsupported printer language %q (want %s)", language, strings.Join(Languages(), ", "))
	}
	p, err := raster.Layout(ctx, l, opt.raster())
	if err != nil {
		return nil, err
	}
	out, err := enc(p, opt.Raster)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", language, err)
	}
	return out, nil
}

// Preview renders l as a 1-bit PNG, one pixel per dot at opt.DPI (or the
// label's dpi), the PNG's pHYs chunk recording that dpi.
func Preview(ctx context.Context, l *label.Label, opt Options) ([]byte, error) {
	p, err := raster.Layout(ctx, l, opt.raster())
	if err != nil {
		return nil, err
	}
	return raster.Preview(p)
}
