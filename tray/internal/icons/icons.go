// Package icons draws Labelbridge's tray icons (a label with a barcode on a
// coloured tile: blue when idle, green while printing, amber with a red
// badge when something needs attention) and encodes them as PNG and ICO.
// The drawn files are committed under assets/icons; the test in this
// package checks they are up to date and rewrites them with -update.
package icons

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
)

// States are the icon states, in the order of their file names.
var States = []string{"idle", "printing", "attention"}

// PNGSize is the size of the PNG icons (Linux, macOS); ICOSizes are the
// images inside each .ico (Windows).
const PNGSize = 64

// ICOSizes are the images inside each .ico.
var ICOSizes = []int{16, 24, 32, 48, 64}

type rgba struct{ r, g, b, a float64 }

func hex(v uint32) rgba {
	return rgba{float64(v>>16&0xff) / 255, float64(v>>8&0xff) / 255, float64(v&0xff) / 255, 1}
}

var (
	tileColor = map[string]rgba{
		"idle":      hex(0x2563eb),
		"printing":  hex(0x16a34a),
		"attention": hex(0xd97706),
	}
	white   = hex(0xffffff)
	ink     = hex(0x1f2937)
	grey    = hex(0x9ca3af)
	red     = hex(0xdc2626)
	darkGrn = hex(0x065f46)
)

// shape says whether a point (in a 64×64 design space) is inside.
type shape func(x, y float64) bool

func roundRect(x0, y0, x1, y1, r float64) shape {
	return func(x, y float64) bool {
		if x < x0 || x > x1 || y < y0 || y > y1 {
			return false
		}
		cx := math.Max(x0+r, math.Min(x, x1-r))
		cy := math.Max(y0+r, math.Min(y, y1-r))
		return (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r
	}
}

func rect(x0, y0, x1, y1 float64) shape { return roundRect(x0, y0, x1, y1, 0) }

func circle(cx, cy, r float64) shape {
	return func(x, y float64) bool { return (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r }
}

// polygon is the even-odd fill of the points.
func polygon(pts ...[2]float64) shape {
	return func(x, y float64) bool {
		in := false
		for i, j := 0, len(pts)-1; i < len(pts); j, i = i, i+1 {
			a, b := pts[i], pts[j]
			if (a[1] > y) != (b[1] > y) && x < (b[0]-a[0])*(y-a[1])/(b[1]-a[1])+a[0] {
				in = !in
			}
		}
		return in
	}
}

type layer struct {
	s shape
	c rgba
}

// layers is the drawing of one state, back to front.
func layers(state string) []layer {
	ls := []layer{
		{roundRect(2, 2, 62, 62, 14), tileColor[state]},
		// the label
		{roundRect(15, 9, 49, 55, 4), white},
		{rect(20, 15, 44, 18), ink},
		{rect(20, 22, 36, 24.5), grey},
	}
	// a barcode: bars of varying width
	x := 20.0
	for i, w := range []float64{2, 1, 1, 3, 1, 2, 1, 1, 2, 3, 1, 2} {
		if i%2 == 0 {
			ls = append(ls, layer{rect(x, 30, x+w, 49), ink})
		}
		x += w
	}
	switch state {
	case "printing":
		ls = append(ls,
			layer{circle(49, 49, 13), white},
			layer{circle(49, 49, 11), darkGrn},
			layer{polygon([2]float64{42, 46}, [2]float64{56, 46}, [2]float64{49, 56}), white},
			layer{rect(46.5, 40, 51.5, 47), white},
		)
	case "attention":
		ls = append(ls,
			layer{circle(49, 15, 13), white},
			layer{circle(49, 15, 11), red},
			layer{roundRect(47, 7, 51, 18.5, 1.5), white},
			layer{circle(49, 22, 2.2), white},
		)
	}
	return ls
}

// Draw renders a state's icon at size×size pixels, anti-aliased by 4×4
// supersampling.
func Draw(state string, size int) (*image.NRGBA, error) {
	if _, ok := tileColor[state]; !ok {
		return nil, fmt.Errorf("icons: unknown state %q", state)
	}
	ls := layers(state)
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	const ss = 4
	scale := 64.0 / float64(size)
	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			var acc rgba // premultiplied
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					x := (float64(px) + (float64(sx)+0.5)/ss) * scale
					y := (float64(py) + (float64(sy)+0.5)/ss) * scale
					var c rgba
					for _, l := range ls {
						if l.s(x, y) {
							c = rgba{l.c.r, l.c.g, l.c.b, 1}
						}
					}
					acc.r += c.r * c.a
					acc.g += c.g * c.a
					acc.b += c.b * c.a
					acc.a += c.a
				}
			}
			n := float64(ss * ss)
			a := acc.a / n
			if a == 0 {
				continue
			}
			img.SetNRGBA(px, py, color.NRGBA{
				R: uint8(math.Round(acc.r / acc.a * 255)),
				G: uint8(math.Round(acc.g / acc.a * 255)),
				B: uint8(math.Round(acc.b / acc.a * 255)),
				A: uint8(math.Round(a * 255)),
			})
		}
	}
	return img, nil
}

// PNG is a state's icon as a PNG file.
func PNG(state string, size int) ([]byte, error) {
	img, err := Draw(state, size)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&b, img); err != nil {
		return nil, fmt.Errorf("icons: encode %s png: %w", state, err)
	}
	return b.Bytes(), nil
}

// ICO is a state's icon as a Windows .ico file holding classic 32-bit
// BGRA bitmaps (with an all-clear AND mask) at each of ICOSizes.
func ICO(state string) ([]byte, error) {
	var images [][]byte
	for _, size := range ICOSizes {
		img, err := Draw(state, size)
		if err != nil {
			return nil, err
		}
		images = append(images, dib(img))
	}
	var b bytes.Buffer
	le := binary.LittleEndian
	_ = binary.Write(&b, le, [3]uint16{0, 1, uint16(len(images))}) // reserved, type icon, count
	offset := 6 + 16*len(images)
	for i, size := range ICOSizes {
		dim := uint8(size)
		if size >= 256 {
			dim = 0
		}
		_ = binary.Write(&b, le, struct {
			W, H, Colors, Reserved uint8
			Planes, BitCount       uint16
			Bytes, Offset          uint32
		}{dim, dim, 0, 0, 1, 32, uint32(len(images[i])), uint32(offset)})
		offset += len(images[i])
	}
	for _, im := range images {
		b.Write(im)
	}
	return b.Bytes(), nil
}

// dib is one ICO image: BITMAPINFOHEADER (height doubled for the mask),
// bottom-up BGRA rows, then the 1-bit AND mask (all zero: alpha decides).
func dib(img *image.NRGBA) []byte {
	size := img.Bounds().Dx()
	var b bytes.Buffer
	le := binary.LittleEndian
	maskRow := (size + 31) / 32 * 4
	_ = binary.Write(&b, le, struct {
		Size                 uint32
		Width, Height        int32
		Planes, BitCount     uint16
		Compression, SizeImg uint32
		XPels, YPels         int32
		ClrUsed, ClrImp      uint32
	}{40, int32(size), int32(size * 2), 1, 32, 0, uint32(size*size*4 + maskRow*size), 0, 0, 0, 0})
	for y := size - 1; y >= 0; y-- {
		for x := 0; x < size; x++ {
			c := img.NRGBAAt(x, y)
			b.Write([]byte{c.B, c.G, c.R, c.A})
		}
	}
	b.Write(make([]byte, maskRow*size))
	return b.Bytes()
}
