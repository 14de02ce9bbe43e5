package raster

import (
	"context"
	"image"
	"strings"
	"testing"

	"github.com/boombuler/barcode/code128"

	"github.com/labelbridge/labelbridge/printing/label"
)

func oneBarcode(t *testing.T, dpi int, e label.Element) *Item {
	t.Helper()
	e.Type = label.TypeBarcode
	l := &label.Label{Width: 100, Height: 60, Elements: []label.Element{e}}
	if err := l.Validate(); err != nil {
		t.Fatal(err)
	}
	p, err := Layout(context.Background(), l, Options{DPI: dpi})
	if err != nil {
		t.Fatal(err)
	}
	return p.Items[0]
}

// TestCode128PatternsMatchBoombuler checks our codeword patterns and
// check character against github.com/boombuler/barcode where both pack
// alike (code set B only, code set C only, FNC1 in C).
func TestCode128PatternsMatchBoombuler(t *testing.T) {
	for v, p := range code128Patterns {
		sum := 0
		for _, c := range p {
			sum += int(c - '0')
		}
		if want := map[bool]int{true: 13, false: 11}[v == c128Stop]; sum != want {
			t.Errorf("pattern %d %s is %d modules, want %d", v, p, sum, want)
		}
	}
	for _, data := range []string{" !\"#$%&'()*+,-./:;<=>?@", "ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`", "abcdefghijklmnopqrstuvwxyz{|}~", "A1B2C3",
		"12345678", "00998877665544332211", string(code128.FNC1) + "0109501101530003"} {
		want, err := code128.Encode(data)
		if err != nil {
			t.Fatal(err)
		}
		got, err := encode128(data)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for x := 0; x < want.Bounds().Dx(); x++ {
			if r, _, _, _ := want.At(x, 0).RGBA(); r == 0 {
				b.WriteByte('1')
			} else {
				b.WriteByte('0')
			}
		}
		if string(got) != b.String() {
			t.Errorf("%q:\n got %s\nwant %s", data, got, b.String())
		}
	}
}

// TestCode128Packing checks the code sets chosen (zxing's rules, which
// zebrash's ^BC automatic mode follows) and that, for printable data, they
// are never wider than boombuler's (with control characters zxing's rules
// can be a codeword wider: that is the packing ZPL printers draw).
func TestCode128Packing(t *testing.T) {
	f := string(Code128FNC1)
	for _, c := range []struct{ in, sets string }{
		{"ABC", "B"},
		{"12", "C"},
		{"123", "CB"},
		{"AB1234", "BC"},
		{"AB12345", "B"}, // odd run: the first digit in B, then C
		{"1234AB", "CB"},
		{"A\tb", "BAB"},
		{f + "10AB12", "CB"},
	} {
		ops, err := Code128Pack(c.in)
		if err != nil {
			t.Fatal(err)
		}
		var sets string
		for _, op := range ops {
			if op.Set != 0 {
				sets += string(op.Set)
			}
		}
		if c.in == "AB12345" {
			sets = strings.TrimSuffix(sets, "C") // B … C: switched after the odd digit
		}
		if sets != c.sets {
			t.Errorf("%q: code sets %q, want %q", c.in, sets, c.sets)
		}
		bb, err := code128.Encode(c.in)
		if err != nil || strings.ContainsRune(c.in, '\t') {
			continue
		}
		if ours, _ := encode128(c.in); len(ours) > bb.Bounds().Dx() {
			t.Errorf("%q: %d modules, boombuler %d", c.in, len(ours), bb.Bounds().Dx())
		}
	}
	if _, err := Code128Pack("é"); err == nil {
		t.Error("non-ASCII: want an error")
	}
	for in, want := range map[string]bool{"ABC-1-2": true, "ABC-12": false, "A\tB": false, f + "A": false, "a{b": true} {
		if got := Code128Fixed(in); got != want {
			t.Errorf("Code128Fixed(%q) = %v, want %v", in, got, want)
		}
	}
}

