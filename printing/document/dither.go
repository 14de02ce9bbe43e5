package document

import (
	"image"

	"github.com/labelbridge/labelbridge/printing/raster"
)

// bayer8 is the 8×8 ordered-dither matrix (values 0–63).
var bayer8 = [8][8]int{
	{0, 32, 8, 40, 2, 34, 10, 42},
	{48, 16, 56, 24, 50, 18, 58, 26},
	{12, 44, 4, 36, 14, 46, 6, 38},
	{60, 28, 52, 20, 62, 30, 54, 22},
	{3, 35, 11, 43, 1, 33, 9, 41},
	{51, 19, 59, 27, 49, 17, 57, 25},
	{15, 47, 7, 39, 13, 45, 5, 37},
	{63, 31, 55, 23, 61, 29, 53, 21},
}

// toBitmap turns grey g into 1 bit: threshold prints a pixel black when it
// is darker than level; ordered moves that level by an 8×8 Bayer pattern
// around it; Floyd–Steinberg diffuses each pixel's error onto its
// neighbours, black below level. check is called every 64 rows.
func toBitmap(g *image.Gray, mode string, level int, check func() error) (*raster.Bitmap, error) {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	out := raster.NewBitmap(w, h)
	var cur, next []int32
	if mode == DitherFloydSteinberg {
		cur, next = make([]int32, w+2), make([]int32, w+2)
	}
	for y := 0; y < h; y++ {
		if y%64 == 0 && check != nil {
			if err := check(); err != nil {
				return nil, err
			}
		}
		row := g.Pix[y*g.Stride : y*g.Stride+w]
		bits := out.Row(y)
		switch mode {
		case DitherOrdered:
			b := &bayer8[y&7]
			for x, v := range row {
				t := level + (b[x&7]*2+1)*2 - 128 // level ± 127
				if int(v) < t {
					bits[x>>3] |= 0x80 >> uint(x&7)
				}
			}
		case DitherFloydSteinberg:
			for x, v := range row {
				e := int32(v)*16 + cur[x+1]
				var nv int32 = 255 * 16
				if e < int32(level)*16 {
					bits[x>>3] |= 0x80 >> uint(x&7)
					nv = 0
				}
				d := e - nv
				cur[x+2] += d * 7 / 16
				next[x] += d * 3 / 16
				next[x+1] += d * 5 / 16
				next[x+2] += d / 16
			}
			cur, next = next, cur
			clear(next)
		default:
			for x, v := range row {
				if int(v) < level {
					bits[x>>3] |= 0x80 >> uint(x&7)
				}
			}
		}
	}
	return out, nil
}
