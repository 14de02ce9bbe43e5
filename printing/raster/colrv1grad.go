package raster

import (
	"math"
	"sort"

	"github.com/go-text/typesetting/font/opentype/tables"
)

// COLR v1 gradients, evaluated per pixel in paint space (font units):
// a colour line of stops (offset, palette colour, alpha), interpolated in
// premultiplied grey (as the spec asks: premultiplied colours) and
// extended past its first and last stops by padding, repeating or
// reflecting; linear gradients along p0→p1 with p2 setting the angle of
// the lines of equal colour, two-circle radial gradients, and sweep
// gradients counter-clockwise around a centre.

// colourLine is a colour line's stops in premultiplied grey, sorted.
type colourLine struct {
	t, g, a []float64
	extend  tables.Extend
}

func (p *colrPainter) colourLine(extend tables.Extend, n int, stop func(i int) (tables.Fixed214, uint16, tables.Fixed214)) *colourLine {
	type st struct{ t, g, a float64 }
	stops := make([]st, 0, n)
	for i := range n {
		off, pal, alpha := stop(i)
		g, a := p.stopColour(pal, alpha)
		stops = append(stops, st{f2dot14(off), float64(g), float64(a)})
	}
	if len(stops) == 0 {
		return nil
	}
	sort.SliceStable(stops, func(i, j int) bool { return stops[i].t < stops[j].t })
	cl := &colourLine{extend: extend}
	for _, s := range stops {
		cl.t, cl.g, cl.a = append(cl.t, s.t), append(cl.g, s.g), append(cl.a, s.a)
	}
	return cl
}

func lineOf(p *colrPainter, l tables.ColorLine) *colourLine {
	return p.colourLine(l.Extend, len(l.ColorStops), func(i int) (tables.Fixed214, uint16, tables.Fixed214) {
		s := l.ColorStops[i]
		return s.StopOffset, s.PaletteIndex, s.Alpha
	})
}

func varLineOf(p *colrPainter, l tables.VarColorLine) *colourLine {
	return p.colourLine(l.Extend, len(l.ColorStops), func(i int) (tables.Fixed214, uint16, tables.Fixed214) {
		s := l.ColorStops[i]
		return s.StopOffset, s.PaletteIndex, s.Alpha
	})
}

// at returns the colour at position t of the line.
func (cl *colourLine) at(t float64) (float32, float32) {
	n := len(cl.t)
	first, last := cl.t[0], cl.t[n-1]
	if span := last - first; span > 1e-9 && !math.IsNaN(t) && !math.IsInf(t, 0) {
		switch cl.extend {
		case tables.ExtendRepeat:
			t = first + span*frac((t-first)/span)
		case tables.ExtendReflect:
			u := (t - first) / span
			m := math.Mod(math.Abs(u), 2)
			if m > 1 {
				m = 2 - m
			}
			t = first + span*m
		}
	}
	switch {
	case math.IsNaN(t):
		return 0, 0
	case t <= first:
		return float32(cl.g[0]), float32(cl.a[0])
	case t >= last:
		return float32(cl.g[n-1]), float32(cl.a[n-1])
	}
	i := sort.SearchFloat64s(cl.t, t) // cl.t[i-1] < t <= cl.t[i]
	if i == 0 {
		i = 1
	}
	t0, t1 := cl.t[i-1], cl.t[i]
	u := 0.0
	if t1 > t0 {
		u = (t - t0) / (t1 - t0)
	}
	return float32(cl.g[i-1] + u*(cl.g[i]-cl.g[i-1])), float32(cl.a[i-1] + u*(cl.a[i]-cl.a[i-1]))
}

func frac(v float64) float64 { return v - math.Floor(v) }