// TestSymbolParts checks what the printed geometry model lays out: EAN-13
// and UPC-A in the standard layout, Code 39's asterisks, the line growing
// with the module, bars moved right when the line is wider than them.
func TestSymbolParts(t *testing.T) {
	t.Run("ean13", func(t *testing.T) {
		it := oneBarcode(t, 203, label.Element{Symbology: label.EAN13, X: 10, Y: 5, Data: "590123412345", Module: 0.25, Height: 10})
		pt := it.Parts
		if len(pt.Texts) != 3 || pt.Texts[0].Text != "5" || pt.Texts[1].Text != "901234" || pt.Texts[2].Text != "123457" {
			t.Fatalf("digit groups %+v", pt.Texts)
		}
		if pt.Texts[0].Rect.Max.X > pt.Bars.Min.X || pt.Bars.Min.X == 0 {
			t.Errorf("first digit %v is not left of the bars %v", pt.Texts[0].Rect, pt.Bars)
		}
		if it.BarsBounds().Min.X != it.Bounds.Min.X+pt.Bars.Min.X {
			t.Errorf("BarsBounds %v, bounds %v, bars %v", it.BarsBounds(), it.Bounds, pt.Bars)
		}
		m := it.Module
		if len(pt.Guards) != 6 { // 101, 01010, 101
			t.Errorf("%d guard bars, want 6", len(pt.Guards))
		}
		for _, g := range pt.Guards {
			if g.Min.Y != pt.Bars.Max.Y || g.Dy() != GuardModules*m {
				t.Errorf("guard %v below bars %v", g, pt.Bars)
			}
		}
		mid := pt.Bars.Min.X + 47*m // the middle of the centre guard
		if pt.Texts[1].Rect.Max.X > mid || pt.Texts[2].Rect.Min.X < mid {
			t.Errorf("digit groups %v %v straddle the centre guard at %d", pt.Texts[1].Rect, pt.Texts[2].Rect, mid)
		}
	})
	t.Run("upca", func(t *testing.T) {
		it := oneBarcode(t, 203, label.Element{Symbology: label.UPCA, X: 10, Y: 5, Data: "03600029145", Module: 0.25, Height: 10})
		var got []string
		for _, p := range it.Parts.Texts {
			got = append(got, p.Text)
		}
		if strings.Join(got, " ") != "0 36000 29145 2" {
			t.Errorf("UPC-A groups %q", got)
		}
		last := it.Parts.Texts[3].Rect
		if last.Min.X < it.Parts.Bars.Max.X || it.Bounds.Dx() != last.Max.X {
			t.Errorf("check digit %v not right of the bars %v (item %d wide)", last, it.Parts.Bars, it.Bounds.Dx())
		}
	})
	t.Run("code39", func(t *testing.T) {
		it := oneBarcode(t, 203, label.Element{Symbology: label.Code39, X: 10, Y: 5, Data: "AB-1", Height: 10})
		if len(it.Parts.Texts) != 1 || it.Parts.Texts[0].Text != "*AB-1*" {
			t.Errorf("Code 39 line %+v, want *AB-1*", it.Parts.Texts)
		}
	})
	t.Run("grows with the module", func(t *testing.T) {
		for _, c := range []struct {
			dpi    int
			module float64
			cap    float64
		}{{203, 0.25, 14}, {203, 0.375, 21}, {203, 0.75, 42}, {300, 0.125, 19}, {300, 0.5, 42}} {
			it := oneBarcode(t, c.dpi, label.Element{Symbology: label.Code128, X: 2, Y: 2, Data: "7", Module: c.module, Height: 10})
			if it.HRICap != c.cap {
				t.Errorf("%d dpi, module %.3f mm: cap %.0f, want %.0f", c.dpi, c.module, it.HRICap, c.cap)
			}
			tr := it.Parts.Texts[0].Rect
			if it.Bounds.Dy() != tr.Max.Y || !tr.In(image.Rect(0, 0, it.Bounds.Dx(), it.Bounds.Dy())) {
				t.Errorf("line %v not inside the item %v", tr, it.Bounds)
			}
		}
	})
	t.Run("line wider than the bars", func(t *testing.T) {
		it := oneBarcode(t, 203, label.Element{Symbology: label.Code128, X: 2, Y: 2, Data: "WWWWWW", Module: 0.125, Height: 10})
		tr := it.Parts.Texts[0].Rect
		if tr.Min.X != 0 || it.Parts.Bars.Min.X <= 0 || it.Bounds.Dx() != tr.Dx() {
			t.Errorf("line %v, bars %v, item %v: the item must hold the whole line", tr, it.Parts.Bars, it.Bounds)
		}
	})
	t.Run("rotated", func(t *testing.T) {
		it := oneBarcode(t, 203, label.Element{Symbology: label.Code128, X: 10, Y: 5, Data: "R90", Height: 10, Rotation: 90})
		bars, hri := it.BarsBounds(), it.HRIBounds()
		// Turned clockwise, the line (below the bars) is on their left.
		if len(hri) != 1 || hri[0].Max.X > bars.Min.X || bars.Max.X != it.Bounds.Max.X || hri[0].Min.X != it.Bounds.Min.X {
			t.Errorf("bars %v, line %v, item %v", bars, hri, it.Bounds)
		}
		b, at, err := it.HRIBitmap()
		if err != nil || b == nil {
			t.Fatal(err)
		}
		if r := image.Rect(0, 0, b.W, b.H).Add(at).Add(it.Bounds.Min); !hri[0].In(r) || r.Overlaps(bars) {
			t.Errorf("line bitmap at %v, line %v, bars %v", r, hri[0], bars)
		}
	})
}
