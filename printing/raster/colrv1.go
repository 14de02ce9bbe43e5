package raster

import (
	"errors"
	"fmt"
	"image"
	"image/draw"
	"math"

	gtfont "github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/font/opentype/tables"
	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// COLR v1 colour glyphs (Noto Color Emoji's COLRv1 build, Segoe UI Emoji
// on Windows 11): a base glyph is a graph of paints — layers, glyph
// outlines used as clips, solid colours, linear, radial and sweep
// gradients, affine transforms, references to other colour glyphs and
// composites. The graph go-text parsed is walked in font units (y up)
// with a current transform, and painted in premultiplied grey and alpha
// (the luminance the canvas is dithered on: every Porter-Duff mode is
// linear per channel, so painting luminance instead of red, green and
// blue gives the same grey), then drawn over the colour canvas.
//
// Simplifications: variable paints (Var*) use their default values;
// palette 0 only; the separable blend modes (multiply, screen…) are
// applied to the luminance rather than to each channel; the hue,
// saturation and colour modes keep the backdrop's luminance and the
// luminosity mode takes the source's, which is what they do to grey.
//
// A font's graph is untrusted: the walk stops with an error (and the
// glyph falls back to its outline) on a PaintColrGlyph cycle, deeper than
// colrMaxDepth, more than colrMaxNodes paints or more than
// colrWorkFactor times the glyph's area in pixel work. A glyph larger
// than colrMaxArea pixels is painted at a lower resolution and scaled up.
// The work done (glyphDrawer.work) is also charged to the label's meter
// as each glyph is drawn (textLayout.draw): the text's estimate counts a
// colour glyph at 8 times its area, and a font decides how often it
// paints over it.

// The limits leave room for Noto Color Emoji's COLRv1 glyphs (4,107 in
// Google's web build): at most 6,707 paints (a flag), 179 units of work
// per pixel (🦎, 464 paints), half of them under 9.
const (
	colrMaxDepth   = 32      // nested paints
	colrMaxNodes   = 16384   // paints visited per glyph
	colrWorkFactor = 256     // pixel work per pixel of the glyph's box
	colrMaxArea    = 1 << 19 // pixels painted per glyph (724×724)
)

var (
	errColrCycle   = errors.New("COLR glyph refers to itself")
	errColrDepth   = fmt.Errorf("COLR paint graph deeper than %d", colrMaxDepth)
	errColrNodes   = fmt.Errorf("COLR paint graph has more than %d paints", colrMaxNodes)
	errColrWork    = errors.New("COLR paint graph paints over its glyph too many times")
	errColrInvalid = errors.New("COLR table is malformed")
)

// affine maps (x, y) to (xx·x + xy·y + dx, yx·x + yy·y + dy).
type affine struct{ xx, yx, xy, yy, dx, dy float64 }

var identityAffine = affine{xx: 1, yy: 1}

// then returns the transform applying b first, then a.
func (a affine) then(b affine) affine {
	return affine{
		xx: a.xx*b.xx + a.xy*b.yx, yx: a.yx*b.xx + a.yy*b.yx,
		xy: a.xx*b.xy + a.xy*b.yy, yy: a.yx*b.xy + a.yy*b.yy,
		dx: a.xx*b.dx + a.xy*b.dy + a.dx, dy: a.yx*b.dx + a.yy*b.dy + a.dy,
	}
}

func (a affine) apply(x, y float64) (float64, float64) {
	return a.xx*x + a.xy*y + a.dx, a.yx*x + a.yy*y + a.dy
}

// invert returns a's inverse, or false when a is (nearly) singular.
func (a affine) invert() (affine, bool) {
	det := a.xx*a.yy - a.xy*a.yx
	if math.Abs(det) < 1e-12 || math.IsNaN(det) || math.IsInf(det, 0) {
		return affine{}, false
	}
	r := affine{xx: a.yy / det, yx: -a.yx / det, xy: -a.xy / det, yy: a.xx / det}
	r.dx = -(r.xx*a.dx + r.xy*a.dy)
	r.dy = -(r.yx*a.dx + r.yy*a.dy)
	return r, true
}

func translate(dx, dy float64) affine { return affine{xx: 1, yy: 1, dx: dx, dy: dy} }

// aroundCenter returns t applied around (cx, cy) instead of the origin.
func aroundCenter(t affine, cx, cy int16) affine {
	return translate(float64(cx), float64(cy)).then(t).then(translate(-float64(cx), -float64(cy)))
}

func f2dot14(v tables.Fixed214) float64 { return float64(v) / (1 << 14) }

func rotation(angle tables.Fixed214) affine {
	s, c := math.Sincos(f2dot14(angle) * math.Pi)
	return affine{xx: c, yx: s, xy: -s, yy: c}
}

func skew(x, y tables.Fixed214) affine {
	return affine{xx: 1, yx: math.Tan(f2dot14(y) * math.Pi), xy: -math.Tan(f2dot14(x) * math.Pi), yy: 1}
}

func scaling(sx, sy tables.Fixed214) affine { return affine{xx: f2dot14(sx), yy: f2dot14(sy)} }

// transformOf returns the transform of a transform paint and its child.
func transformOf(p tables.PaintTable) (affine, tables.PaintTable, bool) {
	switch p := p.(type) {
	case tables.PaintTransform:
		t := p.Transform
		return affine{float64(t.Xx), float64(t.Yx), float64(t.Xy), float64(t.Yy), float64(t.Dx), float64(t.Dy)}, p.Paint, true
	case tables.PaintVarTransform:
		t := p.Transform
		return affine{float64(t.Xx), float64(t.Yx), float64(t.Xy), float64(t.Yy), float64(t.Dx), float64(t.Dy)}, p.Paint, true
	case tables.PaintTranslate:
		return translate(float64(p.Dx), float64(p.Dy)), p.Paint, true
	case tables.PaintVarTranslate:
		return translate(float64(p.Dx), float64(p.Dy)), p.Paint, true
	case tables.PaintScale:
		return scaling(p.ScaleX, p.ScaleY), p.Paint, true
	case tables.PaintVarScale:
		return scaling(p.ScaleX, p.ScaleY), p.Paint, true
	case tables.PaintScaleAroundCenter:
		return aroundCenter(scaling(p.ScaleX, p.ScaleY), p.CenterX, p.CenterY), p.Paint, true
	case tables.PaintVarScaleAroundCenter:
		return aroundCenter(scaling(p.ScaleX, p.ScaleY), p.CenterX, p.CenterY), p.Paint, true
	case tables.PaintScaleUniform:
		return scaling(p.Scale, p.Scale), p.Paint, true
	case tables.PaintVarScaleUniform:
		return scaling(p.Scale, p.Scale), p.Paint, true
	case tables.PaintScaleUniformAroundCenter:
		return aroundCenter(scaling(p.Scale, p.Scale), p.CenterX, p.CenterY), p.Paint, true
	case tables.PaintVarScaleUniformAroundCenter:
		return aroundCenter(scaling(p.Scale, p.Scale), p.CenterX, p.CenterY), p.Paint, true
	case tables.PaintRotate:
		return rotation(p.Angle), p.Paint, true
	case tables.PaintVarRotate:
		return rotation(p.Angle), p.Paint, true
	case tables.PaintRotateAroundCenter:
		return aroundCenter(rotation(p.Angle), p.CenterX, p.CenterY), p.Paint, true
	case tables.PaintVarRotateAroundCenter:
		return aroundCenter(rotation(p.Angle), p.CenterX, p.CenterY), p.Paint, true
	case tables.PaintSkew:
		return skew(p.XSkewAngle, p.YSkewAngle), p.Paint, true
	case tables.PaintVarSkew:
		return skew(p.XSkewAngle, p.YSkewAngle), p.Paint, true
	case tables.PaintSkewAroundCenter:
		return aroundCenter(skew(p.XSkewAngle, p.YSkewAngle), p.CenterX, p.CenterY), p.Paint, true
	case tables.PaintVarSkewAroundCenter:
		return aroundCenter(skew(p.XSkewAngle, p.YSkewAngle), p.CenterX, p.CenterY), p.Paint, true
	}
	return affine{}, nil, false
}

// colrSearch is COLR1.Search that treats a panic on a malformed table
// (go-text slices v0 layer records unchecked) as "no colour glyph".
func colrSearch(c *tables.COLR1, gid uint16) (p tables.PaintTable, ok bool) {
	if c == nil {
		return nil, false
	}
	defer func() {
		if recover() != nil {
			p, ok = nil, false
		}
	}()
	return c.Search(tables.GlyphID(gid))
}

// colrResolve returns the layers of a PaintColrLayers.
func colrResolve(c *tables.COLR1, p tables.PaintColrLayers) (layers []tables.PaintTable, err error) {
	if uint64(p.FirstLayerIndex)+uint64(p.NumLayers) > math.MaxUint32 {
		return nil, errColrInvalid
	}
	defer func() {
		if recover() != nil {
			layers, err = nil, errColrInvalid
		}
	}()
	layers, err = c.LayerList.Resolve(p)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errColrInvalid, err)
	}
	return layers, nil
}

