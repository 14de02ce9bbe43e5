package raster

import (
	"image"
	"image/draw"
	"math"

	"github.com/go-text/typesetting/font/opentype/tables"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/vector"
)

// Painting a COLR v1 graph (colrv1.go) in premultiplied grey: clips from
// outlines and boxes, fills, gradients (colrv1grad.go) and composites.

// colrPainter paints one glyph's graph onto w×h surfaces.
type colrPainter struct {
	colrWalk
	f           *Face
	buf         *sfnt.Buffer
	rast        vector.Rasterizer
	acc         image.Alpha
	w, h        int
	work, limit int64
}

// charge counts n pixels of work.
func (p *colrPainter) charge(n int) error {
	if p.work += int64(n); p.work > p.limit {
		return errColrWork
	}
	return nil
}

// surface is premultiplied grey and alpha, 0–1, row-major w×h.
type surface struct {
	g, a []float32
	w    int
}

func (p *colrPainter) surface() *surface {
	return &surface{g: make([]float32, p.w*p.h), a: make([]float32, p.w*p.h), w: p.w}
}

// rgba returns the surface as a premultiplied grey RGBA image.
func (s *surface) rgba() *image.RGBA {
	h := len(s.a) / max(1, s.w)
	img := image.NewRGBA(image.Rect(0, 0, s.w, h))
	for i := range s.a {
		a := clamp01(s.a[i])
		g := min(clamp01(s.g[i]), a)
		v := uint8(g*255 + 0.5)
		img.Pix[4*i], img.Pix[4*i+1], img.Pix[4*i+2], img.Pix[4*i+3] = v, v, v, uint8(a*255+0.5)
	}
	return img
}

func clamp01(v float32) float32 {
	if v < 0 || v != v {
		return 0
	}
	return min(v, 1)
}

// clip is coverage (0–1) over rectangle r of the surface; a nil clip
// covers the whole surface.
type clip struct {
	r image.Rectangle
	c []float32 // r.Dx()×r.Dy()
}

// at returns the coverage at surface pixel (x, y).
func (c *clip) at(x, y int) float32 {
	if c == nil {
		return 1
	}
	return c.c[(y-c.r.Min.Y)*c.r.Dx()+x-c.r.Min.X]
}

// rect returns where c may cover.
func (p *colrPainter) rect(c *clip) image.Rectangle {
	if c == nil {
		return image.Rect(0, 0, p.w, p.h)
	}
	return c.r
}

// path is an outline mapped to surface pixels: its segments' operations
// and their points in order.
type path struct {
	ops []sfnt.SegmentOp
	pts [][2]float64
}

// guardBand is how far outside the surface (in surface sizes) points are
// kept: x/image/vector walks every row and column a segment spans, so a
// point 10⁹ pixels away (a malicious transform) would take seconds. Points
// beyond are clamped to it, which keeps axis-aligned shapes exact.
const guardBand = 4

