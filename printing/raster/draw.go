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
		if err := it.m.charge(it.what, 16*int64(it.Symbol.W)*int64(it.Symbol.H)+int64(uw)*int64(uh)); err != nil {
			return nil, err
		}
		b = NewBitmap(uw, uh)
		s := it.Symbol
		if err := s.Load(); err != nil {
			return nil, &label.Error{Code: label.ReasonInvalid, Field: it.Field("data"), Msg: "cannot be encoded", Err: err}
		}
		m := it.Module
		if s.Is2D() {
			for y := 0; y < s.H; y++ {
				if err := it.m.tick(it.what, 0); err != nil {
					return nil, err
				}
				for x := 0; x < s.W; x++ {
					if s.Dark(x, y) {
						b.FillRect(image.Rect(x*m, y*m, (x+1)*m, (y+1)*m))
					}
				}
			}
		} else if err := it.drawParts(b, true); err != nil { // symbolparts.go
			return nil, err
		}
		if it.Rotation != 0 {
			if err := it.m.charge(it.what, int64(uw)*int64(uh)); err != nil {
				return nil, err
			}
		}
		b = b.Rotate(it.Rotation)
	case "box", "ellipse":
		if it.v2Shape() {
			var err error
			if b, err = it.shapeMask(); err != nil {
				return nil, err
			}
			break
		}
		fallthrough
	case "line":
		if err := it.m.charge(it.what, area(it.Bounds)); err != nil {
			return nil, err
		}
		b = NewBitmap(w, h)
		if err := it.drawShape(b, it.Bounds.Min); err != nil {
			return nil, err
		}
	case "image":
		// Decoded here, scaled, and released: one image's pixels at a time.
		img, err := it.Element.DecodedImage()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", it.Field("data"), err)
		}
		if err := it.m.charge(it.what, area(img.Bounds())); err != nil {
			return nil, err
		}
		b, err = fitImage(img, w, h, it.m, it.what)
		if err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("%s: cannot draw %q", it.Field("type"), it.Type)
	}
	it.bmp = b
	return b, nil
}

// drawShape draws a line or box onto dst whose top-left is at origin on the
// label.
func (it *Item) drawShape(dst *Bitmap, origin image.Point) error {
	r := it.Bounds.Sub(origin)
	t := it.Thickness
	switch {
	case it.Type == "box" && it.Filled:
		if err := it.m.charge(it.what, area(r)); err != nil {
			return err
		}
		dst.FillRect(r)
	case it.Type == "box":
		if err := it.m.charge(it.what, it.shapeCost()); err != nil {
			return err
		}
		dst.FillRect(image.Rect(r.Min.X, r.Min.Y, r.Max.X, r.Min.Y+t))
		dst.FillRect(image.Rect(r.Min.X, r.Max.Y-t, r.Max.X, r.Max.Y))
		dst.FillRect(image.Rect(r.Min.X, r.Min.Y, r.Min.X+t, r.Max.Y))
		dst.FillRect(image.Rect(r.Max.X-t, r.Min.Y, r.Max.X, r.Max.Y))
	case it.Diagonal:
		// Pixels whose centre lies within t/2 of the segment. The stroke
		// meets each row in one interval (it is convex), so only that
		// interval (plus a dot each side for rounding) is scanned: the work
		// is about length × thickness, not the bounding box.
		p1, p2 := it.P1.Sub(origin), it.P2.Sub(origin)
		dx, dy := float64(p2.X-p1.X), float64(p2.Y-p1.Y)
		l2 := dx*dx + dy*dy
		half := float64(t) / 2
		for y := r.Min.Y; y < r.Max.Y; y++ {
			py := float64(y) + 0.5 - float64(p1.Y)
			lo, hi, ok := capsuleSpan(py, dx, dy, half)
			if !ok {
				if err := it.m.tick(it.what, 1); err != nil {
					return err
				}
				continue
			}
			x0 := max(r.Min.X, int(math.Floor(lo+float64(p1.X)-0.5))-1)
			x1 := min(r.Max.X, int(math.Ceil(hi+float64(p1.X)-0.5))+2)
			if err := it.m.tick(it.what, int64(max(0, x1-x0))+1); err != nil {
				return err
			}
			for x := x0; x < x1; x++ {
				px := float64(x) + 0.5 - float64(p1.X)
				u := (px*dx + py*dy) / l2
				u = math.Max(0, math.Min(1, u))
				ex, ey := px-u*dx, py-u*dy
				if ex*ex+ey*ey <= half*half {
					dst.Set(x, y)
				}
			}
		}
	default: // horizontal or vertical line: Bounds is the stroke
		if err := it.m.charge(it.what, area(r)); err != nil {
			return err
		}
		dst.FillRect(r)
	}
	return nil
}

