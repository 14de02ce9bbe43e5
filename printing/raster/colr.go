package raster

import (
	"image"
	"image/color"
	"image/draw"

	gtfont "github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/font/opentype/tables"
	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// COLR v0 colour glyphs: a base glyph is a stack of layers, each another
// glyph's outline filled with a colour from the CPAL table's first palette
// (index 0xFFFF: the text colour, black). The layers are painted in order
// onto the colour canvas, which is dithered on its luminance like CBDT
// bitmaps. COLR v1 paint graphs (gradients, transforms) are painted by
// colrv1.go.

// foregroundPalette is the palette index meaning "the text colour".
const foregroundPalette = 0xFFFF

// colrLayers returns the COLR v0 layers of glyph id of a colour face.
func colrLayers(f *Face, id gtfont.GID) (tables.PaintColrLayersResolved, bool) {
	if !f.colour || f.gt == nil || f.gt.COLR == nil || id > 0xFFFF {
		return nil, false
	}
	p, ok := colrSearch(f.gt.COLR, uint16(id))
	if !ok {
		return nil, false
	}
	layers, ok := p.(tables.PaintColrLayersResolved)
	return layers, ok && len(layers) > 0
}

// colrBounds returns the union of the ink bounds of glyph id's COLR v0
// layers, or its COLR v1 paint's bounds (colrV1Bounds).
func colrBounds(f *Face, buf *sfnt.Buffer, id gtfont.GID, scale fixed.Int26_6) (fixed.Rectangle26_6, bool) {
	layers, ok := colrLayers(f, id)
	if !ok {
		return colrV1Bounds(f, buf, id, scale)
	}
	var u fixed.Rectangle26_6
	for _, l := range layers {
		b, _, err := f.Font.GlyphBounds(buf, sfnt.GlyphIndex(l.GlyphID), scale, font.HintingNone)
		if err != nil || b.Empty() {
			continue
		}
		u = u.Union(b)
	}
	return u, !u.Empty()
}

// paletteColour returns the colour of palette entry i (black for the
// foreground or an index out of range).
func paletteColour(f *Face, i uint16) color.Color {
	if i == foregroundPalette || len(f.gt.CPAL) == 0 || int(i) >= len(f.gt.CPAL[0]) {
		return color.Black
	}
	c := f.gt.CPAL[0][i]
	return color.NRGBA{R: c.Red, G: c.Green, B: c.Blue, A: c.Alpha}
}

// drawLayers paints COLR layers at dot on the colour canvas, at most
// colrMaxNodes of them (a font's layer count is not trusted).
func (d *glyphDrawer) drawLayers(f *Face, layers tables.PaintColrLayersResolved, scale fixed.Int26_6, dot fixed.Point26_6) {
	for _, l := range layers[:min(len(layers), colrMaxNodes)] {
		dr, ok := d.rasterise(f, gtfont.GID(l.GlyphID), scale, dot)
		if !ok || dr.Empty() {
			continue
		}
		d.work += int64(dr.Dx()) * int64(dr.Dy())
		d.colourCanvas()
		src := image.NewUniform(paletteColour(f, l.PaletteIndex))
		draw.DrawMask(d.colour, dr, src, image.Point{}, &d.mask, image.Point{}, draw.Over)
	}
}
