package epl

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

// TestNativeMatchesPreview redraws our EPL2 as the EPL2 manual defines its
// commands (GW, LO, LW, LE, and B bars from the command's own type, data,
// narrow bar and height) and compares it with the preview dot for dot;
// resident-font text (A) is checked to start inside its element and to
// fit its box by the font's cell width.
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
					redraw(t, nc, c, dpi)
				}
				nc.Check(t)
			})
		}
	}
}

var eplSymbology = map[string]string{
	"1": label.Code128, "3": label.Code39, "E30": label.EAN13, "UA0": label.UPCA,
	"E80": label.EAN8, "UE0": label.UPCE, "2": label.ITF14, "K": label.Codabar,
}

var wideRatio = map[string]int{"3": raster.Code39Ratio, "2": 3, "K": 2}

func redraw(t *testing.T, nc *rastertest.NativeCanvas, cmd string, dpi int) {
	t.Helper()
	if cmd == "" || cmd == "N" || cmd[0] == 'P' || cmd[0] == 'Q' || cmd[0] == 'q' || cmd[0] == 'D' ||
		cmd[0] == 'S' || cmd[0] == 'O' || cmd[0] == 'R' || cmd[0] == 'I' {
		return // print, media and printer settings
	}
	verb := cmd[:1]
	if cmd[0] == 'L' {
		verb = cmd[:2]
	}
	a := rastertest.SplitArgs(cmd[len(verb):])
	n := func(i int) int {
		v, err := strconv.Atoi(strings.TrimSpace(a[i]))
		if err != nil {
			t.Fatalf("%s: argument %d: %v", cmd, i, err)
		}
		return v
	}
	switch verb {
	case "LO":
		nc.Fill(image.Rect(n(0), n(1), n(0)+n(2), n(1)+n(3)))
	case "LW":
		nc.Clear(image.Rect(n(0), n(1), n(0)+n(2), n(1)+n(3)))
	case "LE":
		nc.Invert(image.Rect(n(0), n(1), n(0)+n(2), n(1)+n(3)))
	case "X":
		it := nc.MaskItemAt(t, cmd, n(0), n(1))
		if it != nil && (image.Rect(n(0), n(1), n(3), n(4)) != it.Bounds || n(2) != it.Thickness) {
			t.Errorf("%s: want the box %v, thickness %d", cmd, it.Bounds, it.Thickness)
		}
	case "A":
		// The resident font's cell starts above our line box: find the
		// text element by its text and left edge.
		text := cmd[strings.Index(cmd, `,N,"`)+4 : len(cmd)-1]
		text = strings.NewReplacer(`\"`, `"`, `\\`, `\`).Replace(text)
		var it *raster.Item
		for _, c := range nc.Plan.Items {
			if c.Type == label.TypeText && strings.Contains(c.Text, text) && n(0) >= c.Bounds.Min.X && n(0) < c.Bounds.Max.X {
				it = c
			}
		}
		if it == nil {
			t.Errorf("%s: no text element holds this text where it starts", cmd)
			return
		}
		nc.Mask(it.Bounds)
		if it.TextBox {
			w := len(text) * cellWidths[dpi >= 250][n(3)-1] * n(4)
			if n(0)+w > it.Bounds.Max.X {
				t.Errorf("%s: %d dots wide, past the box's right edge %d", cmd, w, it.Bounds.Max.X)
			}
		}
	case "B":
		typ := a[3]
		sym, ok := eplSymbology[typ]
		if !ok {
			t.Errorf("%s: unknown type", cmd)
			return
		}
		if r := wideRatio[typ]; r != 0 && n(5) != r*n(4) {
			t.Errorf("%s: wide %d is not %d× narrow %d (the preview's ratio)", cmd, n(5), r, n(4))
		}
		data := a[8]
		if typ == "UE0" {
			data = "0" + data
		}
		nc.Bars(t, cmd, sym, data, n(0), n(1), n(4), n(6))
		if a[7] == "B" {
			nc.MaskItemAt(t, cmd, n(0), n(1)) // the printer's own human-readable line
		}
	default:
		t.Errorf("unexpected command %q", cmd)
	}
}
