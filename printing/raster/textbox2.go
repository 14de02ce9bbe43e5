package raster

import (
	"image"
	"strings"

	"golang.org/x/image/math/fixed"

	"github.com/labelbridge/labelbridge/printing/label"
)

// DefaultPrinterFontWidth is the width of printer-font text relative to
// the built-in font when the encoder gives none (ZPL's ^A0 measures about
// 4 % wider than a PC sans font).
const DefaultPrinterFontWidth = 1.04

// layoutTextBox lays out and draws a v2 text element (box, wrap, align,
// overflow, bold, reverse). The bitmap is drawn here, as v1 text is during
// Layout, so its ink is known; its cost is checked against the budget
// first.
func (p *Plan) layoutTextBox(it *Item, e *label.Element, opt Options, x, y int) error {
	it.TextBox, it.Bold, it.Reverse = e.Width > 0, e.Bold, e.Reverse
	it.Text = NormalizeText(e.Text)
	it.PrinterFont = strings.EqualFold(e.Font, label.FontPrinter) && printableLines(it.Text)
	m := &measurer{fs: NewFontSet(e.Font, opt.FontPaths), st: textStyle{bold: e.Bold}, scale: 1, field: it.Field("text")}
	if it.PrinterFont {
		m.fs = builtinSet()
		m.scale = opt.PrinterFontWidth
		if m.scale <= 0 {
			m.scale = DefaultPrinterFontWidth
		}
	}
	boxW, boxH := 0, 0
	if e.Width > 0 {
		boxW = max(1, p.dots(e.Width))
	}
	if e.Height > 0 {
		boxH = max(1, p.dots(e.Height))
	}
	capH := max(1, p.Label.Dots(e.Size, p.DPI))
	bp, err := p.tryTextBox(e, it.Text, capH, m, boxW, boxH)
	if err != nil {
		return err
	}
	if bp.over != "" && e.Overflow == label.OverflowShrink {
		minCap := p.Label.Dots(e.MinSize, p.DPI)
		if e.MinSize <= 0 {
			minCap = capH / 2
		}
		for c := capH - 1; bp.over != "" && c >= max(1, minCap); c-- {
			if bp, err = p.tryTextBox(e, it.Text, c, m, boxW, boxH); err != nil {
				return err
			}
		}
		if bp.over != "" {
			return label.Errorf(label.ReasonInvalid, it.Field("text"), "does not fit its box even at minSize: %s", bp.over)
		}
	}
	if bp.over != "" {
		if e.Overflow != label.OverflowEllipsis {
			return label.Errorf(label.ReasonInvalid, it.Field("text"), "does not fit: %s (set overflow \"ellipsis\" or \"shrink\", or make the box larger)", bp.over)
		}
		if err := p.ellipsise(bp, e, m, boxW, boxH, it.PrinterFont); err != nil {
			return err
		}
	}
	it.CapHeight = bp.cap
	return p.placeLines(it, e, bp, m, x, y, boxW, boxH)
}

func printableLines(s string) bool {
	for _, l := range strings.Split(s, "\n") {
		if l != "" && !label.IsPrintableASCII(l) {
			return false
		}
	}
	return strings.TrimSpace(s) != ""
}

// ellipsise keeps the lines that fit and ends the last one (or, without
// wrapping, every line too wide) with an ellipsis.
func (p *Plan) ellipsise(bp *boxPlan, e *label.Element, m *measurer, boxW, boxH int, printer bool) error {
	ell := []rune("…")
	if printer {
		ell = []rune("...")
	}
	n := bp.fitLines(e, boxH)
	cut := n < len(bp.lines)
	bp.lines = bp.lines[:n]
	for i := range bp.lines {
		ln := &bp.lines[i]
		adv, err := m.advances(ln.runes)
		if err != nil {
			return err
		}
		if !(cut && i == n-1) && (boxW == 0 || sum(adv) <= fixed.I(boxW)) {
			continue
		}
		rs := append([]rune(nil), ln.runes...)
		for {
			cand := append(append([]rune(nil), rs...), ell...)
			a, err := m.advances(cand)
			if err != nil {
				return err
			}
			if boxW == 0 || sum(a) <= fixed.I(boxW) || len(rs) == 0 {
				ln.runes, ln.last = cand, true
				break
			}
			rs = []rune(strings.TrimRight(string(rs[:len(rs)-1]), " "))
		}
	}
	bp.over = ""
	return nil
}

