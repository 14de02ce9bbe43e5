package raster

import (
	"image"
	"math"

	"github.com/labelbridge/labelbridge/printing/label"
)

// BearerMM is the thickness of ITF-14 bearer bars when asked for (at
// least two modules).
const BearerMM = 1.0

// layoutShape lays out a v2 shape: a box with radius, fill or reverse, or
// an ellipse.
func (p *Plan) layoutShape(it *Item, e *label.Element, x, y int) {
	it.Thickness = p.thickness(e.Thickness)
	it.Bounds = image.Rect(x, y, x+max(1, p.dots(e.Width)), y+max(1, p.dots(e.Height))).Intersect(p.rect())
	it.Ellipse = e.Type == label.TypeEllipse
	it.Radius = min(p.dots(e.Radius), min(it.Bounds.Dx(), it.Bounds.Dy())/2)
	switch {
	case e.Reverse:
		it.Reverse, it.Filled, it.comp = true, true, compXor
	case e.Fill == label.FillWhite:
		it.FillWhite, it.Filled, it.comp = true, true, compClear
	case e.Fill == label.FillBlack:
		it.Filled = true
	}
	if 2*it.Thickness >= min(it.Bounds.Dx(), it.Bounds.Dy()) {
		it.Filled = true
	}
	if it.Filled {
		it.Thickness = min(it.Bounds.Dx(), it.Bounds.Dy())
	}
	it.cost = 3*area(it.Bounds) + 1 // mask, composite, scan
}

// v2Shape reports whether the item is drawn from a mask (shapes.go).
func (it *Item) v2Shape() bool {
	return (it.Type == label.TypeBox || it.Type == label.TypeEllipse) &&
		(it.Ellipse || it.Radius > 0 || it.FillWhite || it.Reverse || it.comp != compOr || it.maskShape)
}

// inShape reports whether the dot centre (px, py) (relative to the shape's
// top-left) lies in a w×h rounded rectangle of radius r, or an ellipse.
func inShape(px, py, w, h, r float64, ellipse bool) bool {
	if px < 0 || py < 0 || px > w || py > h {
		return false
	}
	if ellipse {
		a, b := w/2, h/2
		if a <= 0 || b <= 0 {
			return false
		}
		dx, dy := (px-a)/a, (py-b)/b
		return dx*dx+dy*dy <= 1
	}
	if r <= 0 {
		return true
	}
	cx := math.Max(r, math.Min(w-r, px))
	cy := math.Max(r, math.Min(h-r, py))
	dx, dy := px-cx, py-cy
	return dx*dx+dy*dy <= r*r
}

// shapeMask draws the shape's dots (its outline, or all of it when
// filled) in a bitmap the size of Bounds.
func (it *Item) shapeMask() (*Bitmap, error) {
	w, h := it.Bounds.Dx(), it.Bounds.Dy()
	if err := it.m.charge(it.what, int64(w)*int64(h)); err != nil {
		return nil, err
	}
	b := NewBitmap(w, h)
	t := float64(it.Thickness)
	fw, fh, r := float64(w), float64(h), float64(it.Radius)
	for y := 0; y < h; y++ {
		if err := it.m.tick(it.what, 0); err != nil {
			return nil, err
		}
		py := float64(y) + 0.5
		lo, hi := span(w, func(x int) bool { return inShape(float64(x)+0.5, py, fw, fh, r, it.Ellipse) })
		if lo > hi {
			continue
		}
		ilo, ihi := 1, 0 // the hole of an outline
		if !it.Filled {
			ilo, ihi = span(w, func(x int) bool {
				return inShape(float64(x)+0.5-t, py-t, fw-2*t, fh-2*t, math.Max(0, r-t), it.Ellipse)
			})
		}
		if ilo > ihi {
			b.FillRect(image.Rect(lo, y, hi+1, y+1))
			continue
		}
		b.FillRect(image.Rect(lo, y, ilo, y+1))
		b.FillRect(image.Rect(ihi+1, y, hi+1, y+1))
	}
	return b, nil
}

// span returns the first and last x in [0, w) where in holds, for a
// convex shape's row (in holds on one run of x, or nowhere): a search from
// the middle and both ends, then the edges found by bisection, so a row
// costs O(log w) calls of in, and the dots are exactly those in accepts.
// lo > hi when in holds nowhere.
func span(w int, in func(int) bool) (lo, hi int) {
	// Find one x inside: the middle, or by sampling (the run is never
	// narrower than the sampling step where it matters: a convex shape's
	// row is a run; sample every dot when w is small).
	inside := -1
	for step := w / 2; inside < 0; step /= 2 {
		if step < 1 {
			step = 1
		}
		for x := step / 2; x < w; x += step {
			if in(x) {
				inside = x
				break
			}
		}
		if step == 1 {
			break
		}
	}
	if inside < 0 {
		return 1, 0
	}
	// Bisection: in is false..true on [0, inside], true..false on [inside, w).
	a, z := -1, inside // in(a) false (or a = -1), in(z) true
	for z-a > 1 {
		m := (a + z) / 2
		if in(m) {
			z = m
		} else {
			a = m
		}
	}
	lo = z
	a, z = inside, w // in(a) true, in(z) false (or z = w)
	for z-a > 1 {
		m := (a + z) / 2
		if in(m) {
			a = m
		} else {
			z = m
		}
	}
	return lo, a
}

// drawV2 draws a mask-drawn shape or a destructive item onto dst (top-left
// at origin on the label) with its composite.
func (it *Item) drawV2(dst *Bitmap, origin image.Point) error {
	b, err := it.Bitmap()
	if err != nil {
		return err
	}
	if err := it.m.charge(it.what, int64(b.W)*int64(b.H)); err != nil {
		return err
	}
	at := it.Bounds.Min.Sub(origin)
	switch it.comp {
	case compOpaque:
		dst.ClearRect(image.Rectangle{Min: at, Max: at.Add(image.Pt(b.W, b.H))})
		dst.Or(b, at)
	case compClear:
		dst.AndNot(b, at)
	case compXor:
		dst.Xor(b, at)
	default:
		dst.Or(b, at)
	}
	return nil
}
