package raster

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math/bits"
)

// Bitmap is a 1-bit image: rows of Stride bytes, most significant bit
// first, a 1 bit is black (ink). It implements image.Image (black and white
// gray pixels) so tests can hand it to decoders directly.
type Bitmap struct {
	W, H   int
	Stride int // bytes per row: (W+7)/8
	Pix    []byte
}

// NewBitmap returns a white w×h bitmap (negative sizes count as 0).
func NewBitmap(w, h int) *Bitmap {
	if w < 0 {
		w = 0
	}
	if h < 0 {
		h = 0
	}
	s := (w + 7) / 8
	return &Bitmap{W: w, H: h, Stride: s, Pix: make([]byte, s*h)}
}

// Get reports whether (x, y) is black; outside the bitmap is white.
func (b *Bitmap) Get(x, y int) bool {
	if x < 0 || y < 0 || x >= b.W || y >= b.H {
		return false
	}
	return b.Pix[y*b.Stride+x>>3]&(0x80>>uint(x&7)) != 0
}

// Set makes (x, y) black; outside the bitmap is ignored.
func (b *Bitmap) Set(x, y int) {
	if x < 0 || y < 0 || x >= b.W || y >= b.H {
		return
	}
	b.Pix[y*b.Stride+x>>3] |= 0x80 >> uint(x&7)
}

// Row returns row y's bytes.
func (b *Bitmap) Row(y int) []byte { return b.Pix[y*b.Stride : (y+1)*b.Stride] }

// Rect returns the bitmap's bounds.
func (b *Bitmap) Rect() image.Rectangle { return image.Rect(0, 0, b.W, b.H) }

// FillRect blackens r (clipped to the bitmap).
func (b *Bitmap) FillRect(r image.Rectangle) {
	r = r.Intersect(b.Rect())
	if r.Empty() {
		return
	}
	x0, x1 := r.Min.X, r.Max.X // [x0, x1)
	b0, b1 := x0>>3, (x1-1)>>3
	m0 := byte(0xff >> uint(x0&7))
	m1 := byte(0xff << uint(7-((x1-1)&7)))
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := b.Row(y)
		if b0 == b1 {
			row[b0] |= m0 & m1
			continue
		}
		row[b0] |= m0
		for i := b0 + 1; i < b1; i++ {
			row[i] = 0xff
		}
		row[b1] |= m1
	}
}

// Or draws src's black pixels onto b with src's top-left corner at at.
func (b *Bitmap) Or(src *Bitmap, at image.Point) {
	dr := image.Rect(at.X, at.Y, at.X+src.W, at.Y+src.H).Intersect(b.Rect())
	if dr.Empty() {
		return
	}
	shift := uint(at.X & 7)
	if at.X < 0 {
		shift = uint(((at.X % 8) + 8) % 8)
	}
	for y := dr.Min.Y; y < dr.Max.Y; y++ {
		srow := src.Row(y - at.Y)
		drow := b.Row(y)
		if shift == 0 && at.X >= 0 {
			base := at.X >> 3
			for i, v := range srow {
				if v != 0 && base+i < len(drow) {
					drow[base+i] |= v
				}
			}
			// clear any bits beyond b.W in the last byte
			continue
		}
		for sx := dr.Min.X - at.X; sx < dr.Max.X-at.X; sx++ {
			if srow[sx>>3]&(0x80>>uint(sx&7)) != 0 {
				dx := sx + at.X
				drow[dx>>3] |= 0x80 >> uint(dx&7)
			}
		}
	}
	b.clearPad()
}

// clearPad zeroes the pad bits past W in each row, so packed rows never
// carry stray ink.
func (b *Bitmap) clearPad() {
	if b.W&7 == 0 || b.Stride == 0 {
		return
	}
	m := byte(0xff << uint(8-b.W&7))
	for y := 0; y < b.H; y++ {
		b.Pix[y*b.Stride+b.Stride-1] &= m
	}
}

// Sub returns a copy of the r part of b (r is clipped to b).
func (b *Bitmap) Sub(r image.Rectangle) *Bitmap {
	r = r.Intersect(b.Rect())
	out := NewBitmap(r.Dx(), r.Dy())
	if r.Empty() {
		return out
	}
	if r.Min.X&7 == 0 {
		for y := 0; y < out.H; y++ {
			copy(out.Row(y), b.Row(r.Min.Y + y)[r.Min.X>>3:])
		}
		out.clearPad()
		return out
	}
	for y := 0; y < out.H; y++ {
		for x := 0; x < out.W; x++ {
			if b.Get(r.Min.X+x, r.Min.Y+y) {
				out.Set(x, y)
			}
		}
	}
	return out
}

