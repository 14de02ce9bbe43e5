package zpl

import (
	"fmt"
	"strings"

	"github.com/labelbridge/labelbridge/printing/label"
	"github.com/labelbridge/labelbridge/printing/raster"
)

// Label model v2 in ZPL: printer-font text boxes line by line (^A0 per
// line), box rounding, white fill and reverse (^GB with rounding, line
// colour W, ^FR), ellipses and circles (^GE, ^GC), and the v2 symbologies:
// ^BC with >8 (FNC1) for GS1-128, ^BX with FNC1 escapes for GS1 Data
// Matrix, ^B8 EAN-8, ^B9 UPC-E, ^B2 ITF-14 (bearer bars as ^GB), ^BK
// Codabar, ^B7 PDF417 and ^BO Aztec, each sized to the symbol our preview
// draws. Their human-readable lines are sent as ^GF, drawn as the preview
// draws them (with parentheses for GS1).

// nativeV2 returns the ZPL for a v2 item, or "" (bitmap); handled is false
// for items v1 code draws.
func nativeV2(it *raster.Item, x, y int) (cmd string, handled bool) {
	switch {
	case it.Type == label.TypeText && (it.TextBox || it.Bold || it.Reverse || len(it.Lines) > 0):
		return textBox(it, x, y), true
	case it.Type == label.TypeEllipse || (it.Type == label.TypeBox && (it.Radius > 0 || it.FillWhite || it.Reverse)):
		return shape(it, x, y), true
	}
	return "", false
}

func textBox(it *raster.Item, x, y int) string {
	if !it.PrinterFont || it.Bold || it.Reverse {
		return ""
	}
	h := int(it.CapHeight/FontCapRatio + 0.5)
	if h < 10 || h > 32000 {
		return ""
	}
	var b strings.Builder
	for _, ln := range it.Lines {
		for _, pc := range ln.Pieces {
			if pc.Text == "" {
				continue
			}
			// baseline about 0.8 character heights below the field origin
			py := y + it.TextOrigin.Y + ln.Baseline - int(0.8*float64(h)+0.5)
			if b.Len() > 0 {
				b.WriteByte('\n')
			}
			fmt.Fprintf(&b, "^FO%d,%d^A0N,%d,%d%s", x+it.TextOrigin.X+pc.X, max(0, py), h, h, fieldData(pc.Text))
		}
	}
	return b.String()
}

func shape(it *raster.Item, x, y int) string {
	w, h := it.Bounds.Dx(), it.Bounds.Dy()
	if it.Bounds.Empty() {
		return ""
	}
	t := it.Thickness
	color, fr := "B", ""
	if it.FillWhite {
		color = "W"
	}
	if it.Reverse {
		fr = "^FR"
	}
	if it.Ellipse {
		if w == h {
			return fmt.Sprintf("^FO%d,%d%s^GC%d,%d,%s^FS", x, y, fr, w, min(t, w/2+1), color)
		}
		return fmt.Sprintf("^FO%d,%d%s^GE%d,%d,%d,%s^FS", x, y, fr, w, h, min(t, min(w, h)/2+1), color)
	}
	// ^GB rounding r (0–8) makes a corner radius of r/8 of half the shorter
	// side: native only when that is the radius asked for (to a dot).
	r := 0
	if it.Radius > 0 {
		half := min(w, h) / 2
		r = (it.Radius*8 + half/2) / max(1, half)
		if r < 1 || r > 8 || abs(r*half/8-it.Radius) > 1 {
			return ""
		}
	}
	return fmt.Sprintf("^FO%d,%d%s^GB%d,%d,%d,%s,%d^FS", x, y, fr, w, h, t, color, r)
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// barcodeV2 returns the ZPL of a v2 symbology (rotation 0), or "". x, y
// are the bars' corner (1D) or the symbol's.
func barcodeV2(it *raster.Item, x, y int) string {
	m := it.Module
	if it.Rotation != 0 || m < 1 || m > 10 {
		return ""
	}
	h := it.BarHeight
	var cmd string
	switch it.Symbology {
	case label.GS1128:
		// Mode D (GS1): the printer adds FNC1 first and after each
		// variable-length AI from the AI syntax.
		cmd = fmt.Sprintf("^FO%d,%d^BY%d^BCN,%d,N,N,N,D^FD%s^FS", x, y, m, h, label.GS1Text(it.GS1))
	case label.GS1DataMatrix:
		cmd = fmt.Sprintf("^FO%d,%d^BXN,%d,200,%d,%d,,`^FD%s^FS", x, y, m, it.Symbol.W, it.Symbol.H, label.GS1Element(it.GS1, "`1"))
	case label.EAN8:
		cmd = fmt.Sprintf("^FO%d,%d^BY%d^B8N,%d,N,N^FD%s^FS", x, y, m, h, it.Data[:7])
	case label.UPCE:
		cmd = fmt.Sprintf("^FO%d,%d^BY%d^B9N,%d,N,N,N^FD%s^FS", x, y, m, h, it.Data[:7])
	case label.ITF14:
		cmd = fmt.Sprintf("^FO%d,%d^BY%d,3.0^B2N,%d,N,N,N^FD%s^FS", x, y, m, h, it.Data)
		if it.Bearer > 0 {
			w := it.BarsBounds().Dx()
			cmd += fmt.Sprintf("\n^FO%d,%d^GB%d,%d,%d^FS\n^FO%d,%d^GB%d,%d,%d^FS",
				x, y-it.Bearer, w, it.Bearer, it.Bearer, x, y+h, w, it.Bearer, it.Bearer)
		}
	case label.Codabar:
		d := it.Data
		cmd = fmt.Sprintf("^FO%d,%d^BY%d,2.0^BKN,N,%d,N,N,%c,%c^FD%s^FS", x, y, m, h, d[0], d[len(d)-1], d[1:len(d)-1])
	case label.PDF417:
		cols, rows := it.Symbol.PDF417Size()
		cmd = fmt.Sprintf("^FO%d,%d^BY%d^B7N,%d,%d,%d,%d,N%s", x, y, m, m*raster.PDF417RowModules, it.ECC, cols, rows, fieldData(it.Data))
	case label.Aztec:
		layers, compact := it.Symbol.AztecLayers()
		if layers == 0 {
			return ""
		}
		ec := 200 + layers
		if compact {
			ec = 100 + layers
		}
		cmd = fmt.Sprintf("^FO%d,%d^BON,%d,N,%d,N,1%s", x, y, m, ec, fieldData(it.Data))
	default:
		return ""
	}
	return withHRI(it, cmd)
}
