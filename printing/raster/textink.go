package raster

import "image"

// Ink past the line box: a line box is 1.3 cap heights above the baseline
// and 0.45 below it, but shaped text may ink beyond it (a Thai tone mark
// stacked over an upper vowel, Arabic descenders, a glyph overhanging its
// advance). Text bitmaps grow by the glyphs' real extents (textLayout's
// ink and keepInk) so nothing is cut; the line boxes stay where the
// element puts them, and the fit check sees the real ink. (rotateRect:
// symbolparts.go.)

// placed returns the label rectangle of tl's bitmap rotated by deg, such
// that its line boxes (rotated) have their top left corner at (x, y), as
// they do when no ink reaches past them.
func (tl *textLayout) placed(x, y, deg int) image.Rectangle {
	w, h := tl.size()
	box := rotateRect(image.Rectangle{Min: tl.origin(), Max: tl.origin().Add(image.Pt(tl.w, tl.h))}, w, h, deg)
	rw, rh := rotatedSize(w, h, deg)
	min := image.Pt(x, y).Sub(box.Min)
	return image.Rectangle{Min: min, Max: min.Add(image.Pt(rw, rh))}
}
