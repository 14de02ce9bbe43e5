package raster

import (
	"context"
	"fmt"
	"image"
	"strings"
	"testing"

	"github.com/labelbridge/labelbridge/printing/label"
)

// layoutOne lays out a label holding one element at dpi and returns its
// item and its drawn bitmap (placed on the label).
func layoutOne(t *testing.T, e label.Element, dpi int) (*Item, *Bitmap) {
	t.Helper()
	l := &label.Label{Width: 100, Height: 60, Elements: []label.Element{e}}
	if err := l.Validate(); err != nil {
		t.Fatalf("validate: %v", err)
	}
	p, err := Layout(context.Background(), l, Options{DPI: dpi})
	if err != nil {
		t.Fatalf("layout: %v", err)
	}
	img, err := p.Render()
	if err != nil {
		t.Fatal(err)
	}
	return p.Items[0], img
}

// lineInk returns the ink extents of each laid-out line of it (rows from
// its line box's top to the next line's top).
func lineInk(it *Item, img *Bitmap) []image.Rectangle {
	var out []image.Rectangle
	for i, ln := range it.Lines {
		top := it.Bounds.Min.Y + it.TextOrigin.Y + ln.Top
		bottom := it.Bounds.Max.Y
		if i+1 < len(it.Lines) {
			bottom = it.Bounds.Min.Y + it.TextOrigin.Y + it.Lines[i+1].Top
		}
		r := image.Rect(it.Bounds.Min.X, top, it.Bounds.Max.X, bottom).Intersect(img.Rect())
		out = append(out, img.Sub(r).InkBounds().Add(r.Min))
	}
	return out
}

func lineText(ln TextLine) string {
	var parts []string
	for _, p := range ln.Pieces {
		parts = append(parts, p.Text)
	}
	return strings.Join(parts, " ")
}

const latin = "Wrapped product name that needs several lines in its box, aligned as asked"

// TestTextBoxAlignDots: every line is placed by its advance width exactly
// where its alignment puts it, in dots, at 203 and 300 dpi, and its ink
// follows (the first and last glyphs' side bearings, at most 15 % of the
// cap height, lie between the box edge and the ink).
func TestTextBoxAlignDots(t *testing.T) {
	for _, dpi := range []int{203, 300} {
		slack := int(float64(dpi)*3/25.4*0.15 + 1)
		for _, align := range []string{"left", "center", "right", "justify"} {
			t.Run(fmt.Sprintf("%d/%s", dpi, align), func(t *testing.T) {
				e := label.Element{Type: "text", X: 10, Y: 5, Width: 50, Text: latin, Size: 3, Font: "go", Align: align}
				it, img := layoutOne(t, e, dpi)
				x0 := it.Bounds.Min.X
				x1 := x0 + int(float64(dpi)*50/25.4+0.5)
				if len(it.Lines) < 3 {
					t.Fatalf("%d lines, want at least 3", len(it.Lines))
				}
				boxW := x1 - x0
				for i, ln := range it.Lines {
					first, end := ln.Pieces[0], ln.Pieces[len(ln.Pieces)-1]
					w := end.X + end.W - first.X
					var ok bool
					switch {
					case align == "left" || (align == "justify" && i == len(it.Lines)-1):
						ok = first.X == 0
					case align == "right":
						ok = end.X+end.W == boxW
					case align == "center":
						ok = first.X == (boxW-w)/2
					case align == "justify":
						ok = first.X == 0 && end.X+end.W == boxW && len(ln.Pieces) > 1
					}
					if !ok || w > boxW {
						t.Errorf("line %d %q: pieces %+v are not %s-aligned in %d dots", i, lineText(ln), ln.Pieces, align, boxW)
					}
				}
				for i, ink := range lineInk(it, img) {
					last := i == len(it.Lines)-1
					if ink.Empty() || ink.Min.X < x0 || ink.Max.X > x1+1 {
						t.Fatalf("line %d ink %v leaves the box [%d,%d)", i, ink, x0, x1)
					}
					left, right := ink.Min.X-x0, x1-ink.Max.X
					switch {
					case align == "left" || (align == "justify" && last):
						if left > slack {
							t.Errorf("line %d starts %d dots from the left edge", i, left)
						}
					case align == "right":
						if right > slack {
							t.Errorf("line %d ends %d dots from the right edge", i, right)
						}
					case align == "center":
						if d := left - right; d > slack || d < -slack {
							t.Errorf("line %d is off centre: %d dots left, %d right", i, left, right)
						}
					case align == "justify":
						if left > slack || right > slack {
							t.Errorf("justified line %d: %d dots left, %d right", i, left, right)
						}
					}
				}
			})
		}
	}
}

