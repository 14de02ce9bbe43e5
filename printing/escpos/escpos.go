// Package escpos turns a label into ESC/POS (Epson and compatible receipt
// printers, and label printers in ESC/POS mode).
//
// ESC/POS prints top to bottom and has no absolute positioning on a page,
// so the label is cut into horizontal bands of elements that overlap
// vertically. A band holding a single barcode the language can draw (Code
// 128, Code 39, EAN-13, UPC-A with GS k; QR with GS ( k; rotation 0 and a
// module width the printer accepts) is sent natively, placed with GS L;
// every other band (text, lines, boxes, images, Data Matrix, rotated
// barcodes) is drawn on the PC and sent as GS v 0 raster rows (1 bit =
// black, width in bytes). Blank space between bands is fed with ESC J, in
// motion units set with GS P to the printer's dpi. After each copy the paper
// is fed to the label's full height and cut (GS V 66 0; printers without a
// cutter ignore it). Raster mode sends the whole label as GS v 0 rows.
package escpos

import (
	"bytes"
	"context"
	"image"
	"sort"

	"github.com/labelbridge/labelbridge/printing/label"
	"github.com/labelbridge/labelbridge/printing/raster"
)

// Options are the shared encoder options (printer dpi, raster mode, fonts).
type Options = raster.Options

// MaxRasterRows is the most rows sent in one GS v 0 command.
const MaxRasterRows = 256

// Encode lays the label out at the printer's dpi and returns ESC/POS.
func Encode(ctx context.Context, l *label.Label, opt Options) ([]byte, error) {
	p, err := raster.Layout(ctx, l, opt)
	if err != nil {
		return nil, err
	}
	return EncodePlan(p, opt.Raster)
}

// band is a horizontal strip of the label and the items in it.
type band struct {
	y0, y1 int
	items  []*raster.Item
}

// bands groups items whose vertical extents overlap.
func bands(items []*raster.Item) []band {
	sorted := append([]*raster.Item(nil), items...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Bounds.Min.Y < sorted[j].Bounds.Min.Y })
	var out []band
	for _, it := range sorted {
		if it.Bounds.Empty() {
			continue
		}
		if n := len(out); n > 0 && it.Bounds.Min.Y < out[n-1].y1 {
			out[n-1].items = append(out[n-1].items, it)
			out[n-1].y1 = max(out[n-1].y1, it.Bounds.Max.Y)
			continue
		}
		out = append(out, band{y0: it.Bounds.Min.Y, y1: it.Bounds.Max.Y, items: []*raster.Item{it}})
	}
	return out
}

// motionUnit returns the dots per ESC/POS motion unit and the GS P value:
// GS P takes 1–255, so 300 and 600 dpi printers move in 2- or 3-dot units.
func motionUnit(dpi int) (dots, gsP int) {
	dots = (dpi + 254) / 255
	return dots, dpi / dots
}

// EncodePlan returns ESC/POS for a laid-out label.
func EncodePlan(p *raster.Plan, rasterMode bool) ([]byte, error) {
	unit, gsP := motionUnit(p.DPI)
	limit, err := checkWidth(p) // settings.go
	if err != nil {
		return nil, err
	}
	var body bytes.Buffer
	if rasterMode {
		bmp, err := p.Render()
		if err != nil {
			return nil, err
		}
		writeRaster(&body, bmp, limit)
	} else {
		y := 0
		for _, bd := range bands(p.Items) {
			if bd.y0 > y {
				y += feed(&body, bd.y0-y, unit)
			}
			if len(bd.items) == 1 {
				if cmd := native(bd.items[0], p, unit); cmd != nil {
					body.Write(cmd)
					y = bd.y1
					continue
				}
			}
			// The paper is at y (at most one motion unit above the band).
			bmp := raster.NewBitmap(p.Width, bd.y1-y)
			origin := image.Pt(0, y)
			// drawing order: reversed and white items change what is beneath
			sort.SliceStable(bd.items, func(i, j int) bool { return bd.items[i].Index < bd.items[j].Index })
			for _, it := range bd.items {
				if err := it.Draw(bmp, origin); err != nil {
					return nil, err
				}
			}
			writeRaster(&body, bmp, limit)
			y = bd.y1
		}
		if p.Height > y { // to the label's end, rounding up
			feed(&body, p.Height-y+unit-1, unit)
		}
	}
	var out bytes.Buffer
	for i := 0; i < p.Copies; i++ {
		out.Write([]byte{0x1b, 0x40})                       // ESC @ initialise
		out.Write([]byte{0x1d, 0x50, byte(gsP), byte(gsP)}) // GS P motion units
		out.Write(body.Bytes())
		out.Write([]byte{0x1d, 0x56, 66, 0}) // GS V 66 0: feed to cutter, partial cut
	}
	return out.Bytes(), nil
}