// colrClip returns glyph gid's clip box (font units), if it has one.
func colrClip(c *tables.COLR1, gid uint16) (x0, y0, x1, y1 float64, ok bool) {
	b, ok := c.ClipList.Search(tables.GlyphID(gid))
	if !ok {
		return 0, 0, 0, 0, false
	}
	switch b := b.(type) {
	case tables.ClipBoxFormat1:
		return float64(b.XMin), float64(b.YMin), float64(b.XMax), float64(b.YMax), b.XMin <= b.XMax && b.YMin <= b.YMax
	case tables.ClipBoxFormat2:
		return float64(b.XMin), float64(b.YMin), float64(b.XMax), float64(b.YMax), b.XMin <= b.XMax && b.YMin <= b.YMax
	}
	return 0, 0, 0, 0, false
}

// colrV1Root returns glyph id's COLR v1 paint graph (not a v0 layer list).
func colrV1Root(f *Face, id gtfont.GID) (tables.PaintTable, bool) {
	if f == nil || !f.colour || f.gt == nil || f.gt.COLR == nil || id > 0xFFFF {
		return nil, false
	}
	p, ok := colrSearch(f.gt.COLR, uint16(id))
	if !ok || p == nil {
		return nil, false
	}
	if _, v0 := p.(tables.PaintColrLayersResolved); v0 {
		return nil, false
	}
	return p, true
}

