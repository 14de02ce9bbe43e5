// Package epl turns a label into EPL2 (Zebra/Eltron LP2844-class printers
// and Zebras in EPL mode).
//
// Native commands: B (Code 128, Code 39, EAN-13, UPC-A; rotation 0), LO
// (lines, filled boxes), X (boxes) and A with resident fonts 1–4 for ASCII
// text that asks for "font":"printer". QR and Data Matrix (EPL2's b command
// depends on firmware), rotated barcodes, other text, images and diagonal
// lines are drawn on the PC and sent as GW graphics, whose rows use inverted
// polarity: a 0 bit prints black. Raster mode sends the whole label as one
// GW.
package epl

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/labelbridge/labelbridge/printing/label"
	"github.com/labelbridge/labelbridge/printing/raster"
)

// Options are the shared encoder options (printer dpi, raster mode, fonts).
type Options = raster.Options

// Encode lays the label out at the printer's dpi and returns EPL2.
func Encode(ctx context.Context, l *label.Label, opt Options) ([]byte, error) {
	p, err := raster.Layout(ctx, l, opt)
	if err != nil {
		return nil, err
	}
	return EncodePlan(p, opt.Raster)
}

// EncodePlan returns EPL2 for a laid-out label.
func EncodePlan(p *raster.Plan, rasterMode bool) ([]byte, error) {
	var b bytes.Buffer
	// A leading newline ends any half-sent command; N clears the buffer.
	b.WriteString("\nN\n")
	if err := writeSettings(&b, p); err != nil { // settings.go: q, Q, D, S, O, R
		return nil, err
	}
	natives, gs, err := p.Split(rasterMode, func(it *raster.Item) string { return native(it, p.DPI) })
	if err != nil {
		return nil, err
	}
	for _, g := range gs {
		writeGW(&b, g.X, g.Y, g.Bitmap)
	}
	for _, c := range natives {
		b.WriteString(c)
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "P%d\n", p.Copies)
	return b.Bytes(), nil
}

// writeGW writes GWx,y,widthBytes,height and the rows with EPL2's polarity
// (0 = black).
func writeGW(b *bytes.Buffer, x, y int, bmp *raster.Bitmap) {
	if bmp.W == 0 || bmp.H == 0 {
		return
	}
	fmt.Fprintf(b, "GW%d,%d,%d,%d\n", x, y, bmp.Stride, bmp.H)
	b.Write(bmp.AppendRows(nil, bmp.Rect(), true))
	b.WriteByte('\n')
}

// quote returns s as an EPL2 string literal.
func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// fontSizes are the resident fonts' cell heights in dots at 203 and 300 dpi
// (fonts 1–4; font 5 is upper case only).
var fontSizes = map[bool][4]int{
	false: {12, 16, 20, 24}, // 203 dpi
	true:  {20, 28, 36, 44}, // 300 dpi
}

// FontCapRatio is the cap height of a resident font as a fraction of its
// cell height (an approximation).
const FontCapRatio = 0.7

// pickFont chooses the resident font and multiplier whose cap height is
// closest to capHeight dots.
func pickFont(capHeight float64, dpi int) (font, mul int) {
	want := capHeight / FontCapRatio
	best := math.Inf(1)
	sizes := fontSizes[dpi >= 250]
	// Larger fonts first: on a tie, a bigger font beats a bigger multiplier.
	for i := len(sizes) - 1; i >= 0; i-- {
		h := sizes[i]
		for m := 1; m <= 9; m++ {
			if d := math.Abs(float64(h*m) - want); d < best {
				best, font, mul = d, i+1, m
			}
		}
	}
	return font, mul
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
		f, m := pickFont(it.CapHeight, dpi)
		cell := fontSizes[dpi >= 250][f-1] * m
		ascent, _ := raster.LineMetrics(it.CapHeight)
		y += max(0, ascent-int(0.8*float64(cell)+0.5))
		return fmt.Sprintf("A%d,%d,0,%d,%d,%d,N,%s", x, y, f, m, m, quote(it.Text))
	case label.TypeBarcode:
		return barcode(it, x, y)
	case label.TypeLine:
		if it.Diagonal || it.Bounds.Empty() {
			return ""
		}
		return fmt.Sprintf("LO%d,%d,%d,%d", x, y, it.Bounds.Dx(), it.Bounds.Dy())
	case label.TypeBox:
		if it.Bounds.Empty() {
			return ""
		}
		if it.Filled {
			return fmt.Sprintf("LO%d,%d,%d,%d", x, y, it.Bounds.Dx(), it.Bounds.Dy())
		}
		return fmt.Sprintf("X%d,%d,%d,%d,%d", x, y, it.Thickness, it.Bounds.Max.X, it.Bounds.Max.Y)
	}
	return ""
}

// barcode returns the EPL2 of a 1D barcode: the bars natively at the field
// the layout gives them with the printer's human-readable line off, and
// the line and EAN/UPC guard bars as GW graphics drawn as the preview draws
// them (raster.SymbolParts). Code 128 (B type 1, packed by the printer)
// is native only when the packing cannot change its width
// (raster.Code128Fixed).
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
		cmd = fmt.Sprintf("B%d,%d,0,1,%d,%d,%d,N,%s", x, y, m, m, it.BarHeight, quote(it.Data))
	case label.Code39:
		cmd = fmt.Sprintf("B%d,%d,0,3,%d,%d,%d,N,%s", x, y, m, m*raster.Code39Ratio, it.BarHeight, quote(it.Data))
	case label.EAN13:
		cmd = fmt.Sprintf("B%d,%d,0,E30,%d,%d,%d,N,\"%s\"", x, y, m, m, it.BarHeight, it.Data[:12])
	case label.UPCA:
		cmd = fmt.Sprintf("B%d,%d,0,UA0,%d,%d,%d,N,\"%s\"", x, y, m, m, it.BarHeight, it.Data[:11])
	default:
		return "" // QR and Data Matrix: bitmap
	}
	return withHRI(it, cmd)
}

// withHRI appends a 1D barcode's line and guard bars as GW.
func withHRI(it *raster.Item, cmd string) string {
	return it.WithHRI(cmd, "\n", func(x, y int, b *raster.Bitmap) string {
		var out bytes.Buffer
		writeGW(&out, x, y, b)
		return strings.TrimSuffix(out.String(), "\n")
	})
}