// feed feeds up to n dots with ESC J (whole motion units, never past n) and
// returns the dots fed; a raster band then starts where the paper is.
func feed(b *bytes.Buffer, n, unit int) int {
	units := n / unit
	fed := units * unit
	for units > 0 {
		k := min(units, 255)
		b.Write([]byte{0x1b, 0x4a, byte(k)})
		units -= k
	}
	return fed
}

// writeRaster writes bmp as GS v 0 commands (at most MaxRasterRows rows
// each), trimmed on the right to the last byte with ink and clipped to the
// printable width of limit dots.
func writeRaster(b *bytes.Buffer, bmp *raster.Bitmap, limit int) {
	wb := 0
	for y := 0; y < bmp.H; y++ {
		row := bmp.Row(y)
		row = row[:min(len(row), (limit+7)/8)]
		for i := len(row) - 1; i >= wb; i-- {
			if row[i] != 0 {
				wb = i + 1
				break
			}
		}
	}
	if wb == 0 {
		wb = 1 // keep the paper moving over blank bands
	}
	for y0 := 0; y0 < bmp.H; y0 += MaxRasterRows {
		h := min(MaxRasterRows, bmp.H-y0)
		b.Write([]byte{0x1d, 0x76, 0x30, 0, byte(wb), byte(wb >> 8), byte(h), byte(h >> 8)})
		b.Write(bmp.AppendRows(nil, image.Rect(0, y0, wb*8, y0+h), false))
	}
}

// native returns the commands for a barcode the printer draws itself, or
// nil when it must be rasterised.
func native(it *raster.Item, p *raster.Plan, unit int) []byte {
	if it.Type != label.TypeBarcode || it.Rotation != 0 {
		return nil
	}
	if cmd, ok := nativeV2(it, p, unit); ok { // v2.go
		return cmd
	}
	x := it.BarsBounds().Min.X
	var b bytes.Buffer
	left := (x + unit/2) / unit
	b.Write([]byte{0x1d, 0x4c, byte(left), byte(left >> 8)}) // GS L left margin
	m := it.Module
	switch it.Symbology {
	case label.Code128, label.Code39, label.EAN13, label.UPCA:
		if m < 2 || m > 6 || it.BarHeight > 255 {
			return nil
		}
		// The printer's line is off (GS H 0): writeHRI sends the line and
		// guard bars as raster rows, as the preview draws them.
		b.Write([]byte{0x1d, 0x68, byte(it.BarHeight)}) // GS h height
		b.Write([]byte{0x1d, 0x77, byte(m)})            // GS w module
		b.Write([]byte{0x1d, 0x48, 0})                  // GS H: no printer HRI
		switch it.Symbology {
		case label.Code128:
			// The preview's code sets, spelled out ({ escaped as {{).
			data := Code128Data([]rune(it.Data))
			if data == nil || len(data) > 255 {
				return nil
			}
			b.Write([]byte{0x1d, 0x6b, 73, byte(len(data))})
			b.Write(data)
		case label.Code39:
			b.Write([]byte{0x1d, 0x6b, 69, byte(len(it.Data))})
			b.WriteString(it.Data)
		case label.EAN13:
			b.Write([]byte{0x1d, 0x6b, 67, 12})
			b.WriteString(it.Data[:12])
		case label.UPCA:
			b.Write([]byte{0x1d, 0x6b, 65, 11})
			b.WriteString(it.Data[:11])
		}
	case label.QR:
		if m < 1 || m > 16 {
			return nil
		}
		n := len(it.Data) + 3
		b.Write([]byte{0x1d, 0x28, 0x6b, 4, 0, 0x31, 0x41, 0x32, 0})               // model 2
		b.Write([]byte{0x1d, 0x28, 0x6b, 3, 0, 0x31, 0x43, byte(m)})               // module size
		b.Write([]byte{0x1d, 0x28, 0x6b, 3, 0, 0x31, 0x45, 0x31})                  // error correction M
		b.Write([]byte{0x1d, 0x28, 0x6b, byte(n), byte(n >> 8), 0x31, 0x50, 0x30}) // store
		b.WriteString(it.Data)
		b.Write([]byte{0x1d, 0x28, 0x6b, 3, 0, 0x31, 0x51, 0x30}) // print
	default:
		return nil // Data Matrix: raster
	}
	b.Write([]byte{0x1d, 0x4c, 0, 0}) // GS L 0: left margin back
	if err := writeHRI(&b, it, p); err != nil {
		return nil
	}
	return b.Bytes()
}