// colrWalk counts the paints and depth of one glyph's walk.
type colrWalk struct {
	colr   *tables.COLR1
	nodes  int
	active map[uint16]bool // PaintColrGlyph glyphs being walked
}

// enter counts a paint at depth and fails past the limits.
func (w *colrWalk) enter(depth int) error {
	if w.nodes++; w.nodes > colrMaxNodes {
		return errColrNodes
	}
	if depth > colrMaxDepth {
		return errColrDepth
	}
	return nil
}

// push marks colour glyph gid as being walked.
func (w *colrWalk) push(gid uint16) error {
	if w.active[gid] {
		return fmt.Errorf("%w (glyph %d)", errColrCycle, gid)
	}
	if w.active == nil {
		w.active = map[uint16]bool{}
	}
	w.active[gid] = true
	return nil
}

// unitOutline returns glyph gid's outline in font units (sfnt's 26.6, y
// down), or nil.
func unitOutline(f *Face, buf *sfnt.Buffer, gid uint16) []sfnt.Segment {
	upem := int(f.gt.Upem())
	if upem <= 0 {
		return nil
	}
	segs, err := f.Font.LoadGlyph(buf, sfnt.GlyphIndex(gid), fixed.I(upem), nil)
	if err != nil {
		return nil
	}
	return segs
}