// placeLines measures every line with the faces that draw it, aligns it,
// draws the box's bitmap (reversed when asked) and sets the item's bounds.
func (p *Plan) placeLines(it *Item, e *label.Element, bp *boxPlan, m *measurer, x, y, boxW, boxH int) error {
	type drawn struct {
		tl   *textLayout
		x, y int
	}
	var pieces []drawn
	var cost int64
	contentW := 0
	measure := func(s string) (*textLayout, int, error) {
		tl, err := measureTextStyle(s, bp.cap, m.fs, it.Field("text"), m.st)
		if err != nil {
			return nil, 0, err
		}
		w := tl.w - 1 // drawn width (measureText adds a dot)
		if m.scale != 1 {
			adv, err := m.advances([]rune(s))
			if err != nil {
				return nil, 0, err
			}
			w = sum(adv).Ceil()
		}
		return tl, w, nil
	}
	for i, ln := range bp.lines {
		top := i * bp.pitch
		tl := TextLine{Top: top, Baseline: top + bp.asc}
		s := string(ln.runes)
		words := strings.Fields(s)
		if e.Align == label.AlignJustify && !ln.last && len(words) > 1 && boxW > 0 {
			var ws []int
			var tls []*textLayout
			total := 0
			for _, w := range words {
				t, wd, err := measure(w)
				if err != nil {
					return err
				}
				tls, ws, total = append(tls, t), append(ws, wd), total+wd
			}
			gap := float64(boxW-total) / float64(len(words)-1)
			for k, w := range words {
				px := int(float64(sumInts(ws[:k])) + gap*float64(k) + 0.5)
				if k == len(words)-1 {
					px = boxW - ws[k]
				}
				tl.Pieces = append(tl.Pieces, TextPiece{Text: w, X: px, W: ws[k]})
				pieces = append(pieces, drawn{tls[k], px, top})
				cost += tls[k].cost()
			}
			contentW = boxW
		} else {
			t, wd, err := measure(s)
			if err != nil {
				return err
			}
			px := 0
			switch e.Align {
			case label.AlignCenter:
				px = (boxW - wd) / 2
			case label.AlignRight:
				px = boxW - wd
			}
			tl.Pieces = []TextPiece{{Text: s, X: px, W: wd}}
			pieces = append(pieces, drawn{t, px, top})
			cost += t.cost()
			contentW = max(contentW, px+wd)
		}
		it.Lines = append(it.Lines, tl)
	}
	h := bp.height()
	off := 0
	switch e.VerticalAlign {
	case label.VAlignMiddle:
		off = (boxH - h) / 2
	case label.VAlignBottom:
		off = boxH - h
	}
	for i := range it.Lines {
		it.Lines[i].Top += off
		it.Lines[i].Baseline += off
	}
	w, hh := max(boxW, contentW+1), max(boxH, h)
	pad := 0
	if e.Reverse {
		pad = p.dots(e.Padding)
	}
	// Ink reaching past the box (tall mark stacks, descenders: textink.go)
	// grows it, except a reversed box, whose background is the box.
	var grow image.Rectangle // Min: left, top; Max: right, bottom (≥ 0)
	if !e.Reverse {
		all := image.Rect(0, 0, w, hh)
		for _, d := range pieces {
			d.tl.keepInk()
			pw, ph := d.tl.size()
			at := image.Pt(d.x, d.y+off).Sub(d.tl.origin())
			all = all.Union(image.Rect(at.X, at.Y, at.X+pw, at.Y+ph))
		}
		grow = image.Rectangle{Min: image.Point{}.Sub(all.Min), Max: all.Max.Sub(image.Pt(w, hh))}
	}
	it.TextOrigin = image.Pt(pad, pad).Add(grow.Min)
	it.Bounds = image.Rect(x-pad-grow.Min.X, y-pad-grow.Min.Y, x+w+pad+grow.Max.X, y+hh+pad+grow.Max.Y)
	if area(it.Bounds) > MaxElementDots {
		return label.Errorf(label.ReasonInvalid, it.Field("text"), "the text box is too large to draw (%d×%d dots)", it.Bounds.Dx(), it.Bounds.Dy())
	}
	it.cost = cost + 4*area(it.Bounds)
	if p.estimate+it.cost > MaxWorkDots {
		return tooComplex("%s would draw %s dots (the label's budget is %s dots)", it.what, commas(it.cost), commas(MaxWorkDots))
	}
	if err := p.meter.charge(it.what, it.cost); err != nil {
		return err
	}
	bmp := NewBitmap(it.Bounds.Dx(), it.Bounds.Dy())
	for _, d := range pieces {
		b, err := d.tl.draw(nil, it.what)
		if err != nil {
			return err
		}
		bmp.Or(b, it.TextOrigin.Add(image.Pt(d.x, d.y+off)).Sub(d.tl.origin()))
	}
	if e.Reverse {
		inv := NewBitmap(bmp.W, bmp.H)
		inv.FillRect(inv.Rect())
		inv.Xor(bmp, image.Point{})
		bmp = inv
		it.comp = compOpaque
		// The reversed box is clipped to the label (padding may reach past
		// its edge); the text itself must be on it.
		clip := it.Bounds.Intersect(p.rect())
		bmp = bmp.Sub(clip.Sub(it.Bounds.Min))
		it.TextOrigin = it.TextOrigin.Sub(clip.Min.Sub(it.Bounds.Min))
		it.Bounds = clip
	}
	it.bmp = bmp
	ink := image.Rect(x, y+off, x+contentW, y+off+h)
	if !e.Reverse {
		ink = bmp.InkBounds().Add(it.Bounds.Min)
	}
	if !ink.Empty() {
		return p.checkOnLabel(it, "text", ink, "text")
	}
	return nil
}

func sumInts(a []int) int {
	s := 0
	for _, v := range a {
		s += v
	}
	return s
}
