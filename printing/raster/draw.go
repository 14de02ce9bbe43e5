package raster

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"math"

	"github.com/labelbridge/labelbridge/printing/label"
)

// Bitmap returns the item drawn on its own, the size of Bounds (rotation
// applied). It is rendered once and cached.
func (it *Item) Bitmap() (*Bitmap, error) {
	if it.bmp != nil {
		return it.bmp, nil
	}
	w, h := it.Bounds.Dx(), it.Bounds.Dy()
	var b *Bitmap
	switch it.Type {
	case "barcode":
		uw, uh := it.UnrotatedSize()
		b = NewBitmap(uw, uh)
		s := it.Symbol
		if err := s.Load(); err != nil {
			return nil, &label.Error{Code: label.ReasonInvalid, Field: it.Field("data"), Msg: "cannot be encoded", Err: err}
		}
		m := it.Module
		if s.Is2D() {
			for y := 0; y < s.H; y++ {
				for x := 0; x < s.W; x++ {
					if s.Dark(x, y) {
						b.FillRect(image.Rect(x*m, y*m, (x+1)*m, (y+1)*m))
					}
				}
			}
		} else {
			for x := 0; x < s.W; x++ {
				if s.Dark(x, 0) {
					x0 := x
					for x+1 < s.W && s.Dark(x+1, 0) {
						x++
					}
					b.FillRect(image.Rect(x0*m, 0, (x+1)*m, it.BarHeight))
				}
			}
			if it.HRI && s.HRI != "" {
				t, err := RenderText(s.HRI, it.HRICap, builtinSet(), it.Field("data"))
				if err != nil {
					return nil, err
				}
				gap := int(math.Ceil(it.HRICap * 0.3))
				b.Or(t, image.Pt((uw-t.W)/2, it.BarHeight+gap))
			}
		}
		b = b.Rotate(it.Rotation)
	case "line", "box":
		b = NewBitmap(w, h)
		it.drawShape(b, it.Bounds.Min)
	case "image":
		img, err := it.Element.DecodedImage()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", it.Field("data"), err)
		}
		b = FitImage(img, w, h)
	default:
		return nil, fmt.Errorf("%s: cannot draw %q", it.Field("type"), it.Type)
	}
	it.bmp = b
	return b, nil
}

// drawShape draws a line or box onto dst whose top-left is at origin on the
// label.
func (it *Item) drawShape(dst *Bitmap, origin image.Point) {
	r := it.Bounds.Sub(origin)
	t := it.Thickness
	switch {
	case it.Type == "box" && it.Filled:
		dst.FillRect(r)
	case it.Type == "box":
		dst.FillRect(image.Rect(r.Min.X, r.Min.Y, r.Max.X, r.Min.Y+t))
		dst.FillRect(image.Rect(r.Min.X, r.Max.Y-t, r.Max.X, r.Max.Y))
		dst.FillRect(image.Rect(r.Min.X, r.Min.Y, r.Min.X+t, r.Max.Y))
		dst.FillRect(image.Rect(r.Max.X-t, r.Min.Y, r.Max.X, r.Max.Y))
	case it.Diagonal:
		// Pixels whose centre lies within t/2 of the segment.
		p1, p2 := it.P1.Sub(origin), it.P2.Sub(origin)
		dx, dy := float64(p2.X-p1.X), float64(p2.Y-p1.Y)
		l2 := dx*dx + dy*dy
		half := float64(t) / 2
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				px, py := float64(x)+0.5-float64(p1.X), float64(y)+0.5-float64(p1.Y)
				u := (px*dx + py*dy) / l2
				u = math.Max(0, math.Min(1, u))
				ex, ey := px-u*dx, py-u*dy
				if ex*ex+ey*ey <= half*half {
					dst.Set(x, y)
				}
			}
		}
	default: // horizontal or vertical line: Bounds is the stroke
		dst.FillRect(r)
	}
}

// Draw draws the item onto dst, whose top-left corner is at origin on the
// label.
func (it *Item) Draw(dst *Bitmap, origin image.Point) error {
	if it.Type == "line" || it.Type == "box" {
		it.drawShape(dst, origin)
		return nil
	}
	b, err := it.Bitmap()
	if err != nil {
		return err
	}
	dst.Or(b, it.Bounds.Min.Sub(origin))
	return nil
}

// Render draws the whole label (every element, printer-font text with our
// fonts) as one bitmap: what raster mode sends and what previews show.
func (p *Plan) Render() (*Bitmap, error) {
	b := NewBitmap(p.Width, p.Height)
	for _, it := range p.Items {
		if err := it.Draw(b, image.Point{}); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// PNG encodes a bitmap as a 1-bit PNG that records dpi (a pHYs chunk).
func PNG(b *Bitmap, dpi int) ([]byte, error) {
	data, err := b.PNG()
	if err != nil {
		return nil, err
	}
	return withPHYs(data, dpi), nil
}

// withPHYs inserts a pHYs chunk (pixels per metre) after IHDR.
func withPHYs(png []byte, dpi int) []byte {
	const ihdrEnd = 8 + 8 + 13 + 4 // signature, IHDR header, data, CRC
	if len(png) < ihdrEnd || dpi <= 0 {
		return png
	}
	ppm := uint32(math.Round(float64(dpi) / 0.0254))
	chunk := make([]byte, 0, 21)
	chunk = binary.BigEndian.AppendUint32(chunk, 9)
	chunk = append(chunk, "pHYs"...)
	chunk = binary.BigEndian.AppendUint32(chunk, ppm)
	chunk = binary.BigEndian.AppendUint32(chunk, ppm)
	chunk = append(chunk, 1) // unit: metre
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
	var out bytes.Buffer
	out.Write(png[:ihdrEnd])
	out.Write(chunk)
	out.Write(png[ihdrEnd:])
	return out.Bytes()
}

// InkBounds returns the smallest rectangle holding all ink (empty if none).
func (b *Bitmap) InkBounds() image.Rectangle {
	minX, minY, maxX, maxY := b.W, b.H, -1, -1
	for y := 0; y < b.H; y++ {
		row := b.Row(y)
		for i, v := range row {
			if v == 0 {
				continue
			}
			if y < minY {
				minY = y
			}
			maxY = y
			for bit := 0; bit < 8; bit++ {
				if v&(0x80>>uint(bit)) != 0 {
					x := i*8 + bit
					if x < minX {
						minX = x
					}
					if x > maxX {
						maxX = x
					}
				}
			}
		}
	}
	if maxY < 0 {
		return image.Rectangle{}
	}
	return image.Rect(minX, minY, maxX+1, maxY+1)
}

// Preview lays the label out and returns it as a PNG at opt.DPI (or the
// label's dpi), one pixel per dot.
func Preview(p *Plan) ([]byte, error) {
	b, err := p.Render()
	if err != nil {
		return nil, err
	}
	return PNG(b, p.DPI)
}
