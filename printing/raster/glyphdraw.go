package raster

import (
	"bytes"
	"image"
	"image/draw"
	_ "image/jpeg" // colour glyph bitmaps
	_ "image/png"

	gtfont "github.com/go-text/typesetting/font"
	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// glyphDrawer draws glyphs by id. Outline glyphs are rasterised exactly as
// x/image/font/opentype's Face.Glyph does for a rune (same segments, same
// sub-pixel bias, same rasteriser) into an alpha canvas that is then
// thresholded at 50%; colour glyphs (CBDT/sbix bitmaps scaled, COLR v0
// layers painted in their palette colours, colr.go, COLR v1 paint graphs,
// colrv1.go) go onto a white RGBA canvas that is dithered like an image.
type glyphDrawer struct {
	alpha  *image.Alpha
	colour *image.RGBA // nil until a colour glyph is drawn
	buf    sfnt.Buffer
	rast   vector.Rasterizer
	mask   image.Alpha
	// work is the pixel work of colour glyph paints (COLR layers and
	// graphs) not yet charged to the label's meter: a font decides how
	// often it paints over a glyph, which the text's estimate cannot see.
	work int64
}

// takeWork returns the colour painting work done since the last call.
func (d *glyphDrawer) takeWork() int64 {
	n := d.work
	d.work = 0
	return n
}

// glyphBounds returns the ink bounds of glyph id of f at scale (26.6,
// relative to its origin) and whether it is drawn from a colour bitmap.
func glyphBounds(f *Face, buf *sfnt.Buffer, id gtfont.GID, scale fixed.Int26_6) (fixed.Rectangle26_6, bool) {
	b, _, err := f.Font.GlyphBounds(buf, sfnt.GlyphIndex(id), scale, font.HintingNone)
	if err == nil {
		if lb, ok := colrBounds(f, buf, id, scale); ok {
			return lb, true
		}
		return b, false
	}
	if ext, ok := colourExtents(f, id, scale); ok {
		return ext, true
	}
	return fixed.Rectangle26_6{}, false
}

// colourExtents returns where a colour bitmap glyph is drawn.
func colourExtents(f *Face, id gtfont.GID, scale fixed.Int26_6) (fixed.Rectangle26_6, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.gf == nil {
		f.gf = gtfont.NewFace(f.gt)
	}
	ppem := uint16(max(1, min(scale.Round(), 1<<15)))
	f.gf.SetPpem(ppem, ppem)
	ext, ok := f.gf.GlyphExtents(id)
	if !ok || ext.Width <= 0 || ext.Height >= 0 {
		return fixed.Rectangle26_6{}, false
	}
	upem := int(f.gt.Upem())
	x0 := scaleFU(int(ext.XBearing), scale, upem)
	y0 := -scaleFU(int(ext.YBearing), scale, upem)
	return fixed.Rectangle26_6{
		Min: fixed.Point26_6{X: x0, Y: y0},
		Max: fixed.Point26_6{X: x0 + scaleFU(int(ext.Width), scale, upem), Y: y0 + scaleFU(-int(ext.Height), scale, upem)},
	}, true
}

// draw draws glyph id of f at scale with its origin at dot.
func (d *glyphDrawer) draw(f *Face, id gtfont.GID, scale fixed.Int26_6, dot fixed.Point26_6) {
	if v1, err := d.drawColrV1(f, id, scale, dot); v1 && err == nil {
		return // a refused COLR v1 graph falls back to the outline
	}
	if layers, ok := colrLayers(f, id); ok {
		d.drawLayers(f, layers, scale, dot)
		return
	}
	dr, ok := d.rasterise(f, id, scale, dot)
	if !ok {
		d.drawColour(f, id, scale, dot)
		return
	}
	if !dr.Empty() {
		draw.DrawMask(d.alpha, dr, image.Opaque, image.Point{}, &d.mask, image.Point{}, draw.Over)
	}
}

// rasterise fills d.mask with the coverage of glyph id's outline at dot
// and returns where it goes on the canvas (empty for a blank glyph), or
// false when the glyph has no outline.
func (d *glyphDrawer) rasterise(f *Face, id gtfont.GID, scale fixed.Int26_6, dot fixed.Point26_6) (image.Rectangle, bool) {
	segments, err := f.Font.LoadGlyph(&d.buf, sfnt.GlyphIndex(id), scale, nil)
	if err != nil {
		return image.Rectangle{}, false
	}
	dBounds := segments.Bounds().Add(dot)
	dr := image.Rect(dBounds.Min.X.Floor(), dBounds.Min.Y.Floor(), dBounds.Max.X.Ceil(), dBounds.Max.Y.Ceil())
	width, height := dr.Dx(), dr.Dy()
	if width <= 0 || height <= 0 {
		return image.Rectangle{}, true
	}
	biasX := dot.X - fixed.Int26_6(dr.Min.X<<6)
	biasY := dot.Y - fixed.Int26_6(dr.Min.Y<<6)
	n := width * height
	if cap(d.mask.Pix) < n {
		d.mask.Pix = make([]uint8, 2*n)
	}
	d.mask.Pix = d.mask.Pix[:n]
	d.mask.Stride = width
	d.mask.Rect = image.Rect(0, 0, width, height)
	d.rast.Reset(width, height)
	d.rast.DrawOp = draw.Src
	pt := func(p fixed.Point26_6) (float32, float32) {
		return float32(p.X+biasX) / 64, float32(p.Y+biasY) / 64
	}
	for _, seg := range segments {
		switch seg.Op {
		case sfnt.SegmentOpMoveTo:
			d.rast.MoveTo(pt(seg.Args[0]))
		case sfnt.SegmentOpLineTo:
			d.rast.LineTo(pt(seg.Args[0]))
		case sfnt.SegmentOpQuadTo:
			x1, y1 := pt(seg.Args[0])
			x2, y2 := pt(seg.Args[1])
			d.rast.QuadTo(x1, y1, x2, y2)
		case sfnt.SegmentOpCubeTo:
			x1, y1 := pt(seg.Args[0])
			x2, y2 := pt(seg.Args[1])
			x3, y3 := pt(seg.Args[2])
			d.rast.CubeTo(x1, y1, x2, y2, x3, y3)
		}
	}
	d.rast.Draw(&d.mask, d.mask.Bounds(), image.Opaque, image.Point{})
	return dr, true
}

// drawColour draws a colour bitmap glyph (PNG or JPEG in CBDT or sbix)
// scaled into its extents on the colour canvas.
func (d *glyphDrawer) drawColour(f *Face, id gtfont.GID, scale fixed.Int26_6, dot fixed.Point26_6) {
	ext, ok := colourExtents(f, id, scale)
	if !ok {
		return
	}
	f.mu.Lock()
	data, ok := f.gf.GlyphDataBitmap(id)
	f.mu.Unlock()
	if !ok || (data.Format != gtfont.PNG && data.Format != gtfont.JPG) {
		return
	}
	img, _, err := image.Decode(bytes.NewReader(data.Data))
	if err != nil {
		return
	}
	r := image.Rect((dot.X + ext.Min.X).Round(), (dot.Y + ext.Min.Y).Round(), (dot.X + ext.Max.X).Round(), (dot.Y + ext.Max.Y).Round())
	if r.Empty() {
		return
	}
	d.colourCanvas()
	xdraw.CatmullRom.Scale(d.colour, r, img, img.Bounds(), xdraw.Over, nil)
}

// colourCanvas creates the white colour canvas on first use.
func (d *glyphDrawer) colourCanvas() {
	if d.colour == nil {
		d.colour = image.NewRGBA(d.alpha.Rect)
		draw.Draw(d.colour, d.colour.Rect, image.White, image.Point{}, draw.Src)
	}
}

// colourBitmap dithers the colour canvas (Floyd–Steinberg on its luma).
func (d *glyphDrawer) colourBitmap(m *meter, what string) (*Bitmap, error) {
	w, h := d.colour.Rect.Dx(), d.colour.Rect.Dy()
	out := NewBitmap(w, h)
	lum := make([]int32, w*h)
	for y := 0; y < h; y++ {
		row := d.colour.Pix[y*d.colour.Stride:]
		for x := 0; x < w; x++ {
			p := row[x*4:]
			lum[y*w+x] = int32(299*int(p[0])+587*int(p[1])+114*int(p[2])) * 16 / 1000
		}
	}
	return out, diffuse(lum, w, h, out, 0, 0, m, what)
}
