// Package zpl is where a label turns into ZPL II (Zebra and its emulators).
//
// Barcodes (^BC Code 128, ^B3 Code 39, ^BE EAN-13, ^BU UPC-A, ^BQ QR,
// ^BX Data Matrix), horizontal and vertical lines and boxes (^GB) and ASCII
// text in the resident scalable font (^A0, when the label asks for
// "font":"printer") are sent as native commands. Everything else (text in
// any other script or font, images, diagonal lines, rotated 2D codes,
// modules wider than 10 dots) is drawn on the PC and sent as ^GFA graphic
// fields, each with ACS or Z64 data, whichever is smaller. Raster mode sends
// the whole label as one graphic field.
package zpl

import (
	"context"
	"fmt"
	"strings"

	"github.com/labelbridge/labelbridge/printing/label"
	"github.com/labelbridge/labelbridge/printing/raster"
)

// Options are the shared encoder options (printer dpi, raster mode, fonts).
type Options = raster.Options

// FontCapRatio is the cap height of ZPL's font 0 as a fraction of the
// character height given to ^A0 (an approximation of CG Triumvirate Bold
// Condensed).
const FontCapRatio = 0.72

// Encode lays the label out at the printer's dpi and returns ZPL.
func Encode(ctx context.Context, l *label.Label, opt Options) ([]byte, error) {
	p, err := raster.Layout(ctx, l, opt)
	if err != nil {
		return nil, err
	}
	return EncodePlan(p, opt.Raster)
}

// EncodePlan returns ZPL for a laid-out label; with rasterMode the whole
// label is one ^GFA.
func EncodePlan(p *raster.Plan, rasterMode bool) ([]byte, error) {
	var b strings.Builder
	head, err := header(p) // settings.go
	if err != nil {
		return nil, err
	}
	if err := checkSerials(p, rasterMode); err != nil {
		return nil, err
	}
	b.WriteString(head)
	natives, gs, err := p.Split(rasterMode, nativeFor(p))
	if err != nil {
		return nil, err
	}
	for _, g := range gs {
		fmt.Fprintf(&b, "^FO%d,%d%s^FS\n", g.X, g.Y, GF(g.Bitmap))
	}
	for _, c := range natives {
		b.WriteString(c)
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "^PQ%d\n^XZ\n", p.Copies)
	return []byte(b.String()), nil
}

func orientation(rot int) string {
	switch rot {
	case 90:
		return "R"
	case 180:
		return "I"
	case 270:
		return "B"
	}
	return "N"
}

