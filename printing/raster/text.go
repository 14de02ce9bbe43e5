package raster

import (
	"image"
	"math"
	"strings"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/unicode/norm"

	"github.com/labelbridge/labelbridge/printing/label"
)

// Text line geometry, as multiples of the cap height: a line box is
// LineAscent above the baseline and LineDescent below it. Element y is the
// top of the first line box, so "size" (cap height) and position do not
// depend on which font ends up drawing the text.
const (
	LineAscent  = 1.30
	LineDescent = 0.45
)

// LineMetrics returns the ascent (top of line box to baseline) and the line
// height in dots for a cap height in dots.
func LineMetrics(capHeight float64) (ascent, lineHeight int) {
	ascent = int(math.Ceil(capHeight * LineAscent))
	lineHeight = ascent + int(math.Ceil(capHeight*LineDescent))
	return ascent, lineHeight
}

// NormalizeText returns text in NFC with tabs as spaces and CR dropped, the
// form that is drawn and sent to printers.
func NormalizeText(s string) string {
	s = norm.NFC.String(s)
	if strings.ContainsAny(s, "\t\r") {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.NewReplacer("\t", " ", "\r", "\n").Replace(s)
	}
	return s
}

// RenderText draws text (already NFC; '\n' separates lines) with its cap
// height in dots, one face per character from fs, thresholded at 50% (not
// dithered). The line boxes are as wide as the widest line's advance and
// LineMetrics' line height times the number of lines tall; ink reaching
// past them (tall mark stacks, deep descenders, overhangs) widens the
// bitmap, and origin is where the line boxes' top left corner is in it. A
// character no font covers is a font_missing error naming field.
func RenderText(text string, capHeight float64, fs *FontSet, field string) (b *Bitmap, origin image.Point, err error) {
	tl, err := measureText(text, capHeight, fs, field)
	if err != nil {
		return nil, image.Point{}, err
	}
	tl.keepInk()
	b, err = tl.draw(nil, field)
	return b, tl.origin(), err
}

// textLayout is text measured (faces chosen, lines shaped) but not drawn.
type textLayout struct {
	lines         []shapedLine
	w, h          int
	ascent, lineH int
	glyphDots     int64 // sum of the glyph masks' areas the rasteriser fills
	embolden      int   // synthetic bold: ink smeared this many dots right
	// ink is the glyphs' ink box relative to the line boxes' top left
	// (it may reach past them: Thai tone marks over upper vowels, Arabic
	// descenders). margin is how far the drawn bitmap extends past the
	// line boxes on each side: zero (ink past them cut) until keepInk.
	ink    image.Rectangle
	margin image.Rectangle // Min: left, top; Max: right, bottom (all ≥ 0)
}

// keepInk makes draw keep all of the glyphs' ink: the bitmap grows by
// margin around the line boxes.
func (tl *textLayout) keepInk() {
	box := image.Rect(0, 0, tl.w, tl.h)
	if tl.ink.Empty() || tl.ink.In(box) {
		return
	}
	// (not image.Rect, which would swap the sides)
	tl.margin = image.Rectangle{Min: image.Pt(max(0, -tl.ink.Min.X), max(0, -tl.ink.Min.Y)),
		Max: image.Pt(max(0, tl.ink.Max.X-tl.w), max(0, tl.ink.Max.Y-tl.h))}
}

// origin is where the line boxes' top left corner is in the drawn bitmap.
func (tl *textLayout) origin() image.Point { return tl.margin.Min }

// size is the drawn bitmap's size (line boxes plus margins).
func (tl *textLayout) size() (int, int) {
	return tl.w + tl.margin.Min.X + tl.margin.Max.X, tl.h + tl.margin.Min.Y + tl.margin.Max.Y
}

// cost is the work (dots) drawing the text takes: the canvas, its
// thresholding and every glyph mask (stacked combining marks each cost a
// mask of their own, so zalgo text is not cheap just because it is narrow).
func (tl *textLayout) cost() int64 {
	w, h := tl.size()
	return 2*int64(w)*int64(h) + tl.glyphDots
}

// measureText chooses faces and measures text without drawing it.
func measureText(text string, capHeight float64, fs *FontSet, field string) (*textLayout, error) {
	return measureTextStyle(text, capHeight, fs, field, textStyle{})
}

