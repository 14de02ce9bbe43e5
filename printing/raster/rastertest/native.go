package rastertest

import (
	"fmt"
	"image"
	"strings"
	"testing"

	"github.com/labelbridge/labelbridge/printing/label"
	"github.com/labelbridge/labelbridge/printing/raster"
)

// NativeCanvas redraws an encoder's output for comparison with the
// preview: tests draw bitmap commands, fills, erases, inversions and 1D
// barcodes (from the command's own type, data, module and height) into
// Canvas, and mask what a printer draws with its own fonts and curves
// (text, rounded corners, ellipses, 2D codes) after checking those
// commands' geometry. Check then compares the rest dot for dot.
type NativeCanvas struct {
	Plan   *raster.Plan
	Canvas *raster.Bitmap
	masks  []image.Rectangle
	drawn  int // native commands redrawn
}

// NewNativeCanvas returns an empty canvas the size of p.
func NewNativeCanvas(p *raster.Plan) *NativeCanvas {
	return &NativeCanvas{Plan: p, Canvas: raster.NewBitmap(p.Width, p.Height)}
}

// Mask excludes r from the comparison.
func (n *NativeCanvas) Mask(r image.Rectangle) { n.masks = append(n.masks, r) }

// ItemAt returns the item whose bounds hold (x, y), the last one in
// drawing order (nil when none does).
func (n *NativeCanvas) ItemAt(x, y int) *raster.Item { return n.itemAt(x, y, "") }

// itemAt is ItemAt limited to one element type ("" for any).
func (n *NativeCanvas) itemAt(x, y int, typ string) *raster.Item {
	var found *raster.Item
	for _, it := range n.Plan.Items {
		if image.Pt(x, y).In(it.Bounds) && (typ == "" || it.Type == typ) {
			found = it
		}
	}
	return found
}

// MaskItemAt masks the bounds of the item at (x, y) and fails when a
// native command starts outside every item (it would draw where the layout
// reserved nothing).
func (n *NativeCanvas) MaskItemAt(t *testing.T, cmd string, x, y int) *raster.Item {
	t.Helper()
	return n.MaskTypeAt(t, cmd, x, y, "")
}

// MaskTypeAt is MaskItemAt for an item of one element type.
func (n *NativeCanvas) MaskTypeAt(t *testing.T, cmd string, x, y int, typ string) *raster.Item {
	t.Helper()
	it := n.itemAt(x, y, typ)
	if it == nil {
		t.Errorf("%s starts at (%d,%d), outside every element", clipCmd(cmd), x, y)
		return nil
	}
	n.Mask(it.Bounds)
	n.drawn++
	return it
}

// Bars draws a 1D barcode of symbology with data (normalised as the label
// model does: check digits added) at (x, y), module dots per module and
// height dots tall, and fails when it leaves the item reserved for it.
func (n *NativeCanvas) Bars(t *testing.T, cmd, symbology, data string, x, y, module, height int) {
	t.Helper()
	norm, err := label.NormalizeData(symbology, data)
	if err != nil {
		t.Errorf("%s: the data does not make a %s: %v", clipCmd(cmd), symbology, err)
		return
	}
	sym, err := raster.EncodeSymbol(symbology, norm)
	if err != nil {
		t.Errorf("%s: %v", clipCmd(cmd), err)
		return
	}
	r := image.Rect(x, y, x+sym.W*module, y+height)
	if it := n.ItemAt(x, y); it == nil || !r.In(it.Bounds) {
		t.Errorf("%s: the bars %v leave the space the layout reserved", clipCmd(cmd), r)
	}
	for mx := 0; mx < sym.W; mx++ {
		if sym.Dark(mx, 0) {
			n.Canvas.FillRect(image.Rect(x+mx*module, y, x+(mx+1)*module, y+height))
		}
	}
	n.drawn++
}

// Fill, Clear and Invert apply a rectangle command.
func (n *NativeCanvas) Fill(r image.Rectangle) { n.Canvas.FillRect(r); n.drawn++ }

// Clear makes r white.
func (n *NativeCanvas) Clear(r image.Rectangle) { n.Canvas.ClearRect(r); n.drawn++ }

// Invert inverts r.
func (n *NativeCanvas) Invert(r image.Rectangle) {
	inv := raster.NewBitmap(r.Dx(), r.Dy())
	inv.FillRect(inv.Rect())
	n.Canvas.Xor(inv, r.Min)
	n.drawn++
}

// Check compares the canvas with the preview outside the masks and
// returns how many native commands were redrawn or checked.
func (n *NativeCanvas) Check(t *testing.T) int {
	t.Helper()
	want, err := n.Plan.Render()
	if err != nil {
		t.Fatal(err)
	}
	bad := 0
	var first image.Point
	for y := 0; y < want.H; y++ {
		for x := 0; x < want.W; x++ {
			if n.Canvas.Get(x, y) == want.Get(x, y) || n.masked(x, y) {
				continue
			}
			if bad == 0 {
				first = image.Pt(x, y)
			}
			bad++
		}
	}
	if bad > 0 {
		t.Errorf("%d dots differ from the preview outside text, curves and 2D codes (first at %v, in %s)", bad, first, n.describe(first))
	}
	return n.drawn
}

func (n *NativeCanvas) masked(x, y int) bool {
	for _, r := range n.masks {
		if image.Pt(x, y).In(r) {
			return true
		}
	}
	return false
}

func (n *NativeCanvas) describe(p image.Point) string {
	if it := n.ItemAt(p.X, p.Y); it != nil {
		return fmt.Sprintf("elements[%d] %s %s", it.Index, it.Type, it.Symbology)
	}
	return "no element"
}

// SplitArgs splits a command's comma-separated arguments, keeping quoted
// strings whole (quotes removed).
func SplitArgs(s string) []string {
	var out []string
	var b strings.Builder
	quoted := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			quoted = !quoted
		case c == ',' && !quoted:
			out = append(out, b.String())
			b.Reset()
		default:
			b.WriteByte(c)
		}
	}
	return append(out, b.String())
}

func clipCmd(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}