// fieldData returns "^FD<data>^FS", with ^FH hex escapes when the data holds
// ZPL's command prefixes (^ ~) or control characters.
func fieldData(s string) string {
	needs := false
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '^' || c == '~' || c < 0x20 || c == 0x7f {
			needs = true
			break
		}
	}
	if !needs {
		return "^FD" + s + "^FS"
	}
	var b strings.Builder
	b.WriteString("^FH_^FD")
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '^' || c == '~' || c == '_' || c < 0x20 || c == 0x7f {
			fmt.Fprintf(&b, "_%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	b.WriteString("^FS")
	return b.String()
}

// native returns the ZPL for an item the printer draws itself, or "" when
// the item must be sent as a bitmap.
func native(it *raster.Item) string {
	x, y := it.Bounds.Min.X, it.Bounds.Min.Y
	if cmd, ok := nativeV2(it, x, y); ok {
		return cmd
	}
	switch it.Type {
	case label.TypeText:
		if !it.PrinterFont {
			return ""
		}
		h := int(it.CapHeight/FontCapRatio + 0.5)
		if h < 10 || h > 32000 {
			return ""
		}
		// Our line box puts the baseline 1.3 cap heights below y; font 0
		// puts it about 0.8 character heights below the field origin.
		if it.Rotation == 0 {
			ascent, _ := raster.LineMetrics(it.CapHeight)
			y += max(0, ascent-int(0.8*float64(h)+0.5))
		}
		return fmt.Sprintf("^FO%d,%d^A0%s,%d,%d%s", x, y, orientation(it.Rotation), h, h, fieldData(it.Text))
	case label.TypeBarcode:
		return barcode(it, x, y)
	case label.TypeLine:
		if it.Diagonal || it.Bounds.Empty() {
			return ""
		}
		w, h := it.Bounds.Dx(), it.Bounds.Dy()
		return fmt.Sprintf("^FO%d,%d^GB%d,%d,%d,B,0^FS", x, y, w, h, min(w, h))
	case label.TypeBox:
		if it.Bounds.Empty() {
			return ""
		}
		w, h := it.Bounds.Dx(), it.Bounds.Dy()
		t := it.Thickness
		if it.Filled {
			t = min(w, h)
		}
		return fmt.Sprintf("^FO%d,%d^GB%d,%d,%d,B,0^FS", x, y, w, h, t)
	}
	return ""
}

// QROriginShift is how far below its ^FO a printer draws a ^BQ symbol:
// the ^BY bar height (10 dots unless changed; zebrash and the field reports
// agree that Zebra firmware adds it). barcode sends ^BY with that height and
// ^FO this much higher, so the QR code prints where it was laid out; a QR
// code nearer the top than this is sent as a bitmap.
const QROriginShift = 10

// barcode returns the ZPL of a barcode: the bars natively at the field the
// layout gives them (^FO is the field's upper-left corner in every
// orientation, Zebra's ^FO definition, which zebrash follows too), the
// printer's interpretation line off, and the line and any long guard bars
// as a ^GF drawn as the preview draws them (raster.SymbolParts).
func barcode(it *raster.Item, x, y int) string {
	m := it.Module
	if m < 1 || (m > 10 && it.Symbology != label.DataMatrix) {
		return "" // ^BY and ^BQ take 1–10
	}
	o := orientation(it.Rotation)
	h := it.BarHeight
	if it.Parts != nil {
		b := it.BarsBounds()
		x, y = b.Min.X, b.Min.Y
	}
	var cmd string
	switch it.Symbology {
	case label.Code128:
		cmd = fmt.Sprintf("^FO%d,%d^BY%d^BC%s,%d,N,N,N,A%s", x, y, m, o, h, fieldData(it.Data))
	case label.Code39:
		cmd = fmt.Sprintf("^FO%d,%d^BY%d,%d.0^B3%s,N,%d,N,N%s", x, y, m, raster.Code39Ratio, o, h, fieldData(it.Data))
	case label.EAN13, label.UPCA:
		if it.Rotation != 0 {
			// Rotated, printers move EAN/UPC by their guard bars
			// (zebrash shifts ^BER left of ^FO): a bitmap prints exactly.
			return ""
		}
		if it.Symbology == label.EAN13 {
			cmd = fmt.Sprintf("^FO%d,%d^BY%d^BEN,%d,N,N^FD%s^FS", x, y, m, h, it.Data[:12])
		} else {
			cmd = fmt.Sprintf("^FO%d,%d^BY%d^BUN,%d,N,N,Y^FD%s^FS", x, y, m, h, it.Data[:11])
		}
	case label.QR:
		if it.Rotation != 0 || y < QROriginShift {
			return "" // ^BQ has no rotation; ^FO cannot be negative
		}
		return fmt.Sprintf("^BY%d,2.0,%d^FO%d,%d^BQN,2,%d%s", m, QROriginShift, x, y-QROriginShift, m, fieldData(string("LMQH"[it.ECC%4])+"A,"+it.Data))
	case label.DataMatrix:
		if it.Rotation != 0 {
			return ""
		}
		return fmt.Sprintf("^FO%d,%d^BXN,%d,200%s", x, y, m, fieldData(it.Data))
	default:
		return barcodeV2(it, x, y)
	}
	return withHRI(it, cmd)
}

// withHRI appends a 1D barcode's line and guard bars as a ^GF.
func withHRI(it *raster.Item, cmd string) string {
	return it.WithHRI(cmd, "\n", func(x, y int, b *raster.Bitmap) string {
		return fmt.Sprintf("^FO%d,%d%s^FS", x, y, GF(b))
	})
}