// measureTextStyle is measureText with a style (bold: the bold face of
// each font where one exists, else synthetic emboldening). Each line is
// shaped (shape.go): bidi runs in visual order, HarfBuzz glyphs.
func measureTextStyle(text string, capHeight float64, fs *FontSet, field string, st textStyle) (*textLayout, error) {
	if capHeight < 1 {
		capHeight = 1
	}
	ascent, lineH := LineMetrics(capHeight)
	lines := strings.Split(text, "\n")
	tl := &textLayout{ascent: ascent, lineH: lineH, lines: make([]shapedLine, len(lines))}
	width := fixed.Int26_6(0)
	var buf sfnt.Buffer
	for li, line := range lines {
		rs := []rune(line)
		faces, err := lineFaces(rs, fs, field)
		if err != nil {
			return nil, err
		}
		sl := shapeLine(rs, faces, capHeight, st.bold, nil)
		base := fixed.I(li*lineH + ascent)
		for _, run := range sl.runs {
			for _, g := range run.glyphs {
				if b, colour := glyphBounds(run.face, &buf, g.id, run.scale); b.Max.X > b.Min.X {
					b = b.Add(fixed.Point26_6{X: g.x, Y: base + g.y})
					tl.ink = tl.ink.Union(image.Rect(b.Min.X.Floor(), b.Min.Y.Floor(), b.Max.X.Ceil(), b.Max.Y.Ceil()))
					n := int64(b.Max.X.Ceil()-b.Min.X.Floor()+1) * int64(b.Max.Y.Ceil()-b.Min.Y.Floor()+1)
					if colour {
						n *= 8 // decode, scale and dither
					}
					tl.glyphDots += n
				}
			}
		}
		tl.lines[li] = sl
		if sl.width > width {
			width = sl.width
		}
	}
	if st.bold {
		tl.embolden = syntheticBold(fs, capHeight)
	}
	tl.w = width.Ceil() + 1 + tl.embolden
	tl.h = lineH * len(lines)
	tl.ink.Max.X += tl.embolden
	iw, ih := tl.ink.Union(image.Rect(0, 0, tl.w, tl.h)).Dx(), tl.ink.Union(image.Rect(0, 0, tl.w, tl.h)).Dy()
	if int64(iw)*int64(ih) > MaxElementDots {
		return nil, label.Errorf(label.ReasonInvalid, field, "the text is too large to draw (%d×%d dots)", iw, ih)
	}
	return tl, nil
}

// draw renders measured text, charging its cost to m (what names the
// element in errors) and stopping when m's context is done.
func (tl *textLayout) draw(m *meter, what string) (*Bitmap, error) {
	if err := m.charge(what, tl.cost()); err != nil {
		return nil, err
	}
	w, h := tl.size()
	o := tl.origin()
	d := &glyphDrawer{alpha: image.NewAlpha(image.Rect(0, 0, w, h))}
	for li, sl := range tl.lines {
		base := fixed.I(o.Y + li*tl.lineH + tl.ascent)
		for _, run := range sl.runs {
			if err := m.tick(what, 0); err != nil {
				return nil, err
			}
			for _, g := range run.glyphs {
				d.draw(run.face, g.id, run.scale, fixed.Point26_6{X: fixed.I(o.X) + g.x, Y: base + g.y})
				if err := m.tick(what, d.takeWork()); err != nil {
					return nil, err // a colour font painting far more than estimated
				}
			}
		}
	}
	alpha := d.alpha
	out := NewBitmap(w, h)
	for y := 0; y < h; y++ {
		if err := m.tick(what, 0); err != nil {
			return nil, err
		}
		row := alpha.Pix[y*alpha.Stride : y*alpha.Stride+w]
		orow := out.Row(y)
		for x, a := range row {
			if a >= 128 {
				for k := 0; k <= tl.embolden && x+k < w; k++ {
					orow[(x+k)>>3] |= 0x80 >> uint((x+k)&7)
				}
			}
		}
	}
	if d.colour != nil {
		c, err := d.colourBitmap(m, what)
		if err != nil {
			return nil, err
		}
		out.Or(c, image.Point{})
	}
	return out, nil
}