// pathClip rasterises pa into a clip intersected with parent, charging
// the rows and columns its segments span.
func (p *colrPainter) pathClip(pa path, parent *clip) (*clip, error) {
	g := float64(guardBand*max(p.w, p.h) + 64)
	var b fbox
	cost := 0.0
	for i, q := range pa.pts {
		x, y := q[0], q[1]
		if x != x || y != y {
			x, y = 0, 0
		}
		x, y = max(-g, min(float64(p.w)+g, x)), max(-g, min(float64(p.h)+g, y))
		pa.pts[i] = [2]float64{x, y}
		b.add(x, y)
		if i > 0 {
			cost += 2 + math.Abs(x-pa.pts[i-1][0]) + math.Abs(y-pa.pts[i-1][1])
		}
	}
	if err := p.charge(int(cost)); err != nil {
		return nil, err
	}
	if !b.ok {
		return &clip{}, nil
	}
	fl := func(v float64) int { return int(math.Floor(v)) }
	r := image.Rect(fl(b.x0), fl(b.y0), fl(b.x1)+1, fl(b.y1)+1).Intersect(p.rect(parent))
	if r.Empty() {
		return &clip{}, nil
	}
	if err := p.charge(2 * r.Dx() * r.Dy()); err != nil {
		return nil, err
	}
	ox, oy := float64(r.Min.X), float64(r.Min.Y)
	p.rast.Reset(r.Dx(), r.Dy())
	p.rast.DrawOp = draw.Src
	pt := func(i int) (float32, float32) { return float32(pa.pts[i][0] - ox), float32(pa.pts[i][1] - oy) }
	i := 0
	for _, op := range pa.ops {
		switch op {
		case sfnt.SegmentOpMoveTo:
			p.rast.MoveTo(pt(i))
		case sfnt.SegmentOpLineTo:
			p.rast.LineTo(pt(i))
		case sfnt.SegmentOpQuadTo:
			ax, ay := pt(i)
			bx, by := pt(i + 1)
			p.rast.QuadTo(ax, ay, bx, by)
		case sfnt.SegmentOpCubeTo:
			ax, ay := pt(i)
			bx, by := pt(i + 1)
			cx, cy := pt(i + 2)
			p.rast.CubeTo(ax, ay, bx, by, cx, cy)
		}
		i += segArgs(op)
	}
	n := r.Dx() * r.Dy()
	if cap(p.acc.Pix) < n {
		p.acc.Pix = make([]uint8, n)
	}
	p.acc.Pix, p.acc.Stride, p.acc.Rect = p.acc.Pix[:n], r.Dx(), image.Rect(0, 0, r.Dx(), r.Dy())
	p.rast.Draw(&p.acc, p.acc.Rect, image.Opaque, image.Point{})
	c := &clip{r: r, c: make([]float32, n)}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			i := (y-r.Min.Y)*r.Dx() + x - r.Min.X
			c.c[i] = float32(p.acc.Pix[i]) / 255 * parent.at(x, y)
		}
	}
	return c, nil
}

// glyphClip is the clip of glyph gid's outline under t.
func (p *colrPainter) glyphClip(gid uint16, t affine, parent *clip) (*clip, error) {
	segs := unitOutline(p.f, p.buf, gid)
	pa := path{ops: make([]sfnt.SegmentOp, 0, len(segs)), pts: make([][2]float64, 0, 3*len(segs))}
	for _, s := range segs {
		pa.ops = append(pa.ops, s.Op)
		for _, a := range s.Args[:segArgs(s.Op)] {
			x, y := t.apply(float64(a.X)/64, -float64(a.Y)/64)
			pa.pts = append(pa.pts, [2]float64{x, y})
		}
	}
	return p.pathClip(pa, parent)
}

// boxClip is the clip of the rectangle (x0, y0)–(x1, y1) under t.
func (p *colrPainter) boxClip(t affine, x0, y0, x1, y1 float64, parent *clip) (*clip, error) {
	pa := path{ops: []sfnt.SegmentOp{sfnt.SegmentOpMoveTo, sfnt.SegmentOpLineTo, sfnt.SegmentOpLineTo, sfnt.SegmentOpLineTo, sfnt.SegmentOpLineTo}}
	for _, q := range [5][2]float64{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}} {
		x, y := t.apply(q[0], q[1])
		pa.pts = append(pa.pts, [2]float64{x, y})
	}
	return p.pathClip(pa, parent)
}

// paintGlyphRoot paints colour glyph gid (paint root) within its clip box.
func (p *colrPainter) paintGlyphRoot(gid uint16, root tables.PaintTable, t affine, dst *surface) error {
	return p.paintColrGlyph(gid, root, t, nil, dst, 0)
}

// paintColrGlyph paints colour glyph gid's paint root under t.
func (p *colrPainter) paintColrGlyph(gid uint16, root tables.PaintTable, t affine, c *clip, dst *surface, depth int) error {
	if err := p.push(gid); err != nil {
		return err
	}
	defer delete(p.active, gid)
	if x0, y0, x1, y1, ok := colrClip(p.colr, gid); ok {
		var err error
		if c, err = p.boxClip(t, x0, y0, x1, y1, c); err != nil {
			return err
		}
	}
	return p.paint(root, t, c, dst, depth+1)
}

