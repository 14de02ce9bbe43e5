package raster

import (
	"fmt"
	"testing"

	"github.com/go-text/typesetting/harfbuzz"
	"golang.org/x/image/math/fixed"

	"github.com/labelbridge/labelbridge/printing/label"
)

// tallInk is text whose ink reaches past the line box: a Thai tone mark
// over an upper vowel on a tall consonant (above 1.3 × size), Arabic jeem
// and ain descenders (below 0.45 × size).
var tallInk = []struct{ name, font, text string }{
	{"thai", notoThai, "ปั้ ฟื้ ฝั่ง"},
	{"arabic", notoArabic, "جيج ع"},
}

// TestTallInkMatchesHBView: text whose ink reaches past the line box keeps
// all of it: its ink extends as far above and below the baseline as
// hb-view's (within a dot), and it agrees with hb-view's dots.
func TestTallInkMatchesHBView(t *testing.T) {
	t.Parallel()
	requireFiles(t, "hb-view", notoArabic, notoThai)
	for _, tc := range tallInk {
		t.Run(tc.name, func(t *testing.T) {
			f := fileFace(t, tc.font)
			const ppem = 48
			capH := ppem * f.capRatio
			fs := &FontSet{sources: []fontSource{{path: tc.font}}, noColour: true}
			ours, at, err := RenderText(tc.text, capH, fs, "text")
			if err != nil {
				t.Fatal(err)
			}
			asc, lineH := LineMetrics(capH)
			if at.Y == 0 && ours.H <= lineH {
				t.Fatalf("ink stays inside the line box (%d×%d, origin %v): the case tests nothing", ours.W, ours.H, at)
			}
			ref := hbView(t, tc.font, tc.text, ppem)
			f.mu.Lock()
			ext := f.hb.ExtentsForDirection(harfbuzz.LeftToRight)
			f.mu.Unlock()
			refBase := scaleFU(int(ext.Ascender), fixed.I(ppem), int(f.gt.Upem())).Round()
			ourBase := at.Y + asc
			oi, ri := ours.InkBounds(), ref.InkBounds()
			if d := (oi.Min.Y - ourBase) - (ri.Min.Y - refBase); d < -1 || d > 1 {
				t.Errorf("ink top %d dots from the baseline, hb-view %d", oi.Min.Y-ourBase, ri.Min.Y-refBase)
			}
			if d := (oi.Max.Y - ourBase) - (ri.Max.Y - refBase); d < -1 || d > 1 {
				t.Errorf("ink bottom %d dots from the baseline, hb-view %d", oi.Max.Y-ourBase, ri.Max.Y-refBase)
			}
			if d := dice(ours, ref, ourBase, refBase); d < 0.9 {
				t.Errorf("ink agrees with hb-view only %.2f (Dice), want ≥ 0.90", d)
			}
		})
	}
}

// TestTallInkOnLabel: on a label, in a plain text element at every
// rotation and in a text box, every dot of such text prints (as many as
// RenderText draws), and the line box stays where the element puts it.
func TestTallInkOnLabel(t *testing.T) {
	t.Parallel()
	requireFiles(t, notoArabic, notoThai)
	for _, tc := range tallInk {
		for _, rot := range []int{0, 90, 180, 270, -1} {
			t.Run(fmt.Sprintf("%s/%d", tc.name, rot), func(t *testing.T) {
				e := label.Element{Type: "text", X: 30, Y: 20, Text: tc.text, Size: 4, Font: tc.font}
				if rot >= 0 {
					e.Rotation = rot
				} else {
					e.Width = 60 // a text box
				}
				it, img := layoutOne(t, e, 203)
				want, _, err := RenderText(tc.text, it.CapHeight, NewFontSet(tc.font, nil), "text")
				if err != nil {
					t.Fatal(err)
				}
				if got := img.InkCount(); got != want.InkCount() {
					t.Errorf("label prints %d dots of the text, RenderText draws %d", got, want.InkCount())
				}
				x, y := 240, 160 // 30 mm, 20 mm at 203 dpi
				ink := img.InkBounds()
				switch rot {
				case 0, -1: // ink above y (Thai) or below the line box (Arabic)
					_, lineH := LineMetrics(it.CapHeight)
					if ink.Min.Y >= y && ink.Max.Y <= y+lineH {
						t.Errorf("ink %v inside the line box at y=%d: nothing reached past it", ink, y)
					}
					if ink.Min.X < x-2 {
						t.Errorf("ink %v starts left of x=%d", ink, x)
					}
				case 90: // the line box's top is on the right, from (x, y)
					if ink.Min.Y < y-2 {
						t.Errorf("ink %v starts above y=%d", ink, y)
					}
				}
			})
		}
	}
}
