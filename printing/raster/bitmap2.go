package raster

import "image"

// combine applies op to every dot of b covered by src placed at at, where
// src is black (dot by dot; used for the few destructive items).
func (b *Bitmap) combine(src *Bitmap, at image.Point, op func(row []byte, i int, bit byte)) {
	dr := image.Rect(at.X, at.Y, at.X+src.W, at.Y+src.H).Intersect(b.Rect())
	for y := dr.Min.Y; y < dr.Max.Y; y++ {
		srow := src.Row(y - at.Y)
		drow := b.Row(y)
		for x := dr.Min.X; x < dr.Max.X; x++ {
			sx := x - at.X
			if srow[sx>>3]&(0x80>>uint(sx&7)) != 0 {
				op(drow, x>>3, 0x80>>uint(x&7))
			}
		}
	}
}

// Xor inverts the dots of b where src is black.
func (b *Bitmap) Xor(src *Bitmap, at image.Point) {
	b.combine(src, at, func(row []byte, i int, bit byte) { row[i] ^= bit })
}

// AndNot makes the dots of b white where src is black.
func (b *Bitmap) AndNot(src *Bitmap, at image.Point) {
	b.combine(src, at, func(row []byte, i int, bit byte) { row[i] &^= bit })
}

// ClearRect makes r white (clipped to the bitmap).
func (b *Bitmap) ClearRect(r image.Rectangle) {
	r = r.Intersect(b.Rect())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := b.Row(y)
		for x := r.Min.X; x < r.Max.X; x++ {
			row[x>>3] &^= 0x80 >> uint(x&7)
		}
	}
}