// paint paints p (in paint space, mapped to the surface by t) within c
// over dst.
func (p *colrPainter) paint(pt tables.PaintTable, t affine, c *clip, dst *surface, depth int) error {
	if err := p.enter(depth); err != nil {
		return err
	}
	if c != nil && c.r.Empty() {
		return nil
	}
	if tt, child, ok := transformOf(pt); ok {
		return p.paint(child, t.then(tt), c, dst, depth+1)
	}
	switch pt := pt.(type) {
	case nil:
		return nil
	case tables.PaintColrLayers:
		layers, err := colrResolve(p.colr, pt)
		if err != nil {
			return err
		}
		for _, l := range layers {
			if err := p.paint(l, t, c, dst, depth+1); err != nil {
				return err
			}
		}
	case tables.PaintColrLayersResolved:
		for _, l := range pt {
			g := tables.PaintGlyph{GlyphID: uint16(l.GlyphID), Paint: tables.PaintSolid{PaletteIndex: l.PaletteIndex, Alpha: 1 << 14}}
			if err := p.paint(g, t, c, dst, depth+1); err != nil {
				return err
			}
		}
	case tables.PaintGlyph:
		gc, err := p.glyphClip(pt.GlyphID, t, c)
		if err != nil {
			return err
		}
		return p.paint(pt.Paint, t, gc, dst, depth+1)
	case tables.PaintColrGlyph:
		root, ok := colrSearch(p.colr, pt.GlyphID)
		if !ok {
			return nil
		}
		return p.paintColrGlyph(pt.GlyphID, root, t, c, dst, depth)
	case tables.PaintComposite:
		return p.composite(pt, t, c, dst, depth)
	case tables.PaintSolid:
		g, a := p.stopColour(pt.PaletteIndex, pt.Alpha)
		return p.fill(c, dst, func(float64, float64) (float32, float32) { return g, a }, identityAffine)
	case tables.PaintVarSolid:
		g, a := p.stopColour(pt.PaletteIndex, pt.Alpha)
		return p.fill(c, dst, func(float64, float64) (float32, float32) { return g, a }, identityAffine)
	default:
		if gr, ok := p.gradient(pt); ok {
			inv, ok := t.invert()
			if !ok {
				return nil
			}
			return p.fill(c, dst, gr, inv)
		}
	}
	return nil
}

// stopColour returns palette entry i times alpha as premultiplied grey.
func (p *colrPainter) stopColour(i uint16, alpha tables.Fixed214) (g, a float32) {
	var l, ca float64 = 0, 1 // foreground: black
	if i != foregroundPalette && len(p.f.gt.CPAL) > 0 && int(i) < len(p.f.gt.CPAL[0]) {
		c := p.f.gt.CPAL[0][i]
		l = (0.299*float64(c.Red) + 0.587*float64(c.Green) + 0.114*float64(c.Blue)) / 255
		ca = float64(c.Alpha) / 255
	}
	ca *= max(0, min(1, f2dot14(alpha)))
	return float32(l * ca), float32(ca)
}

// fill paints colour function col (of paint-space points: surface pixel
// centres mapped by inv) within c over dst.
func (p *colrPainter) fill(c *clip, dst *surface, col func(x, y float64) (float32, float32), inv affine) error {
	r := p.rect(c)
	if err := p.charge(r.Dx() * r.Dy()); err != nil {
		return err
	}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cov := c.at(x, y)
			if cov == 0 {
				continue
			}
			g, a := col(inv.apply(float64(x)+0.5, float64(y)+0.5))
			g, a = g*cov, a*cov
			i := y*dst.w + x
			dst.g[i] = g + dst.g[i]*(1-a)
			dst.a[i] = a + dst.a[i]*(1-a)
		}
	}
	return nil
}