// fbox is a bounding box in float coordinates.
type fbox struct {
	x0, y0, x1, y1 float64
	ok             bool
}

func (b *fbox) add(x, y float64) {
	if !b.ok {
		*b = fbox{x, y, x, y, true}
		return
	}
	b.x0, b.y0, b.x1, b.y1 = min(b.x0, x), min(b.y0, y), max(b.x1, x), max(b.y1, y)
}

func (b *fbox) union(o fbox) {
	if o.ok {
		b.add(o.x0, o.y0)
		b.add(o.x1, o.y1)
	}
}

// addRect adds the corners of rectangle (x0, y0)–(x1, y1) mapped by t.
func (b *fbox) addRect(t affine, x0, y0, x1, y1 float64) {
	for _, p := range [4][2]float64{{x0, y0}, {x1, y0}, {x0, y1}, {x1, y1}} {
		b.add(t.apply(p[0], p[1]))
	}
}

// colrV1Extent returns the bounds in font units (y up) of glyph id's
// COLR v1 paint: its clip box, else the union of its PaintGlyph outlines
// as transformed.
func colrV1Extent(f *Face, buf *sfnt.Buffer, id gtfont.GID) (fbox, error) {
	root, ok := colrV1Root(f, id)
	if !ok {
		return fbox{}, nil
	}
	var b fbox
	if x0, y0, x1, y1, ok := colrClip(f.gt.COLR, uint16(id)); ok {
		b.addRect(identityAffine, x0, y0, x1, y1)
		return b, nil
	}
	w := &colrWalk{colr: f.gt.COLR}
	if err := w.push(uint16(id)); err != nil {
		return fbox{}, err
	}
	err := w.extent(f, buf, root, identityAffine, 0, &b)
	return b, err
}

// extent adds the transformed bounds of p's glyph outlines to b.
func (w *colrWalk) extent(f *Face, buf *sfnt.Buffer, p tables.PaintTable, t affine, depth int, b *fbox) error {
	if err := w.enter(depth); err != nil {
		return err
	}
	if tt, child, ok := transformOf(p); ok {
		return w.extent(f, buf, child, t.then(tt), depth+1, b)
	}
	switch p := p.(type) {
	case tables.PaintColrLayers:
		layers, err := colrResolve(w.colr, p)
		if err != nil {
			return err
		}
		for _, l := range layers {
			if err := w.extent(f, buf, l, t, depth+1, b); err != nil {
				return err
			}
		}
	case tables.PaintColrLayersResolved:
		for _, l := range p {
			if err := w.extent(f, buf, tables.PaintGlyph{GlyphID: uint16(l.GlyphID)}, t, depth+1, b); err != nil {
				return err
			}
		}
	case tables.PaintGlyph:
		for _, s := range unitOutline(f, buf, p.GlyphID) {
			for _, a := range s.Args[:segArgs(s.Op)] {
				b.add(t.apply(float64(a.X)/64, -float64(a.Y)/64))
			}
		}
	case tables.PaintColrGlyph:
		if x0, y0, x1, y1, ok := colrClip(w.colr, p.GlyphID); ok {
			b.addRect(t, x0, y0, x1, y1)
			return nil
		}
		if err := w.push(p.GlyphID); err != nil {
			return err
		}
		defer delete(w.active, p.GlyphID)
		if child, ok := colrSearch(w.colr, p.GlyphID); ok {
			return w.extent(f, buf, child, t, depth+1, b)
		}
	case tables.PaintComposite:
		if err := w.extent(f, buf, p.BackdropPaint, t, depth+1, b); err != nil {
			return err
		}
		return w.extent(f, buf, p.SourcePaint, t, depth+1, b)
	}
	return nil
}