// Rotate returns b turned clockwise by deg (0, 90, 180 or 270).
func (b *Bitmap) Rotate(deg int) *Bitmap {
	var out *Bitmap
	switch deg {
	case 90:
		out = NewBitmap(b.H, b.W)
		for y := 0; y < b.H; y++ {
			for x := 0; x < b.W; x++ {
				if b.Get(x, y) {
					out.Set(b.H-1-y, x)
				}
			}
		}
	case 180:
		out = NewBitmap(b.W, b.H)
		for y := 0; y < b.H; y++ {
			for x := 0; x < b.W; x++ {
				if b.Get(x, y) {
					out.Set(b.W-1-x, b.H-1-y)
				}
			}
		}
	case 270:
		out = NewBitmap(b.H, b.W)
		for y := 0; y < b.H; y++ {
			for x := 0; x < b.W; x++ {
				if b.Get(x, y) {
					out.Set(y, b.W-1-x)
				}
			}
		}
	default:
		out = &Bitmap{W: b.W, H: b.H, Stride: b.Stride, Pix: append([]byte(nil), b.Pix...)}
	}
	return out
}

// Ink counts black pixels in r.
func (b *Bitmap) Ink(r image.Rectangle) int {
	r = r.Intersect(b.Rect())
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if b.Get(x, y) {
				n++
			}
		}
	}
	return n
}

// RowBlank reports whether row y has no ink.
func (b *Bitmap) RowBlank(y int) bool {
	for _, v := range b.Row(y) {
		if v != 0 {
			return false
		}
	}
	return true
}

// Blank reports whether the bitmap has no ink.
func (b *Bitmap) Blank() bool {
	for _, v := range b.Pix {
		if v != 0 {
			return false
		}
	}
	return true
}

// InkCount counts all black pixels.
func (b *Bitmap) InkCount() int {
	n := 0
	for _, v := range b.Pix {
		n += bits.OnesCount8(v)
	}
	return n
}

// ColorModel implements image.Image.
func (b *Bitmap) ColorModel() color.Model { return color.GrayModel }

// Bounds implements image.Image.
func (b *Bitmap) Bounds() image.Rectangle { return b.Rect() }

// At implements image.Image: black for ink, white otherwise.
func (b *Bitmap) At(x, y int) color.Color {
	if b.Get(x, y) {
		return color.Gray{Y: 0}
	}
	return color.Gray{Y: 255}
}

// Paletted returns b as a two-colour paletted image (index 1 = black).
func (b *Bitmap) Paletted() *image.Paletted {
	p := image.NewPaletted(b.Rect(), color.Palette{color.White, color.Black})
	for y := 0; y < b.H; y++ {
		row := b.Row(y)
		off := y * p.Stride
		for x := 0; x < b.W; x++ {
			if row[x>>3]&(0x80>>uint(x&7)) != 0 {
				p.Pix[off+x] = 1
			}
		}
	}
	return p
}

// PNG encodes b as a 1-bit PNG.
func (b *Bitmap) PNG() ([]byte, error) {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, b.Paletted()); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// FromImage thresholds any image to a Bitmap: pixels darker than 50% (after
// compositing over white) are black. Tests use it to read PNGs back.
func FromImage(img image.Image) *Bitmap {
	r := img.Bounds()
	out := NewBitmap(r.Dx(), r.Dy())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, ca := img.At(x, y).RGBA()
			// composite over white
			w := 0xffff - ca
			lum := (299*(cr+w) + 587*(cg+w) + 114*(cb+w)) / 1000
			if lum < 0x8000 {
				out.Set(x-r.Min.X, y-r.Min.Y)
			}
		}
	}
	return out
}

// AppendRows appends the rows of region r (whose Min.X must be a multiple of
// 8) packed MSB first, r.Dx() rounded up to whole bytes. With invert, a 0 bit
// is black (TSPL and EPL2 polarity).
func (b *Bitmap) AppendRows(dst []byte, r image.Rectangle, invert bool) []byte {
	wb := (r.Dx() + 7) / 8
	x0 := r.Min.X >> 3
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := b.Row(y)
		for i := 0; i < wb; i++ {
			var v byte
			if x0+i < len(row) {
				v = row[x0+i]
			}
			if invert {
				v = ^v
			}
			dst = append(dst, v)
		}
	}
	return dst
}
