package tspl

import (
	"context"
	"fmt"
	"image"
	"strconv"
	"strings"
	"testing"

	"github.com/labelbridge/labelbridge/printing/label"
	"github.com/labelbridge/labelbridge/printing/raster"
	"github.com/labelbridge/labelbridge/printing/raster/rastertest"
)

// TestNativeMatchesPreview redraws our TSPL as the TSPL manual defines its
// commands (BITMAP, BAR, ERASE, REVERSE, and BARCODE bars from the
// command's own type, data, narrow bar and height) and compares it with
// the preview dot for dot; text, rounded corners, ellipses and 2D codes,
// which the printer draws itself, are checked for position and size only.
func TestNativeMatchesPreview(t *testing.T) {
	labels := rastertest.GoldenLabels(t)
	for _, name := range rastertest.SortedNames(labels) {
		for _, dpi := range []int{203, 300} {
			t.Run(fmt.Sprintf("%s/%d", name, dpi), func(t *testing.T) {
				p, err := raster.Layout(context.Background(), labels[name], Options{DPI: dpi})
				if err != nil {
					t.Fatal(err)
				}
				out, err := EncodePlan(p, false)
				if err != nil {
					t.Fatal(err)
				}
				got := parse(t, out, p.Width, p.Height)
				nc := rastertest.NewNativeCanvas(p)
				nc.Canvas = got.canvas
				for _, c := range got.commands {
					redraw(t, nc, c)
				}
				nc.Check(t)
			})
		}
	}
}

var tsplSymbology = map[string]string{
	"128": label.Code128, "39": label.Code39, "EAN13": label.EAN13, "UPCA": label.UPCA,
	"EAN8": label.EAN8, "UPCE": label.UPCE, "25": label.ITF14, "CODA": label.Codabar,
}

// wideRatio is the wide-to-narrow ratio we draw, per TSPL type.
var wideRatio = map[string]int{"39": raster.Code39Ratio, "25": 3, "CODA": 2}

func redraw(t *testing.T, nc *rastertest.NativeCanvas, cmd string) {
	t.Helper()
	verb, rest, _ := strings.Cut(cmd, " ")
	a := rastertest.SplitArgs(rest)
	n := func(i int) int {
		v, err := strconv.Atoi(strings.TrimSpace(a[i]))
		if err != nil {
			t.Fatalf("%s: argument %d: %v", cmd, i, err)
		}
		return v
	}
	switch verb {
	case "DENSITY", "SPEED", "GAP", "BLINE", "SET", "REFERENCE", "SHIFT", "DIRECTION", "CLS", "CODEPAGE", "":
	case "BAR":
		nc.Fill(image.Rect(n(0), n(1), n(0)+n(2), n(1)+n(3)))
	case "ERASE":
		nc.Clear(image.Rect(n(0), n(1), n(0)+n(2), n(1)+n(3)))
	case "REVERSE":
		nc.Invert(image.Rect(n(0), n(1), n(0)+n(2), n(1)+n(3)))
	case "BOX":
		it := nc.MaskItemAt(t, cmd, n(0), n(1))
		if it != nil && (image.Rect(n(0), n(1), n(2)+1, n(3)+1) != it.Bounds || n(4) != it.Thickness) {
			t.Errorf("%s: want the box %v, thickness %d", cmd, it.Bounds, it.Thickness)
		}
		if it != nil && len(a) > 5 && n(5) != it.Radius {
			t.Errorf("%s: radius %d, want %d", cmd, n(5), it.Radius)
		}
	case "CIRCLE", "ELLIPSE":
		it := nc.MaskItemAt(t, cmd, n(0), n(1))
		w, h := n(2), n(2)
		if verb == "ELLIPSE" {
			h = n(3)
		}
		if it != nil && image.Rect(n(0), n(1), n(0)+w, n(1)+h) != it.Bounds {
			t.Errorf("%s: want the bounds %v", cmd, it.Bounds)
		}
	case "TEXT":
		it := nc.MaskTypeAt(t, cmd, n(0), n(1)+1, label.TypeText)
		if it != nil && !strings.Contains(it.Text, strings.ReplaceAll(a[6], `\[]`, `"`)) {
			t.Errorf("%s: not the text of elements[%d]", cmd, it.Index)
		}
	case "QRCODE", "DMATRIX", "PDF417":
		it := nc.MaskItemAt(t, cmd, n(0), n(1))
		if it == nil {
			return
		}
		switch verb {
		case "QRCODE":
			if a[2] != string("LMQH"[it.ECC&3]) || n(3) != it.Module {
				t.Errorf("%s: want ecc %c, cell %d", cmd, "LMQH"[it.ECC&3], it.Module)
			}
		case "PDF417":
			cols, rows := it.Symbol.PDF417Size()
			want := fmt.Sprintf("E%d W%d H%d R%d C%d", it.ECC, it.Module, 2*it.Module, rows, cols)
			if got := strings.Join(a[5:10], " "); got != want {
				t.Errorf("%s: options %q, want %q", cmd, got, want)
			}
		}
	case "BARCODE":
		typ := a[2]
		sym, ok := tsplSymbology[typ]
		if !ok {
			t.Errorf("%s: unknown type", cmd)
			return
		}
		if r := wideRatio[typ]; r != 0 && n(7) != r*n(6) {
			t.Errorf("%s: wide %d is not %d× narrow %d (the preview's ratio)", cmd, n(7), r, n(6))
		}
		data := a[8]
		if typ == "UPCE" {
			data = "0" + data // TSPL's UPCE is number system 0
		}
		nc.Bars(t, cmd, sym, data, n(0), n(1), n(6), n(3))
		if n(4) != 0 {
			nc.MaskItemAt(t, cmd, n(0), n(1)) // the printer's own human-readable line
		}
	default:
		t.Errorf("unexpected command %q", cmd)
	}
}
