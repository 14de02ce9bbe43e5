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