// TestTextBoxVerticalAlign: the block of lines sits at the top, middle or
// bottom of the box, in dots.
func TestTextBoxVerticalAlign(t *testing.T) {
	for _, dpi := range []int{203, 300} {
		for _, va := range []string{"top", "middle", "bottom"} {
			t.Run(fmt.Sprintf("%d/%s", dpi, va), func(t *testing.T) {
				e := label.Element{Type: "text", X: 10, Y: 5, Width: 50, Height: 30, Text: "Two lines of text in a tall box", Size: 3, Font: "go", VerticalAlign: va}
				it, _ := layoutOne(t, e, dpi)
				boxH := int(float64(dpi)*30/25.4 + 0.5)
				_, lineH := LineMetrics(it.CapHeight)
				first, last := it.Lines[0], it.Lines[len(it.Lines)-1]
				above, below := first.Top, boxH-(last.Top+lineH)
				switch va {
				case "top":
					if above != 0 {
						t.Errorf("first line at %d, want 0", above)
					}
				case "middle":
					if d := above - below; d > 1 || d < -1 {
						t.Errorf("%d dots above, %d below", above, below)
					}
				case "bottom":
					if below != 0 {
						t.Errorf("%d dots below the last line", below)
					}
				}
			})
		}
	}
}

// TestTextBoxOverflow: maxLines, ellipsis, shrink to minSize and the
// errors when text does not fit.
func TestTextBoxOverflow(t *testing.T) {
	for _, dpi := range []int{203, 300} {
		t.Run(fmt.Sprint(dpi), func(t *testing.T) {
			e := label.Element{Type: "text", X: 10, Y: 5, Width: 40, Text: latin, Size: 3, Font: "go", MaxLines: 2, Overflow: "ellipsis"}
			it, img := layoutOne(t, e, dpi)
			if len(it.Lines) != 2 || !strings.HasSuffix(lineText(it.Lines[1]), "…") {
				t.Errorf("ellipsis: lines %+v", it.Lines)
			}
			for i, ink := range lineInk(it, img) {
				if ink.Max.X > it.Bounds.Min.X+int(float64(dpi)*40/25.4+0.5)+1 {
					t.Errorf("ellipsis line %d ink %v leaves the box", i, ink)
				}
			}
			e = label.Element{Type: "text", X: 10, Y: 5, Width: 40, Height: 5, Text: "Shrunk until it fits one line", Size: 4, Font: "go", Overflow: "shrink", MinSize: 1.5}
			it, _ = layoutOne(t, e, dpi)
			full := float64(dpi) * 4 / 25.4
			if len(it.Lines) != 1 || it.CapHeight >= full || it.CapHeight < float64(dpi)*1.5/25.4 {
				t.Errorf("shrink: %d lines at cap %.1f dots (size %.1f)", len(it.Lines), it.CapHeight, full)
			}
			for _, c := range []struct {
				e    label.Element
				want string
			}{
				{label.Element{Type: "text", Width: 40, MaxLines: 1, Text: latin, Size: 3, Font: "go"}, "maxLines is 1"},
				{label.Element{Type: "text", Width: 40, Height: 4, Text: latin, Size: 3, Font: "go"}, "tall"},
				{label.Element{Type: "text", Width: 40, Height: 4, Text: latin, Size: 3, Font: "go", Overflow: "shrink", MinSize: 2.5}, "minSize"},
				{label.Element{Type: "text", Width: 10, Wrap: "none", Text: "A line far wider than ten millimetres", Size: 3, Font: "go"}, "wider than the box"},
			} {
				l := &label.Label{Width: 100, Height: 60, Elements: []label.Element{c.e}}
				_, err := Layout(context.Background(), l, Options{DPI: dpi})
				if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "elements[0].text") {
					t.Errorf("%+v: error %v, want one naming elements[0].text and %q", c.e, err, c.want)
				}
			}
		})
	}
}

// TestTextBoxWrapRules: Korean breaks between words (inside one only when
// it is longer than the line), char wrap never starts a line with closing
// punctuation.
func TestTextBoxWrapRules(t *testing.T) {
	requireKoreanFont(t)
	for _, dpi := range []int{203, 300} {
		t.Run(fmt.Sprint(dpi), func(t *testing.T) {
			text := "서울특별시 강남구 테헤란로 123 물류센터 입고 검수 완료"
			it, _ := layoutOne(t, label.Element{Type: "text", X: 5, Y: 5, Width: 30, Text: text, Size: 3}, dpi)
			words := map[string]bool{}
			for _, w := range strings.Fields(text) {
				words[w] = true
			}
			if len(it.Lines) < 2 {
				t.Fatalf("%d lines, want several", len(it.Lines))
			}
			for i, ln := range it.Lines {
				for _, w := range strings.Fields(lineText(ln)) {
					if !words[w] {
						t.Errorf("line %d %q breaks inside the word %q", i, lineText(ln), w)
					}
				}
			}
			long := "가나다라마바사아자차카타파하가나다라마바사아자차카타파하"
			it, _ = layoutOne(t, label.Element{Type: "text", X: 5, Y: 5, Width: 30, Text: long, Size: 3}, dpi)
			if len(it.Lines) < 2 {
				t.Errorf("a word longer than the line must break inside: %d lines", len(it.Lines))
			}
			punct := "가나다라마바사아자차카타파하.가나다라,마바사아자차카타파하)가나다라마바사!"
			for _, w := range []float64{20, 21, 22, 23, 24, 25} {
				it, _ = layoutOne(t, label.Element{Type: "text", X: 5, Y: 5, Width: w, Text: punct, Size: 3, Wrap: "char"}, dpi)
				for i, ln := range it.Lines[1:] {
					if s := lineText(ln); s != "" && strings.ContainsRune(".,)!", []rune(s)[0]) {
						t.Errorf("width %g: line %d starts with closing punctuation: %q", w, i+1, s)
					}
				}
			}
		})
	}
}