// gradient returns the colour function of a gradient paint.
func (p *colrPainter) gradient(pt tables.PaintTable) (func(x, y float64) (float32, float32), bool) {
	switch g := pt.(type) {
	case tables.PaintLinearGradient:
		return linear(lineOf(p, g.ColorLine), g.X0, g.Y0, g.X1, g.Y1, g.X2, g.Y2)
	case tables.PaintVarLinearGradient:
		return linear(varLineOf(p, g.ColorLine), g.X0, g.Y0, g.X1, g.Y1, g.X2, g.Y2)
	case tables.PaintRadialGradient:
		return radial(lineOf(p, g.ColorLine), g.X0, g.Y0, g.Radius0, g.X1, g.Y1, g.Radius1)
	case tables.PaintVarRadialGradient:
		return radial(varLineOf(p, g.ColorLine), g.X0, g.Y0, g.Radius0, g.X1, g.Y1, g.Radius1)
	case tables.PaintSweepGradient:
		return sweep(lineOf(p, g.ColorLine), g.CenterX, g.CenterY, g.StartAngle, g.EndAngle)
	case tables.PaintVarSweepGradient:
		return sweep(varLineOf(p, g.ColorLine), g.CenterX, g.CenterY, g.StartAngle, g.EndAngle)
	}
	return nil, false
}

func transparent(float64, float64) (float32, float32) { return 0, 0 }

// linear: the colour at p is that of its projection on p0→p1', where p1'
// is p1 moved along p0→p2 onto the perpendicular to p0→p2 through p0, so
// lines of equal colour are parallel to p0→p2.
func linear(cl *colourLine, x0, y0, x1, y1, x2, y2 int16) (func(x, y float64) (float32, float32), bool) {
	if cl == nil {
		return transparent, true
	}
	p0x, p0y := float64(x0), float64(y0)
	dx, dy := float64(x1)-p0x, float64(y1)-p0y
	// Perpendicular to p0→p2.
	nx, ny := -(float64(y2) - p0y), float64(x2)-p0x
	if nn := nx*nx + ny*ny; nn > 0 {
		k := (dx*nx + dy*ny) / nn
		dx, dy = nx*k, ny*k
	}
	dd := dx*dx + dy*dy
	if dd == 0 {
		return transparent, true
	}
	return func(x, y float64) (float32, float32) {
		return cl.at(((x-p0x)*dx + (y-p0y)*dy) / dd)
	}, true
}

// radial: the colour at p is that of the largest t for which p lies on
// the circle interpolated (and extrapolated) between the two circles,
// with a radius that is not negative; nothing where there is none.
func radial(cl *colourLine, x0, y0 int16, r0 uint16, x1, y1 int16, r1 uint16) (func(x, y float64) (float32, float32), bool) {
	if cl == nil {
		return transparent, true
	}
	c0x, c0y, rr0 := float64(x0), float64(y0), float64(r0)
	cdx, cdy, dr := float64(x1)-c0x, float64(y1)-c0y, float64(r1)-rr0
	a := cdx*cdx + cdy*cdy - dr*dr
	return func(x, y float64) (float32, float32) {
		pdx, pdy := x-c0x, y-c0y
		b := pdx*cdx + pdy*cdy + rr0*dr
		c := pdx*pdx + pdy*pdy - rr0*rr0
		ok := func(t float64) bool { return rr0+t*dr >= 0 }
		if math.Abs(a) < 1e-9 {
			if b == 0 {
				return 0, 0
			}
			if t := c / (2 * b); ok(t) {
				return cl.at(t)
			}
			return 0, 0
		}
		disc := b*b - a*c
		if disc < 0 {
			return 0, 0
		}
		sq := math.Sqrt(disc)
		t1, t2 := (b+sq)/a, (b-sq)/a
		if t1 < t2 {
			t1, t2 = t2, t1
		}
		switch {
		case ok(t1):
			return cl.at(t1)
		case ok(t2):
			return cl.at(t2)
		}
		return 0, 0
	}, true
}

// sweep: the colour at p is that of its angle around the centre,
// counter-clockwise from the positive x axis, mapped from
// [start, end] onto [0, 1].
func sweep(cl *colourLine, cx, cy int16, start, end tables.Fixed214) (func(x, y float64) (float32, float32), bool) {
	if cl == nil {
		return transparent, true
	}
	s, e := (f2dot14(start)+1)*180, (f2dot14(end)+1)*180
	return func(x, y float64) (float32, float32) {
		ang := math.Atan2(y-float64(cy), x-float64(cx)) * 180 / math.Pi
		if ang < 0 {
			ang += 360
		}
		if e == s {
			if ang < s {
				return cl.at(math.Inf(-1))
			}
			return cl.at(math.Inf(1))
		}
		return cl.at((ang - s) / (e - s))
	}, true
}
