package raster

import (
	"context"
	"fmt"

	"github.com/labelbridge/labelbridge/printing"
)

// Work limits for one label, in one place (docs/labels.md lists them). A
// label is laid out (text measured, barcodes encoded, image headers read),
// its cost estimated and refused if over budget before anything is drawn;
// while drawing, a meter counts the dots actually touched and stops at the
// same budget, and stops when the request's context is done.
//
// The largest realistic labels use a small part of this: a 4×6 in label at
// 300 dpi is 2.2 million dots, 100×150 mm at 600 dpi 8.4 million, an 80 mm ×
// 1 m receipt at 203 dpi 5.1 million; drawing one of them with a full-size
// image and a full-size filled box costs well under 40 million dots.
const (
	// MaxDots is the label area in dots (1 bit per dot: 8 MB of canvas).
	MaxDots = 64 << 20
	// MaxElementDots caps one text, barcode or image bitmap.
	MaxElementDots = 16 << 20
	// MaxWorkDots is the work budget of one label: every dot drawn or
	// scanned (text and barcode bitmaps, lines and boxes, scaled images,
	// the canvas passes and the preview). Copies do not count: a label is
	// drawn once whatever its copies.
	MaxWorkDots = 256 << 20
	// MaxLabelImagePixels caps the decoded pixels of all images of one
	// label together (each image is also capped by label.MaxImagePix).
	// Images are decoded, scaled and released one at a time.
	MaxLabelImagePixels = 32 << 20
	// canvasCost is the work of the whole-label canvas per dot of label
	// area, in eighths: allocating, cutting into regions and copying out
	// work a byte (8 dots) at a time and cost 1/8 each (3/8 at most, for
	// an encoder's graphics), the preview PNG a unit per dot (1 + 1/8).
	canvasCost = 12
	// checkEvery is how many rows (or glyph runs) pass between context
	// checks inside one element.
	checkEvery = 64
)

// meter counts the dots a label's drawing touches and stops it when the
// budget is spent or ctx is done. A nil meter counts nothing (tests and
// helpers drawing outside a Plan).
type meter struct {
	ctx   context.Context
	used  int64
	limit int64
	ticks int
}

func newMeter(ctx context.Context, limit int64) *meter {
	if ctx == nil {
		ctx = context.Background()
	}
	return &meter{ctx: ctx, limit: limit}
}

// charge counts n dots of work for what (e.g. "elements[3]: line") and fails
// with too_complex once the label's budget is exceeded.
func (m *meter) charge(what string, n int64) error {
	if m == nil {
		return nil
	}
	m.used += n
	if m.used > m.limit {
		return tooComplex("%s: drawing it goes over the label's work budget of %s dots (%s used)", what, commas(m.limit), commas(m.used))
	}
	return m.check(what)
}

// tick is charge for loops: it checks the context every checkEvery calls.
func (m *meter) tick(what string, n int64) error {
	if m == nil {
		return nil
	}
	m.used += n
	if m.used > m.limit {
		return tooComplex("%s: drawing it goes over the label's work budget of %s dots (%s used)", what, commas(m.limit), commas(m.used))
	}
	if m.ticks++; m.ticks%checkEvery == 0 {
		return m.check(what)
	}
	return nil
}

// check returns the context's error (wrapped) once it is done.
func (m *meter) check(what string) error {
	if m == nil {
		return nil
	}
	if err := m.ctx.Err(); err != nil {
		return fmt.Errorf("render %s: stopped: %w", what, err)
	}
	return nil
}

// Used returns the dots of work the plan's drawing has touched so far.
func (p *Plan) Used() int64 { return p.meter.used }

// Estimate returns the plan's work estimate (dots), computed before any
// drawing; drawing never uses more than this.
func (p *Plan) Estimate() int64 { return p.estimate }

// tooComplex is the too_complex error the API returns for work over budget.
func tooComplex(format string, args ...any) error {
	return &printing.Error{Code: printing.ErrReasonTooComplex, Msg: fmt.Sprintf(format, args...)}
}

// commas formats n with thousands separators (48,000,000).
func commas(n int64) string {
	s := fmt.Sprint(n)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}
