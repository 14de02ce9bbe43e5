package raster

import (
	"image"
	"image/draw"

	xdraw "golang.org/x/image/draw"
)

// FitImage scales img into a w×h box keeping its aspect ratio, centred,
// composited over white (transparent pixels are white), and dithers it to
// 1 bit with Floyd–Steinberg error diffusion. The result is w×h.
func FitImage(img image.Image, w, h int) *Bitmap {
	b, _ := fitImage(img, w, h, nil, "")
	return b
}

// fitImage is FitImage charging its work (target pixels, twice: scaling and
// dithering) to m and stopping when m's context is done.
func fitImage(img image.Image, w, h int, m *meter, what string) (*Bitmap, error) {
	out := NewBitmap(w, h)
	sb := img.Bounds()
	if w <= 0 || h <= 0 || sb.Empty() {
		return out, nil
	}
	// Scaled size keeping aspect ratio.
	sw, sh := sb.Dx(), sb.Dy()
	dw, dh := w, sh*w/sw
	if dh > h {
		dw, dh = sw*h/sh, h
	}
	if dw < 1 {
		dw = 1
	}
	if dh < 1 {
		dh = 1
	}
	ox, oy := (w-dw)/2, (h-dh)/2
	if err := m.charge(what, 2*int64(dw)*int64(dh)); err != nil {
		return nil, err
	}

	rgba := image.NewRGBA(image.Rect(0, 0, dw, dh))
	draw.Draw(rgba, rgba.Bounds(), image.White, image.Point{}, draw.Src)
	// Enlarging by 2× or more keeps pixels sharp (logos, pixel art); other
	// enlargements are bilinear (dithering hides the rest); shrinking uses
	// Catmull-Rom, which does not alias, unless the result is huge.
	var scaler xdraw.Interpolator = xdraw.CatmullRom
	switch {
	case dw >= 2*sw && dh >= 2*sh:
		scaler = xdraw.NearestNeighbor
	case dw >= sw || dh >= sh || dw*dh > 1<<20:
		scaler = xdraw.ApproxBiLinear
	}
	scaler.Scale(rgba, rgba.Bounds(), img, sb, xdraw.Over, nil)

	// Luma in 1/16ths to keep the error diffusion in integers.
	lum := make([]int32, dw*dh)
	for y := 0; y < dh; y++ {
		row := rgba.Pix[y*rgba.Stride:]
		for x := 0; x < dw; x++ {
			p := row[x*4:]
			lum[y*dw+x] = int32(299*int(p[0])+587*int(p[1])+114*int(p[2])) * 16 / 1000
		}
	}
	if err := diffuse(lum, dw, dh, out, ox, oy, m, what); err != nil {
		return nil, err
	}
	return out, nil
}

// diffuse thresholds a dw×dh luma image (1/16ths of a grey level) into out
// at (ox, oy) with Floyd–Steinberg error diffusion.
func diffuse(lum []int32, dw, dh int, out *Bitmap, ox, oy int, m *meter, what string) error {
	const white = 255 * 16
	for y := 0; y < dh; y++ {
		if err := m.tick(what, 0); err != nil {
			return err
		}
		for x := 0; x < dw; x++ {
			i := y*dw + x
			old := lum[i]
			var nw int32
			if old < white/2 {
				out.Set(ox+x, oy+y)
			} else {
				nw = white
			}
			e := old - nw
			if x+1 < dw {
				lum[i+1] += e * 7 / 16
			}
			if y+1 < dh {
				if x > 0 {
					lum[i+dw-1] += e * 3 / 16
				}
				lum[i+dw] += e * 5 / 16
				if x+1 < dw {
					lum[i+dw+1] += e * 1 / 16
				}
			}
		}
	}
	return nil
}
