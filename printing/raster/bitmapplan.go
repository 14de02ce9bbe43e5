package raster

import (
	"context"
	"image"

	"github.com/labelbridge/labelbridge/printing/label"
)

// BitmapPlan returns the plan of a label that is one finished 1-bit bitmap
// (a document's page, printing/document): b fills the w×h dot label at
// dpi. Encoders treat it like an image element, so each language sends its
// own bitmap command for the part of b that has ink (ZPL ^GF, TSPL BITMAP,
// EPL GW, ESC/POS GS v 0), and Render returns b again for previews. Its
// work budget is a label's, and it stops when ctx is done.
func BitmapPlan(ctx context.Context, b *Bitmap, dpi, copies int) (*Plan, error) {
	if b == nil || b.W < 1 || b.H < 1 {
		return nil, label.Errorf(label.ReasonInvalid, "", "the page is empty (no pixels)")
	}
	if int64(b.W)*int64(b.H) > MaxDots {
		return nil, tooComplex("the page is %d×%d dots; the limit is %s dots", b.W, b.H, commas(MaxDots))
	}
	copies = max(copies, 1)
	l := &label.Label{Width: float64(b.W), Height: float64(b.H), Unit: label.UnitDot, DPI: dpi, Copies: copies}
	p := &Plan{Label: l, DPI: dpi, Width: b.W, Height: b.H, Copies: copies, meter: newMeter(ctx, MaxWorkDots)}
	area := int64(b.W) * int64(b.H)
	p.estimate = canvasCost*area/8 + 2*area + 2
	ink := inkBounds(b)
	if ink.Empty() {
		return p, nil // a blank page prints as a blank label
	}
	it := &Item{Index: 0, Type: label.TypeImage, Bounds: ink, bmp: b.Sub(ink), cost: 2 * area, m: p.meter, what: "the page"}
	p.Items = []*Item{it}
	return p, nil
}

// inkBounds returns the smallest rectangle holding all of b's ink, its left
// and right edges on whole bytes.
func inkBounds(b *Bitmap) image.Rectangle {
	y0, y1 := -1, -1
	c0, c1 := b.Stride, -1
	for y := 0; y < b.H; y++ {
		row := b.Row(y)
		for i, v := range row {
			if v != 0 {
				c0 = min(c0, i)
				c1 = max(c1, i)
				if y0 < 0 {
					y0 = y
				}
				y1 = y
			}
		}
	}
	if y0 < 0 {
		return image.Rectangle{}
	}
	return image.Rect(c0*8, y0, min((c1+1)*8, b.W), y1+1)
}
