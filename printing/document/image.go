package document

import (
	"bytes"
	"context"
	"encoding/binary"
	"image"
	"image/draw"
	"image/jpeg"
	"image/png"
	"math"

	xdraw "golang.org/x/image/draw"

	"github.com/labelbridge/labelbridge/printing/raster"
)

// imageSource is a decoded PNG or JPEG: one page, in pixels, composited
// over white as grey.
type imageSource struct {
	g   *image.Gray
	upi float64 // pixels per inch recorded in the file, or 0
}

// openImage checks the image's header against the pixel limit before
// decoding it.
func openImage(data []byte, format string) (*imageSource, error) {
	var cfg image.Config
	var err error
	if format == FormatPNG {
		cfg, err = png.DecodeConfig(bytes.NewReader(data))
	} else {
		cfg, err = jpeg.DecodeConfig(bytes.NewReader(data))
	}
	if err != nil {
		return nil, invalid("document: the %s image cannot be read: %v", format, err)
	}
	if cfg.Width < 1 || cfg.Height < 1 {
		return nil, invalid("document: the image is empty (%d×%d pixels)", cfg.Width, cfg.Height)
	}
	if px := int64(cfg.Width) * int64(cfg.Height); px > raster.MaxLabelImagePixels {
		return nil, tooComplex("document: the image is %d×%d pixels (%s); the limit is %s pixels", cfg.Width, cfg.Height, commas(px), commas(raster.MaxLabelImagePixels))
	}
	var img image.Image
	if format == FormatPNG {
		img, err = png.Decode(bytes.NewReader(data))
	} else {
		img, err = jpeg.Decode(bytes.NewReader(data))
	}
	if err != nil {
		return nil, invalid("document: the %s image is damaged: %v", format, err)
	}
	g, ok := img.(*image.Gray)
	if !ok || g.Rect.Min != (image.Point{}) {
		// Composite over white, then to grey.
		r := img.Bounds()
		rgba := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
		draw.Draw(rgba, rgba.Rect, image.White, image.Point{}, draw.Src)
		draw.Draw(rgba, rgba.Rect, img, r.Min, draw.Over)
		g = image.NewGray(rgba.Rect)
		for i := 0; i < len(g.Pix); i++ {
			p := rgba.Pix[i*4 : i*4+3]
			g.Pix[i] = uint8((299*int(p[0]) + 587*int(p[1]) + 114*int(p[2])) / 1000)
		}
	}
	upi := pngDPI(data)
	if format == FormatJPEG {
		upi = jfifDPI(data)
	}
	return &imageSource{g: g, upi: upi}, nil
}

func (s *imageSource) pageCount() int { return 1 }

// pageSize is in pixels; an image without a recorded resolution is taken
// to be at the printer's (one pixel, one dot: unitsPerInch 0 means that).
func (s *imageSource) pageSize(int) (w, h, unitsPerInch float64, err error) {
	return float64(s.g.Rect.Dx()), float64(s.g.Rect.Dy()), s.upi, nil
}

// render resamples the image once onto dst: Catmull-Rom when shrinking,
// bilinear when enlarging a little, nearest neighbour from 2× up (pixel
// art and carrier PNGs stay crisp).
func (s *imageSource) render(ctx context.Context, _ int, pl placement, dst *image.Gray) error {
	if err := ctx.Err(); err != nil {
		return renderStopped(ctx, 0)
	}
	var k xdraw.Interpolator = xdraw.CatmullRom
	switch {
	case pl.Scale >= 2 || math.Abs(pl.Scale-1) < 1e-9:
		k = xdraw.NearestNeighbor
	case pl.Scale > 1:
		k = xdraw.ApproxBiLinear
	}
	w, h := float64(s.g.Rect.Dx()), float64(s.g.Rect.Dy())
	k.Transform(dst, pl.affine(w, h), s.g, s.g.Rect, xdraw.Src, nil)
	return nil
}

func (s *imageSource) close() {}

// pngDPI returns the resolution in a PNG's pHYs chunk (0 when absent).
func pngDPI(b []byte) float64 {
	b = b[min(len(b), 8):]
	for len(b) >= 12 {
		n := int(binary.BigEndian.Uint32(b))
		typ := string(b[4:8])
		if n < 0 || len(b) < 12+n {
			return 0
		}
		if typ == "pHYs" && n == 9 && b[16] == 1 { // unit: metre
			x, y := binary.BigEndian.Uint32(b[8:]), binary.BigEndian.Uint32(b[12:])
			if x == y && x > 0 {
				return sane(float64(x) * 0.0254)
			}
			return 0
		}
		if typ == "IDAT" || typ == "IEND" {
			return 0
		}
		b = b[12+n:]
	}
	return 0
}

// jfifDPI returns the density of a JPEG's JFIF APP0 segment (0 when absent).
func jfifDPI(b []byte) float64 {
	if len(b) < 18 || b[2] != 0xff || b[3] != 0xe0 || string(b[6:11]) != "JFIF\x00" {
		return 0
	}
	unit, x, y := b[13], binary.BigEndian.Uint16(b[14:]), binary.BigEndian.Uint16(b[16:])
	if x != y || x == 0 {
		return 0
	}
	switch unit {
	case 1:
		return sane(float64(x))
	case 2:
		return sane(float64(x) * 2.54)
	}
	return 0
}

// sane drops resolutions no label image has (72 dpi and below are screen
// defaults, not a print size).
func sane(dpi float64) float64 {
	if dpi <= 72.5 || dpi > 2400 {
		return 0
	}
	return math.Round(dpi*100) / 100
}