// composite paints a PaintComposite: source and backdrop on their own
// surfaces, combined by its mode, the result over dst.
func (p *colrPainter) composite(pt tables.PaintComposite, t affine, c *clip, dst *surface, depth int) error {
	if err := p.charge(3 * p.w * p.h); err != nil {
		return err
	}
	src, bd := p.surface(), p.surface()
	if err := p.paint(pt.BackdropPaint, t, c, bd, depth+1); err != nil {
		return err
	}
	if err := p.paint(pt.SourcePaint, t, c, src, depth+1); err != nil {
		return err
	}
	for i := range dst.a {
		g, a := compose(pt.CompositeMode, src.g[i], src.a[i], bd.g[i], bd.a[i])
		dst.g[i] = g + dst.g[i]*(1-a)
		dst.a[i] = a + dst.a[i]*(1-a)
	}
	return nil
}

// compose combines premultiplied source (sc, sa) with backdrop (dc, da).
func compose(mode tables.CompositeMode, sc, sa, dc, da float32) (float32, float32) {
	switch mode {
	case tables.CompositeClear:
		return 0, 0
	case tables.CompositeSrc:
		return sc, sa
	case tables.CompositeDest:
		return dc, da
	case tables.CompositeSrcOver:
		return sc + dc*(1-sa), sa + da*(1-sa)
	case tables.CompositeDestOver:
		return dc + sc*(1-da), da + sa*(1-da)
	case tables.CompositeSrcIn:
		return sc * da, sa * da
	case tables.CompositeDestIn:
		return dc * sa, da * sa
	case tables.CompositeSrcOut:
		return sc * (1 - da), sa * (1 - da)
	case tables.CompositeDestOut:
		return dc * (1 - sa), da * (1 - sa)
	case tables.CompositeSrcAtop:
		return sc*da + dc*(1-sa), da
	case tables.CompositeDestAtop:
		return dc*sa + sc*(1-da), sa
	case tables.CompositeXor:
		return sc*(1-da) + dc*(1-sa), sa + da - 2*sa*da
	case tables.CompositePlus:
		return min(1, sc+dc), min(1, sa+da)
	}
	// Blend modes: B(cs, cd) on unpremultiplied grey, then the usual
	// source-over of the blended colour.
	var cs, cd float32
	if sa > 0 {
		cs = sc / sa
	}
	if da > 0 {
		cd = dc / da
	}
	b := blend(mode, clamp01(cs), clamp01(cd))
	return (1-da)*sc + (1-sa)*dc + sa*da*b, sa + da - sa*da
}

// blend is a separable blend function on grey (the non-separable ones
// reduced to what they do to grey).
func blend(mode tables.CompositeMode, cs, cd float32) float32 {
	hard := func(cs, cd float32) float32 { // hard light
		if cs <= 0.5 {
			return cd * 2 * cs
		}
		s := 2*cs - 1
		return cd + s - cd*s
	}
	switch mode {
	case tables.CompositeScreen:
		return cs + cd - cs*cd
	case tables.CompositeOverlay:
		return hard(cd, cs)
	case tables.CompositeDarken:
		return min(cs, cd)
	case tables.CompositeLighten:
		return max(cs, cd)
	case tables.CompositeColorDodge:
		switch {
		case cd == 0:
			return 0
		case cs >= 1:
			return 1
		}
		return min(1, cd/(1-cs))
	case tables.CompositeColorBurn:
		switch {
		case cd >= 1:
			return 1
		case cs <= 0:
			return 0
		}
		return 1 - min(1, (1-cd)/cs)
	case tables.CompositeHardLight:
		return hard(cs, cd)
	case tables.CompositeSoftLight:
		if cs <= 0.5 {
			return cd - (1-2*cs)*cd*(1-cd)
		}
		var dd float32
		if cd <= 0.25 {
			dd = ((16*cd-12)*cd + 4) * cd
		} else {
			dd = float32(math.Sqrt(float64(cd)))
		}
		return cd + (2*cs-1)*(dd-cd)
	case tables.CompositeDifference:
		return max(cs-cd, cd-cs)
	case tables.CompositeExclusion:
		return cs + cd - 2*cs*cd
	case tables.CompositeMultiply:
		return cs * cd
	case tables.CompositeHslLuminosity:
		return cs
	}
	return cd // hue, saturation, colour: grey keeps the backdrop's luminance
}
