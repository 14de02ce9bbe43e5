package tspl

import (
	"fmt"
	"strings"

	"github.com/labelbridge/labelbridge/printing/label"
	"github.com/labelbridge/labelbridge/printing/raster"
)

// Label model v2 in TSPL. Native where TSPL has a command whose result
// stays inside the space the layout reserved:
//
//   - printer-font text boxes: one TEXT per laid-out line (or word, for
//     justified lines) at the position the preview measured;
//   - BOX with a corner radius (TSPL2's sixth parameter), CIRCLE and
//     ELLIPSE outlines, ERASE for a white box and REVERSE for a reverse
//     box (both without a radius);
//   - BARCODE "EAN8", "UPCE" (number system 0), "25" for ITF-14 (narrow
//     and wide bars as we draw them, 1:3; bearer bars as BAR, so the
//     printer's own ITF14 frame never differs from the preview), "CODA"
//     (Codabar, 1:2, start and stop characters in the data); their
//     human-readable lines are BITMAPs drawn as the preview draws them;
//   - PDF417 with our symbol's rows and columns, module width and row
//     height (printable ASCII data; modules 2–9 dots);
//   - QRCODE with the element's ecc (L, M, Q, H).
//
// Bitmaps for the rest, and why: bold or reversed text (no bold printer
// font; REVERSE would invert, not clear, what lies beneath), filled or
// reversed rounded shapes and filled ellipses (no such command), GS1-128
// and GS1 Data Matrix (how TSPL's "EAN128" and DMATRIX place FNC1 is not
// documented in the manuals we have, and a misplaced FNC1 scans as other
// data), Aztec (TSPL's AZTEC parameters vary by firmware), UPC-E number
// system 1 (TSPL takes six digits and implies system 0).

// nativeV2 returns the TSPL for a v2 item, or "" (bitmap); handled is
// false for items v1 code draws.
func nativeV2(it *raster.Item, dpi int) (cmd string, handled bool) {
	x, y := it.Bounds.Min.X, it.Bounds.Min.Y
	switch {
	case it.Type == label.TypeText && (it.TextBox || it.Bold || it.Reverse || len(it.Lines) > 0):
		return textBox(it, dpi), true
	case it.Type == label.TypeEllipse || (it.Type == label.TypeBox && (it.Radius > 0 || it.FillWhite || it.Reverse)):
		return shape(it, x, y), true
	case it.Type == label.TypeBarcode:
		switch it.Symbology {
		case label.QR:
			if it.Rotation != 0 || it.Module < 1 || it.Module > 10 || !label.IsPrintableASCII(it.Data) {
				return "", true
			}
			return fmt.Sprintf("QRCODE %d,%d,%c,%d,A,0,%s", x, y, "LMQH"[it.ECC&3], it.Module, quote(it.Data)), true
		case label.GS1128, label.GS1DataMatrix, label.EAN8, label.UPCE, label.ITF14, label.Codabar, label.PDF417, label.Aztec:
			return barcodeV2(it, x, y), true
		}
	}
	return "", false
}

// fontPoints returns the point size of font "0" for a cap height, and the
// offset from a line's baseline up to TEXT's y.
func fontPoints(capHeight float64, dpi int) (pts, up int) {
	pts = int(capHeight/FontCapRatio*72/float64(dpi) + 0.5)
	em := float64(pts) * float64(dpi) / 72
	return pts, int(0.8*em + 0.5)
}

func textBox(it *raster.Item, dpi int) string {
	if !it.PrinterFont || it.Bold || it.Reverse || it.Rotation != 0 {
		return ""
	}
	pts, up := fontPoints(it.CapHeight, dpi)
	if pts < 4 {
		return ""
	}
	var b strings.Builder
	for _, ln := range it.Lines {
		for _, pc := range ln.Pieces {
			if pc.Text == "" {
				continue
			}
			if b.Len() > 0 {
				b.WriteString("\r\n")
			}
			px := it.Bounds.Min.X + it.TextOrigin.X + pc.X
			py := it.Bounds.Min.Y + it.TextOrigin.Y + ln.Baseline - up
			fmt.Fprintf(&b, "TEXT %d,%d,\"0\",0,%d,%d,%s", px, max(0, py), pts, pts, quote(pc.Text))
		}
	}
	return b.String()
}