// segArgs is the number of points of a segment.
func segArgs(op sfnt.SegmentOp) int {
	switch op {
	case sfnt.SegmentOpQuadTo:
		return 2
	case sfnt.SegmentOpCubeTo:
		return 3
	}
	return 1
}

// colrV1Bounds returns the ink bounds of glyph id's COLR v1 paint at
// scale (26.6, relative to its origin, y down).
func colrV1Bounds(f *Face, buf *sfnt.Buffer, id gtfont.GID, scale fixed.Int26_6) (fixed.Rectangle26_6, bool) {
	b, err := colrV1Extent(f, buf, id)
	if err != nil {
		return fixed.Rectangle26_6{}, false
	}
	return extentBounds(f, b, scale)
}

// extentBounds returns extent b (font units) at scale (26.6, y down).
func extentBounds(f *Face, b fbox, scale fixed.Int26_6) (fixed.Rectangle26_6, bool) {
	if !b.ok {
		return fixed.Rectangle26_6{}, false
	}
	s := float64(scale) / float64(f.gt.Upem())
	clamp := func(v float64) fixed.Int26_6 { return fixed.Int26_6(max(-1<<30, min(1<<30, v))) }
	r := fixed.Rectangle26_6{
		Min: fixed.Point26_6{X: clamp(math.Floor(b.x0 * s)), Y: clamp(math.Floor(-b.y1 * s))},
		Max: fixed.Point26_6{X: clamp(math.Ceil(b.x1 * s)), Y: clamp(math.Ceil(-b.y0 * s))},
	}
	return r, !r.Empty()
}

// drawColrV1 paints glyph id's COLR v1 graph at dot onto the colour
// canvas. It returns false for a glyph without one, and an error (having
// drawn nothing) when the graph is refused.
func (d *glyphDrawer) drawColrV1(f *Face, id gtfont.GID, scale fixed.Int26_6, dot fixed.Point26_6) (bool, error) {
	root, ok := colrV1Root(f, id)
	if !ok {
		return false, nil
	}
	ext, err := colrV1Extent(f, &d.buf, id)
	if err != nil {
		return true, fmt.Errorf("glyph %d: %w", id, err)
	}
	b, ok := extentBounds(f, ext, scale)
	if !ok {
		return true, nil
	}
	b = b.Add(dot)
	full := image.Rect(b.Min.X.Floor()-1, b.Min.Y.Floor()-1, b.Max.X.Ceil()+1, b.Max.Y.Ceil()+1).Intersect(d.alpha.Rect)
	if full.Empty() {
		return true, nil
	}
	// Font units (y up) to canvas pixels, then to the surface, which is
	// the glyph's box, shrunk when it is larger than colrMaxArea.
	s := float64(scale) / 64 / float64(f.gt.Upem())
	k := 1.0
	if a := float64(full.Dx()) * float64(full.Dy()); a > colrMaxArea {
		k = math.Sqrt(colrMaxArea / a)
	}
	w, h := max(1, int(math.Ceil(float64(full.Dx())*k))), max(1, int(math.Ceil(float64(full.Dy())*k)))
	base := affine{xx: s * k, yy: -s * k,
		dx: (float64(dot.X)/64 - float64(full.Min.X)) * k, dy: (float64(dot.Y)/64 - float64(full.Min.Y)) * k}
	p := &colrPainter{colrWalk: colrWalk{colr: f.gt.COLR}, f: f, buf: &d.buf, w: w, h: h,
		limit: colrWorkFactor*int64(w)*int64(h) + 1<<16}
	dst := p.surface()
	err = p.paintGlyphRoot(uint16(id), root, base, dst)
	d.work += p.work
	if err != nil {
		return true, fmt.Errorf("glyph %d: %w", id, err)
	}
	img := dst.rgba()
	d.colourCanvas()
	if k == 1 {
		draw.Draw(d.colour, full, img, image.Point{}, draw.Over)
	} else {
		xdraw.BiLinear.Scale(d.colour, full, img, img.Bounds(), xdraw.Over, nil)
	}
	return true, nil
}

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
