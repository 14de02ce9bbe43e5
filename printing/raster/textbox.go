package raster

import (
	"image"
	"math"
	"strings"
	"unicode"

	"github.com/go-text/typesetting/segmenter"
	"golang.org/x/image/math/fixed"

	"github.com/labelbridge/labelbridge/printing/label"
)

// Text boxes (label model v2): text wrapped in a width, aligned, limited in
// lines, shrunk or ellipsised, bold, reversed. Every line is measured with
// the faces that draw it, so alignment is exact; printer-font text is
// measured with the built-in font scaled by the printer font's width
// (Options.PrinterFontWidth), the metric the printer will use.

// textStyle is how text is drawn.
type textStyle struct {
	bold bool
}

// TextPiece is a run of a text line drawn at X (dots from the item's left
// edge): the whole line, or one word of a justified line.
type TextPiece struct {
	Text string
	X, W int
}

// TextLine is one laid-out line of a text box: Top is its line box's top
// and Baseline its baseline, in dots from the item's top edge.
type TextLine struct {
	Top, Baseline int
	Pieces        []TextPiece
}

// ItemV2 holds the label model v2 layout of an item (embedded in Item).
type ItemV2 struct {
	// Text boxes: the laid-out lines (printer-font text is drawn natively
	// line by line from these), and whether the text is bold or reversed.
	Lines   []TextLine
	TextBox bool
	Bold    bool
	Reverse bool // text: white on a black box; box: invert what is beneath
	// TextOrigin is where line positions are measured from, relative to
	// Bounds.Min (the padding of a reversed box).
	TextOrigin image.Point

	// Shapes.
	Radius    int  // box corner radius (dots)
	FillWhite bool // box or ellipse filled white (erases beneath)
	Ellipse   bool
	maskShape bool

	// Barcodes.
	ECC    int // from label.ParseECC
	Bearer int // ITF-14 bearer bar thickness (dots), 0 = none
	GS1    []label.GS1Field

	comp composite
}

// composite is how an item's bitmap combines with what lies beneath.
type composite int

const (
	compOr     composite = iota // ink added (every v1 element)
	compOpaque                  // the item's rectangle replaced (reversed text)
	compClear                   // the item's mask erased (white fill)
	compXor                     // the item's mask inverted (reverse box)
)

// Destructive reports whether drawing the item changes what lies beneath
// it other than adding ink: reversed text, white fills, reverse boxes.
// Encoders keep such items and everything under them in drawing order.
func (it *Item) Destructive() bool { return it.comp != compOr }

// isV2Text reports whether a text element uses any v2 field.
func isV2Text(e *label.Element) bool {
	return e.Width > 0 || e.Bold || e.Reverse || e.MaxLines > 0 || e.LineSpacing > 0 ||
		e.Overflow != "" || e.Wrap != "" || e.Align != ""
}

// boxLine is a line of a paragraph chosen by wrapping, as rune indexes.
type boxLine struct {
	runes []rune
	last  bool // the paragraph's last line (not justified)
}

// measurer measures runs of runes as they are shaped and drawn, so
// wrapping decisions match the drawn widths.
type measurer struct {
	fs    *FontSet
	cap   float64
	st    textStyle
	scale float64 // printer font width factor (1 for PC fonts)
	field string
}

// advances returns, for each rune, the width it adds to the line: the
// line is shaped (shape.go) and each glyph's advance counted on the first
// rune of its cluster (marks and the later runes of a ligature add 0).
func (m *measurer) advances(rs []rune) ([]fixed.Int26_6, error) {
	faces, err := lineFaces(rs, m.fs, m.field)
	if err != nil {
		return nil, err
	}
	out := make([]fixed.Int26_6, len(rs))
	shapeLine(rs, faces, m.cap, m.st.bold, out)
	if m.scale != 1 {
		for i := range out {
			out[i] = fixed.Int26_6(float64(out[i]) * m.scale)
		}
	}
	return out, nil
}

// closing characters that must not start a line (Korean and Latin
// punctuation rules: they stay with the character before them).
const noLineStart = ".,;:!?)]}%'\"、。，．：；！？）」』】〉》…·"

func breakableSpace(r rune) bool { return r == ' ' || r == '\u3000' }

// wordBreaks marks the runes before which a line may start in word mode:
// where Unicode's line-breaking rules (UAX #14, go-text's segmenter) allow
// a break — after spaces, after hyphens and dashes, between CJK ideographs,
// never before closing punctuation — except inside a Korean word: between
// two letters or digits one of which is Hangul (printed Korean breaks
// between words, like CSS's word-break: keep-all).
func wordBreaks(rs []rune) []bool {
	out := make([]bool, len(rs)+1)
	var seg segmenter.Segmenter
	seg.Init(rs)
	for it := seg.LineIterator(); it.Next(); {
		out[it.Line().Offset] = true
	}
	out[0] = false
	for i := 1; i < len(rs); i++ {
		a, b := rs[i-1], rs[i]
		if out[i] && wordRune(a) && wordRune(b) && (unicode.Is(unicode.Hangul, a) || unicode.Is(unicode.Hangul, b)) {
			out[i] = false
		}
	}
	return out
}

func wordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// wrapParagraph splits one paragraph into lines no wider than width
// (word: where wordBreaks allows, inside a word only when it is longer
// than the line; char: anywhere but before closing punctuation or a
// combining mark).
func wrapParagraph(rs []rune, adv []fixed.Int26_6, width fixed.Int26_6, mode string) []boxLine {
	var breaks []bool
	if mode == label.WrapWord {
		breaks = wordBreaks(rs)
	}
	var out []boxLine
	start := 0
	for start < len(rs) {
		for start < len(rs) && breakableSpace(rs[start]) && len(out) > 0 {
			start++ // spaces that a break consumed
		}
		if start >= len(rs) {
			break
		}
		x := fixed.Int26_6(0)
		lastBreak := -1
		end := len(rs)
		for i := start; i < len(rs); i++ {
			r := rs[i]
			if breaks != nil && i > start && breaks[i] {
				lastBreak = i
			}
			x += adv[i]
			if breakableSpace(r) || x <= width || i == start {
				continue // spaces at a line's end may overhang it
			}
			switch {
			case lastBreak > start:
				end = lastBreak
			default:
				end = charBreak(rs, start, i)
			}
			break
		}
		line := rs[start:end]
		for len(line) > 0 && breakableSpace(line[len(line)-1]) {
			line = line[:len(line)-1]
		}
		out = append(out, boxLine{runes: line, last: end >= len(rs)})
		start = end
	}
	if len(out) == 0 {
		out = []boxLine{{last: true}}
	}
	return out
}

// charBreak returns where a line that overflows at rune i (> start) breaks
// between characters: at i, moved back past closing punctuation, marks and
// joiners (a cluster is never split) and, where the line allows, out of a
// Thai or Lao syllable; at start+1 when nothing else fits.
func charBreak(rs []rune, start, i int) int {
	for _, syllables := range []bool{true, false} {
		for end := i; end > start+1; end-- {
			a, b := rs[end-1], rs[end]
			if !strings.ContainsRune(noLineStart, b) && !continuesCluster(b) && a != 0x200D &&
				(!syllables || !inSyllable(a, b)) {
				return end
			}
		}
	}
	return start + 1
}

// inSyllable reports whether a break between a and b would split a Thai or
// Lao syllable where the cluster rule does not see it: after a vowel
// written before its consonant (เ แ โ ใ ไ, Lao ເ–ໄ) or before a vowel
// written after it (ะ า ำ ๅ, Lao ະ າ ຳ). These are letters, not marks.
func inSyllable(a, b rune) bool {
	return (a >= 0x0E40 && a <= 0x0E44) || (a >= 0x0EC0 && a <= 0x0EC4) ||
		b == 0x0E30 || b == 0x0E32 || b == 0x0E33 || b == 0x0E45 ||
		b == 0x0EB0 || b == 0x0EB2 || b == 0x0EB3
}

// boxPlan is one try at laying a text box out at a cap height.
type boxPlan struct {
	cap   float64
	lines []boxLine
	pitch int // baseline to baseline
	lineH int
	asc   int
	over  string // why it does not fit ("" when it does)
}

func (p *Plan) tryTextBox(e *label.Element, text string, capH float64, m *measurer, boxW, boxH int) (*boxPlan, error) {
	m.cap = capH
	asc, lineH := LineMetrics(capH)
	bp := &boxPlan{cap: capH, asc: asc, lineH: lineH, pitch: int(math.Round(float64(lineH) * e.Spacing()))}
	width := fixed.I(boxW)
	for _, para := range strings.Split(text, "\n") {
		rs := []rune(para)
		adv, err := m.advances(rs)
		if err != nil {
			return nil, err
		}
		if e.WrapMode() == label.WrapNone || boxW == 0 {
			bp.lines = append(bp.lines, boxLine{runes: rs, last: true})
			if boxW > 0 && sum(adv) > width && bp.over == "" {
				bp.over = "a line is wider than the box"
			}
			continue
		}
		bp.lines = append(bp.lines, wrapParagraph(rs, adv, width, e.WrapMode())...)
	}
	n := len(bp.lines)
	switch {
	case e.MaxLines > 0 && n > e.MaxLines:
		bp.over = "the text needs " + itoa(n) + " lines and maxLines is " + itoa(e.MaxLines)
	case boxH > 0 && bp.height() > boxH:
		bp.over = "the text needs " + p.fmtMM(bp.height()) + " and the box is " + p.fmtMM(boxH) + " tall"
	}
	return bp, nil
}

func (bp *boxPlan) height() int {
	if len(bp.lines) == 0 {
		return 0
	}
	return bp.pitch*(len(bp.lines)-1) + bp.lineH
}

// fitLines returns how many lines fit the box's maxLines and height.
func (bp *boxPlan) fitLines(e *label.Element, boxH int) int {
	n := len(bp.lines)
	if e.MaxLines > 0 {
		n = min(n, e.MaxLines)
	}
	for n > 1 && boxH > 0 && bp.pitch*(n-1)+bp.lineH > boxH {
		n--
	}
	return n
}

func sum(a []fixed.Int26_6) fixed.Int26_6 {
	var s fixed.Int26_6
	for _, v := range a {
		s += v
	}
	return s
}

func itoa(n int) string {
	if n < 0 {
		return "-" + itoa(-n)
	}
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
