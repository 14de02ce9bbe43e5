package epl

import (
	"fmt"
	"strings"

	"github.com/labelbridge/labelbridge/printing/label"
	"github.com/labelbridge/labelbridge/printing/raster"
)

// Label model v2 in EPL2. Native where EPL2 has a command whose result
// stays inside the space the layout reserved:
//
//   - printer-font text boxes: one A per laid-out line (or word, for
//     justified lines) in the resident font closest to the cap height,
//     placed by the printer font's own cell width (aligned left, centred
//     or right in the piece the preview measured), and only when that
//     width fits the box: otherwise the box is a bitmap;
//   - LW (white) for a white box and LE (exclusive or) for a reverse box,
//     both without a radius;
//   - B types E80 (EAN-8), UE0 (UPC-E, number system 0), 2 (interleaved
//     2 of 5 for ITF-14, 1:3 as we draw it; bearer bars as LO) and K
//     (Codabar, 1:2, start and stop characters in the data); their
//     human-readable lines are GW graphics drawn as the preview draws
//     them.
//
// Bitmaps for the rest, and why: rounded boxes, ellipses and circles (EPL2
// draws straight lines only), bold or reversed text (no bold resident
// font; LE would invert, not clear, what lies beneath), GS1-128 (EPL2's
// UCC/EAN-128 type places FNC1 by its own rules, which the manual does not
// spell out for variable-length AIs) and every 2D code (EPL2's b command
// depends on the firmware).

// cellWidths are the resident fonts' character cell widths in dots at 203
// and 300 dpi (fonts 1–4), as fontSizes gives their heights.
var cellWidths = map[bool][4]int{
	false: {10, 12, 14, 16},
	true:  {14, 18, 22, 26},
}

// nativeV2 returns the EPL2 for a v2 item, or "" (bitmap); handled is
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
		case label.GS1128, label.GS1DataMatrix, label.EAN8, label.UPCE, label.ITF14, label.Codabar, label.PDF417, label.Aztec:
			return barcodeV2(it, x, y), true
		}
	}
	return "", false
}

func textBox(it *raster.Item, dpi int) string {
	if !it.PrinterFont || it.Bold || it.Reverse || it.Rotation != 0 {
		return ""
	}
	f, m := pickFont(it.CapHeight, dpi)
	cell := fontSizes[dpi >= 250][f-1] * m
	cw := cellWidths[dpi >= 250][f-1] * m
	ascent, _ := raster.LineMetrics(it.CapHeight)
	up := int(0.8*float64(cell)+0.5) - ascent
	boxW := it.Bounds.Dx() - 2*it.TextOrigin.X
	align := it.Element.Align
	var b strings.Builder
	for _, ln := range it.Lines {
		for _, pc := range ln.Pieces {
			if pc.Text == "" {
				continue
			}
			pw := len(pc.Text) * cw
			px := pc.X
			switch {
			case align == label.AlignCenter:
				px = pc.X + (pc.W-pw)/2
			case align == label.AlignRight || (align == label.AlignJustify && pc.X+pc.W == boxW && pc.X > 0):
				px = pc.X + pc.W - pw
			}
			if px < 0 || px+pw > boxW {
				return "" // the printer's font is wider than the box
			}
			if b.Len() > 0 {
				b.WriteByte('\n')
			}
			py := it.Bounds.Min.Y + it.TextOrigin.Y + ln.Top - up
			fmt.Fprintf(&b, "A%d,%d,0,%d,%d,%d,N,%s", it.Bounds.Min.X+it.TextOrigin.X+px, max(0, py), f, m, m, quote(pc.Text))
		}
	}
	return b.String()
}

func shape(it *raster.Item, x, y int) string {
	w, h := it.Bounds.Dx(), it.Bounds.Dy()
	switch {
	case it.Bounds.Empty() || it.Ellipse || it.Radius > 0:
		return ""
	case it.Reverse:
		return fmt.Sprintf("LE%d,%d,%d,%d", x, y, w, h)
	case it.FillWhite:
		return fmt.Sprintf("LW%d,%d,%d,%d", x, y, w, h)
	}
	return ""
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
		cmd = fmt.Sprintf("B%d,%d,0,E80,%d,%d,%d,N,\"%s\"", x, y, m, m, h, it.Data[:7])
	case label.UPCE:
		if it.Data[0] != '0' {
			return ""
		}
		cmd = fmt.Sprintf("B%d,%d,0,UE0,%d,%d,%d,N,\"%s\"", x, y, m, m, h, it.Data[1:7])
	case label.ITF14:
		cmd = fmt.Sprintf("B%d,%d,0,2,%d,%d,%d,N,\"%s\"", x, y, m, 3*m, h, it.Data)
		if it.Bearer > 0 {
			w := it.BarsBounds().Dx()
			cmd += fmt.Sprintf("\nLO%d,%d,%d,%d\nLO%d,%d,%d,%d", x, y-it.Bearer, w, it.Bearer, x, y+h, w, it.Bearer)
		}
	case label.Codabar:
		cmd = fmt.Sprintf("B%d,%d,0,K,%d,%d,%d,N,\"%s\"", x, y, m, 2*m, h, it.Data)
	default:
		return "" // GS1-128 and 2D codes: see the file comment
	}
	return withHRI(it, cmd)
}