// capsuleSpan returns the x interval (relative to the segment's start) where
// the horizontal line at height py (relative too) comes within half of the
// segment from (0,0) to (dx,dy); ok is false when it misses. dy is not 0
// (diagonal lines only).
func capsuleSpan(py, dx, dy, half float64) (lo, hi float64, ok bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	disc := func(cx, cy float64) {
		if d := half*half - (py-cy)*(py-cy); d >= 0 {
			s := math.Sqrt(d)
			lo, hi = math.Min(lo, cx-s), math.Max(hi, cx+s)
		}
	}
	disc(0, 0)
	disc(dx, dy)
	// The band between the end discs: |x·dy − py·dx| ≤ half·len and
	// 0 ≤ x·dx + py·dy ≤ len², each an interval of x.
	l := math.Hypot(dx, dy)
	a1, a2 := (py*dx-half*l)/dy, (py*dx+half*l)/dy
	b1, b2 := math.Inf(-1), math.Inf(1)
	if dx != 0 {
		b1, b2 = (-py*dy)/dx, (l*l-py*dy)/dx
	} else if py*dy < 0 || py*dy > l*l {
		b1, b2 = math.Inf(1), math.Inf(1)
	}
	s1 := math.Max(math.Min(a1, a2), math.Min(b1, b2))
	s2 := math.Min(math.Max(a1, a2), math.Max(b1, b2))
	if s1 <= s2 {
		lo, hi = math.Min(lo, s1), math.Max(hi, s2)
	}
	return lo, hi, lo <= hi
}

// shapeCost is the dots a line or box touches when drawn.
func (it *Item) shapeCost() int64 {
	r := it.Bounds
	t := int64(it.Thickness)
	switch {
	case it.Type == "box" && it.Filled:
		return area(r)
	case it.Type == "box":
		return 2*int64(r.Dx())*t + 2*int64(r.Dy())*t
	case it.Diagonal:
		// Per row, the stroke's width there (t·len/|dy|) plus rounding
		// slack, and never more than the bounding box.
		dx, dy := float64(it.P2.X-it.P1.X), float64(it.P2.Y-it.P1.Y)
		rows := int64(r.Dy())
		full := area(r) + rows
		if dy == 0 {
			return full
		}
		perRow := (float64(t)+2)*math.Hypot(dx, dy)/math.Abs(dy) + float64(t) + 4
		if est := float64(rows+int64(t)+2) * perRow; est < float64(full) {
			return int64(math.Ceil(est))
		}
		return full
	default:
		return area(r)
	}
}

// Draw draws the item onto dst, whose top-left corner is at origin on the
// label.
func (it *Item) Draw(dst *Bitmap, origin image.Point) error {
	if it.v2Shape() || it.comp != compOr {
		return it.drawV2(dst, origin)
	}
	if it.Type == "line" || it.Type == "box" {
		return it.drawShape(dst, origin)
	}
	b, err := it.Bitmap()
	if err != nil {
		return err
	}
	if err := it.m.charge(it.what, int64(b.W)*int64(b.H)); err != nil {
		return err
	}
	dst.Or(b, it.Bounds.Min.Sub(origin))
	return nil
}

// Render draws the whole label (every element, printer-font text with our
// fonts) as one bitmap: what raster mode sends and what previews show.
func (p *Plan) Render() (*Bitmap, error) {
	if err := p.meter.charge("the label canvas", int64(p.Width)*int64(p.Height)/8+1); err != nil {
		return nil, err
	}
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
	if err := p.meter.charge("the preview", int64(b.W)*int64(b.H)); err != nil {
		return nil, err
	}
	return PNG(b, p.DPI)
}