func shape(it *raster.Item, x, y int) string {
	w, h := it.Bounds.Dx(), it.Bounds.Dy()
	if it.Bounds.Empty() {
		return ""
	}
	switch {
	case it.Ellipse:
		if it.Filled || it.Reverse || it.FillWhite {
			return "" // TSPL draws outlines only
		}
		if w == h {
			return fmt.Sprintf("CIRCLE %d,%d,%d,%d", x, y, w, it.Thickness)
		}
		return fmt.Sprintf("ELLIPSE %d,%d,%d,%d,%d", x, y, w, h, it.Thickness)
	case it.Reverse:
		if it.Radius > 0 {
			return ""
		}
		return fmt.Sprintf("REVERSE %d,%d,%d,%d", x, y, w, h)
	case it.FillWhite:
		if it.Radius > 0 {
			return ""
		}
		return fmt.Sprintf("ERASE %d,%d,%d,%d", x, y, w, h)
	case it.Filled:
		if it.Radius > 0 {
			return "" // a solid rounded box: bitmap
		}
		return fmt.Sprintf("BAR %d,%d,%d,%d", x, y, w, h)
	}
	return fmt.Sprintf("BOX %d,%d,%d,%d,%d,%d", x, y, it.Bounds.Max.X-1, it.Bounds.Max.Y-1, it.Thickness, it.Radius)
}

func barcodeV2(it *raster.Item, x, y int) string {
	m := it.Module
	if it.Rotation != 0 || m < 1 || m > 10 {
		return ""
	}
	if it.Parts != nil { // 1D: the bars' corner
		b := it.BarsBounds()
		x, y = b.Min.X, b.Min.Y
	}
	h := it.BarHeight
	var cmd string
	switch it.Symbology {
	case label.EAN8:
		cmd = fmt.Sprintf("BARCODE %d,%d,\"EAN8\",%d,0,0,%d,%d,\"%s\"", x, y, h, m, m, it.Data[:7])
	case label.UPCE:
		if it.Data[0] != '0' {
			return ""
		}
		cmd = fmt.Sprintf("BARCODE %d,%d,\"UPCE\",%d,0,0,%d,%d,\"%s\"", x, y, h, m, m, it.Data[1:7])
	case label.ITF14:
		cmd = fmt.Sprintf("BARCODE %d,%d,\"25\",%d,0,0,%d,%d,\"%s\"", x, y, h, m, 3*m, it.Data)
		if it.Bearer > 0 {
			w := it.BarsBounds().Dx()
			cmd += fmt.Sprintf("\r\nBAR %d,%d,%d,%d\r\nBAR %d,%d,%d,%d", x, y-it.Bearer, w, it.Bearer, x, y+h, w, it.Bearer)
		}
	case label.Codabar:
		cmd = fmt.Sprintf("BARCODE %d,%d,\"CODA\",%d,0,0,%d,%d,\"%s\"", x, y, h, m, 2*m, it.Data)
	case label.PDF417:
		if m < 2 || m > 9 || 2*m < 4 || 2*m > 99 || !label.IsPrintableASCII(it.Data) {
			return ""
		}
		cols, rows := it.Symbol.PDF417Size()
		return fmt.Sprintf("PDF417 %d,%d,%d,%d,0,E%d,W%d,H%d,R%d,C%d,%s", x, y, it.Bounds.Dx(), it.Bounds.Dy(),
			it.ECC, m, m*raster.PDF417RowModules, rows, cols, quote(it.Data))
	default:
		return "" // GS1-128, GS1 Data Matrix, Aztec: see the file comment
	}
	return withHRI(it, cmd)
}
