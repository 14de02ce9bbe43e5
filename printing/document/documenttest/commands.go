package documenttest

import (
	"bytes"
	"fmt"
	"image"
	"regexp"
	"strconv"

	"github.com/labelbridge/labelbridge/printing/raster"
)

var (
	tsplBitmap = regexp.MustCompile(`BITMAP (\d+),(\d+),(\d+),(\d+),0,`)
	eplGW      = regexp.MustCompile(`GW(\d+),(\d+),(\d+),(\d+)\n`)
	tsplPrint  = regexp.MustCompile(`\r\nPRINT \d+`)
	eplPrint   = regexp.MustCompile(`\nP\d+\n`)
)

// Bitmaps draws the bitmap commands of a TSPL, EPL2 or ESC/POS job (its
// first label) back onto a w×h canvas, the way the printer would: TSPL
// BITMAP and EPL2 GW rows print a 0 bit black; ESC/POS GS v 0 rows print a
// 1 bit black, placed down the paper by ESC J feeds in motion units of
// unit dots.
func Bitmaps(language string, data []byte, w, h, unit int) (*raster.Bitmap, error) {
	canvas := raster.NewBitmap(w, h)
	put := func(x, y, wb, rows int, bits []byte, invert bool) error {
		if len(bits) < wb*rows {
			return fmt.Errorf("bitmap at %d,%d: %d bytes, want %d", x, y, len(bits), wb*rows)
		}
		b := raster.NewBitmap(wb*8, rows)
		for i := range b.Pix {
			v := bits[i]
			if invert {
				v = ^v
			}
			b.Pix[i] = v
		}
		canvas.Or(b, image.Pt(x, y))
		return nil
	}
	switch language {
	case "tspl", "epl":
		re, inv := tsplBitmap, true
		if language == "epl" {
			re = eplGW
		}
		// Only the first label: up to its print command (PRINT n / Pn).
		end := eplPrint
		if language == "tspl" {
			end = tsplPrint
		}
		for pos := 0; pos < len(data); {
			m := re.FindSubmatchIndex(data[pos:])
			e := end.FindIndex(data[pos:])
			if m == nil || (e != nil && e[0] < m[0]) {
				break
			}
			n := make([]int, 4)
			for i := range n {
				n[i], _ = strconv.Atoi(string(data[pos+m[2+2*i] : pos+m[3+2*i]]))
			}
			if err := put(n[0], n[1], n[2], n[3], data[pos+m[1]:], inv); err != nil {
				return nil, err
			}
			pos += m[1] + n[2]*n[3]
		}
		return canvas, nil
	case "escpos":
		y := 0
		for i := 0; i < len(data); {
			switch {
			case bytes.HasPrefix(data[i:], []byte{0x1b, 0x40}):
				if y > 0 {
					return canvas, nil // the next copy
				}
				i += 2
			case bytes.HasPrefix(data[i:], []byte{0x1d, 0x50}):
				i += 4
			case bytes.HasPrefix(data[i:], []byte{0x1b, 0x4a}) && i+2 < len(data):
				y += int(data[i+2]) * unit
				i += 3
			case bytes.HasPrefix(data[i:], []byte{0x1d, 0x76, 0x30}) && i+8 <= len(data):
				wb := int(data[i+4]) | int(data[i+5])<<8
				rows := int(data[i+6]) | int(data[i+7])<<8
				if err := put(0, y, wb, rows, data[i+8:], false); err != nil {
					return nil, err
				}
				y += rows
				i += 8 + wb*rows
			case bytes.HasPrefix(data[i:], []byte{0x1d, 0x56}):
				return canvas, nil
			default:
				return nil, fmt.Errorf("escpos: unexpected byte %#x at %d", data[i], i)
			}
		}
		return canvas, nil
	}
	return nil, fmt.Errorf("no bitmap reader for %q", language)
}
