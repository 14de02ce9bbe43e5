package document

import (
	"image"
	"math"

	"golang.org/x/image/math/f64"
)

// box is a rectangle on a page in the page's own units (PDF points, image
// pixels), top-left origin, y down.
type box struct{ X, Y, W, H float64 }

// placement says where a page lands on the label, in dots: the page is
// turned clockwise by Rot, scaled by Scale (dots per page unit), and the
// turned page's top-left corner is at (X, Y); PW×PH is the turned page's
// size. Everything outside the label is cut off.
type placement struct {
	Rot    int
	Scale  float64
	X, Y   float64
	PW, PH float64
}

// landscape reports whether w×h is wider than tall (squares are neither).
func landscape(w, h float64) bool { return w > h }
func portrait(w, h float64) bool  { return h > w }

// autoRotation turns a landscape content box onto portrait stock (and a
// portrait one onto landscape stock) by 90° clockwise; otherwise 0.
func autoRotation(cw, ch float64, labelW, labelH int) int {
	lw, lh := float64(labelW), float64(labelH)
	if (landscape(cw, ch) && portrait(lw, lh)) || (portrait(cw, ch) && landscape(lw, lh)) {
		return 90
	}
	return 0
}

// place computes the placement of content (a box on a pw×ph page) on a
// labelW×labelH dot label at dpi, for fit and rot (0, 90, 180, 270 or
// RotateAuto). unitsPerInch converts page units to inches for fit
// "actual" (72 for PDF points).
func place(pw, ph float64, content box, unitsPerInch float64, labelW, labelH, dpi int, fit string, rot int) placement {
	if rot == RotateAuto {
		rot = autoRotation(content.W, content.H, labelW, labelH)
	}
	rw, rh := content.W, content.H
	rpw, rph := pw, ph
	if rot == 90 || rot == 270 {
		rw, rh = rh, rw
		rpw, rph = ph, pw
	}
	W, H := float64(labelW), float64(labelH)
	var s float64
	switch fit {
	case FitCover:
		s = math.Max(W/rw, H/rh)
	case FitActual:
		s = float64(dpi) / unitsPerInch
	default:
		s = math.Min(W/rw, H/rh)
	}
	ox, oy := (W-rw*s)/2, (H-rh*s)/2
	// The content's top-left corner on the turned page.
	var x0, y0 float64
	switch rot {
	case 90:
		x0, y0 = ph-content.Y-content.H, content.X
	case 180:
		x0, y0 = pw-content.X-content.W, ph-content.Y-content.H
	case 270:
		x0, y0 = content.Y, pw-content.X-content.W
	default:
		x0, y0 = content.X, content.Y
	}
	return placement{Rot: rot, Scale: s, X: ox - x0*s, Y: oy - y0*s, PW: rpw * s, PH: rph * s}
}

// affine returns the page-to-label transform of pl for a pw×ph page
// (dx = a·x + b·y + c, dy = d·x + e·y + f).
func (pl placement) affine(pw, ph float64) f64.Aff3 {
	s := pl.Scale
	switch pl.Rot {
	case 90:
		return f64.Aff3{0, -s, pl.X + s*ph, s, 0, pl.Y}
	case 180:
		return f64.Aff3{-s, 0, pl.X + s*pw, 0, -s, pl.Y + s*ph}
	case 270:
		return f64.Aff3{0, s, pl.X, -s, 0, pl.Y + s*pw}
	}
	return f64.Aff3{s, 0, pl.X, 0, s, pl.Y}
}

// labelSize returns the label size in dots: width×height in unit, or, when
// not given, the content box's own physical size.
func labelSize(p *Params, content box, unitsPerInch float64, dpi int) (int, int) {
	if p.Width > 0 && p.Height > 0 {
		return toDots(p.Width, p.Unit, dpi), toDots(p.Height, p.Unit, dpi)
	}
	w, h := content.W/unitsPerInch*float64(dpi), content.H/unitsPerInch*float64(dpi)
	if p.maxWidth > 0 && w > float64(p.maxWidth) { // a receipt printer's paper
		w, h = float64(p.maxWidth), h*float64(p.maxWidth)/w
	}
	return int(math.Round(w)), int(math.Round(h))
}

func toDots(v float64, unit string, dpi int) int {
	switch unit {
	case "in":
		return int(math.Round(v * float64(dpi)))
	case "dot":
		return int(math.Round(v))
	}
	return int(math.Round(v / 25.4 * float64(dpi)))
}

// inkBox returns the bounds of the pixels of g darker than level (empty
// when there are none).
func inkBox(g *image.Gray, level uint8) image.Rectangle {
	r := g.Bounds()
	minX, minY, maxX, maxY := r.Max.X, r.Max.Y, r.Min.X-1, r.Min.Y-1
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := g.Pix[(y-r.Min.Y)*g.Stride : (y-r.Min.Y)*g.Stride+r.Dx()]
		first := -1
		for x, v := range row {
			if v < level {
				first = x
				break
			}
		}
		if first < 0 {
			continue
		}
		last := first
		for x := len(row) - 1; x > first; x-- {
			if row[x] < level {
				last = x
				break
			}
		}
		minX, maxX = min(minX, r.Min.X+first), max(maxX, r.Min.X+last)
		minY, maxY = min(minY, y), max(maxY, y)
	}
	if maxX < minX {
		return image.Rectangle{}
	}
	return image.Rect(minX, minY, maxX+1, maxY+1)
}
