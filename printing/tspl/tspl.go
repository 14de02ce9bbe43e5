// Package tspl turns a label into TSPL/TSPL2 (TSC, and the Gprinter,
// Xprinter, HPRT and other label printers that speak it).
//
// Native commands: BARCODE (Code 128, Code 39, EAN-13, UPC-A), QRCODE,
// DMATRIX, BAR (lines, filled boxes), BOX and TEXT with the resident
// scalable font "0" for ASCII text that asks for "font":"printer". Rotated
// barcodes, 2D codes with non-ASCII data or modules over 10 dots, other text,
// images and diagonal lines are drawn on the PC and sent as BITMAP, whose
// rows use inverted polarity: a 0 bit prints black. Raster mode sends the
// whole label as one BITMAP.
package tspl

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/labelbridge/labelbridge/printing/label"
	"github.com/labelbridge/labelbridge/printing/raster"
)

// Options are the shared encoder options (printer dpi, raster mode, fonts).
type Options = raster.Options

// FontCapRatio is the cap height of TSPL font "0" as a fraction of its
// point size (an approximation).
const FontCapRatio = 0.72

// Encode lays the label out at the printer's dpi and returns TSPL.
func Encode(ctx context.Context, l *label.Label, opt Options) ([]byte, error) {
	p, err := raster.Layout(ctx, l, opt)
	if err != nil {
		return nil, err
	}
	return EncodePlan(p, opt.Raster)
}

// EncodePlan returns TSPL for a laid-out label.
func EncodePlan(p *raster.Plan, rasterMode bool) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "SIZE %s mm,%s mm\r\n", mm(p.Label.ToMM(p.Label.Width)), mm(p.Label.ToMM(p.Label.Height)))
	writeSettings(&b, p) // settings.go
	b.WriteString("CLS\r\n")
	// Bitmaps first (mode 0 overwrites), native drawing on top.
	natives, gs, err := p.Split(rasterMode, func(it *raster.Item) string { return native(it, p.DPI) })
	if err != nil {
		return nil, err
	}
	for _, g := range gs {
		writeBitmap(&b, g.X, g.Y, g.Bitmap)
	}
	for _, c := range natives {
		b.WriteString(c)
		b.WriteString("\r\n")
	}
	fmt.Fprintf(&b, "PRINT 1,%d\r\n", p.Copies)
	return b.Bytes(), nil
}

// writeBitmap writes BITMAP x,y,widthBytes,height,0,<rows> with TSPL's
// polarity (0 = black).
func writeBitmap(b *bytes.Buffer, x, y int, bmp *raster.Bitmap) {
	if bmp.W == 0 || bmp.H == 0 {
		return
	}
	fmt.Fprintf(b, "BITMAP %d,%d,%d,%d,0,", x, y, bmp.Stride, bmp.H)
	b.Write(bmp.AppendRows(nil, bmp.Rect(), true))
	b.WriteString("\r\n")
}

func mm(v float64) string {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	return strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
}

// quote returns s as a TSPL string literal ("" with \["] for quotes).
func quote(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `\["]`) + `"`
}

func native(it *raster.Item, dpi int) string {
	x, y := it.Bounds.Min.X, it.Bounds.Min.Y
	if cmd, ok := nativeV2(it, dpi); ok { // v2.go
		return cmd
	}
	switch it.Type {
	case label.TypeText:
		if !it.PrinterFont || it.Rotation != 0 {
			return ""
		}
		pts := int(it.CapHeight/FontCapRatio*72/float64(dpi) + 0.5)
		if pts < 4 {
			return ""
		}
		// Font "0" puts the baseline about 0.8 em below y.
		ascent, _ := raster.LineMetrics(it.CapHeight)
		em := float64(pts) * float64(dpi) / 72
		y += max(0, ascent-int(0.8*em+0.5))
		return fmt.Sprintf("TEXT %d,%d,\"0\",0,%d,%d,%s", x, y, pts, pts, quote(it.Text))
	case label.TypeBarcode:
		return barcode(it, x, y)
	case label.TypeLine:
		if it.Diagonal || it.Bounds.Empty() {
			return ""
		}
		return fmt.Sprintf("BAR %d,%d,%d,%d", x, y, it.Bounds.Dx(), it.Bounds.Dy())
	case label.TypeBox:
		if it.Bounds.Empty() {
			return ""
		}
		if it.Filled {
			return fmt.Sprintf("BAR %d,%d,%d,%d", x, y, it.Bounds.Dx(), it.Bounds.Dy())
		}
		return fmt.Sprintf("BOX %d,%d,%d,%d,%d", x, y, it.Bounds.Max.X-1, it.Bounds.Max.Y-1, it.Thickness)
	}
	return ""
}

// barcode returns the TSPL of a barcode: 1D bars natively at the field the
// layout gives them with the printer's human-readable line off, and the
// line and EAN/UPC guard bars as a BITMAP drawn as the preview draws them
// (raster.SymbolParts). Code 128 is native only when the printer's own
// code-set packing cannot change its width (raster.Code128Fixed).
func barcode(it *raster.Item, x, y int) string {
	m := it.Module
	if it.Rotation != 0 || m < 1 || m > 10 {
		return ""
	}
	if it.Parts != nil {
		b := it.BarsBounds()
		x, y = b.Min.X, b.Min.Y
	}
	var cmd string
	switch it.Symbology {
	case label.Code128:
		if !raster.Code128Fixed(it.Data) {
			return ""
		}
		cmd = fmt.Sprintf("BARCODE %d,%d,\"128\",%d,0,0,%d,%d,%s", x, y, it.BarHeight, m, m, quote(it.Data))
	case label.Code39:
		cmd = fmt.Sprintf("BARCODE %d,%d,\"39\",%d,0,0,%d,%d,%s", x, y, it.BarHeight, m, m*raster.Code39Ratio, quote(it.Data))
	case label.EAN13:
		cmd = fmt.Sprintf("BARCODE %d,%d,\"EAN13\",%d,0,0,%d,%d,\"%s\"", x, y, it.BarHeight, m, m, it.Data[:12])
	case label.UPCA:
		cmd = fmt.Sprintf("BARCODE %d,%d,\"UPCA\",%d,0,0,%d,%d,\"%s\"", x, y, it.BarHeight, m, m, it.Data[:11])
	case label.QR:
		if !label.IsPrintableASCII(it.Data) {
			return "" // code pages vary by firmware: draw it ourselves
		}
		return fmt.Sprintf("QRCODE %d,%d,M,%d,A,0,%s", x, y, m, quote(it.Data))
	case label.DataMatrix:
		if !label.IsPrintableASCII(it.Data) {
			return ""
		}
		return fmt.Sprintf("DMATRIX %d,%d,%d,%d,x%d,%s", x, y, it.Bounds.Dx(), it.Bounds.Dy(), m, quote(it.Data))
	default:
		return ""
	}
	return withHRI(it, cmd)
}

// withHRI appends a 1D barcode's line and guard bars as a BITMAP.
func withHRI(it *raster.Item, cmd string) string {
	return it.WithHRI(cmd, "\r\n", func(x, y int, b *raster.Bitmap) string {
		var out bytes.Buffer
		writeBitmap(&out, x, y, b)
		return strings.TrimSuffix(out.String(), "\r\n")
	})
}
