package raster

import (
	"image"
	"math"

	"github.com/labelbridge/labelbridge/printing/label"
)

// The printed geometry of a 1D barcode, in one place: the layout reserves
// it (so fit checks see what prints), the preview draws it, and every
// encoder sends the bars natively at BarsBounds and everything else — the
// human-readable line and EAN/UPC's long guard bars — as one bitmap from
// HRIBitmap, with the printer's own interpretation line turned off. The
// printers' own lines cannot be matched: their fonts, and how big they
// draw them, differ by maker and firmware (ZPL grows it with ^BY: about
// ten dots of font per module in zebrash; TSPL, EPL2 and ESC/POS use
// resident fonts), so the line they would print is never asked for.
//
// What the model holds:
//   - the line's size grows with the module width, as printers grow it:
//     cap height max(HRICapMM, HRIModuleCap modules);
//   - EAN-13, UPC-A, EAN-8 and UPC-E in their standard layout: guard bars
//     (and UPC-A's first and last digit bars) GuardModules longer, digits
//     in groups between them, EAN-13's first digit and UPC-A's and UPC-E's
//     first and last digits outside the bars;
//   - Code 39's start and stop asterisks in the line (printers print
//     them);
//   - a line wider than the bars widens the item (it used to be clipped by
//     the preview and printed past the reserved space).
//
// The item's position is the top-left of all of it: the bars sit at
// Parts.Bars inside the item.

// HRI geometry.
const (
	// HRIModuleCap is the smallest cap height of the human-readable line
	// in modules (GS1's EAN/UPC digits are about 8 modules tall).
	HRIModuleCap = 7
	// GuardModules is how far EAN/UPC guard bars reach below the others.
	GuardModules = 5
)

// SymbolParts is where a 1D barcode's parts go, in dots, relative to the
// item's top-left corner before rotation.
type SymbolParts struct {
	Bars    image.Rectangle   // the bars (between any bearer bars)
	Bearers []image.Rectangle // ITF-14 bearer bars above and below
	Guards  []image.Rectangle // the long guard bars' extensions below Bars
	Texts   []HRIPiece        // the human-readable line, in pieces
	Size    image.Point       // the whole symbol
}

// HRIPiece is one piece of a human-readable line and where it is drawn.
type HRIPiece struct {
	Text string
	Rect image.Rectangle
	tl   *textLayout
}

// guardRanges are the module ranges [from, to) of EAN/UPC's long bars,
// and digitGroups the digits' groups: their range of the data and where
// they go (module range under the bars, or outside: -1 left, -2 right).
type digitGroup struct {
	from, to int // data indices
	m0, m1   int // module range; m1 < 0 for outside (-1 left, -2 right)
}

func eanLayout(symbology string) (guards [][2]int, groups []digitGroup) {
	switch symbology {
	case label.EAN13:
		return [][2]int{{0, 3}, {45, 50}, {92, 95}},
			[]digitGroup{{0, 1, 0, -1}, {1, 7, 3, 45}, {7, 13, 50, 92}}
	case label.UPCA:
		return [][2]int{{0, 10}, {45, 50}, {85, 95}},
			[]digitGroup{{0, 1, 0, -1}, {1, 6, 10, 45}, {6, 11, 50, 85}, {11, 12, 0, -2}}
	case label.EAN8:
		return [][2]int{{0, 3}, {31, 36}, {64, 67}},
			[]digitGroup{{0, 4, 3, 31}, {4, 8, 36, 64}}
	case label.UPCE:
		return [][2]int{{0, 3}, {45, 51}},
			[]digitGroup{{0, 1, 0, -1}, {1, 7, 3, 45}, {7, 8, 0, -2}}
	}
	return nil, nil
}

// hriCap returns the human-readable line's cap height for a module width.
func (p *Plan) hriCap(module int) float64 {
	return math.Max(float64(p.mm(HRICapMM)), float64(HRIModuleCap*module))
}

// layoutParts lays out a 1D barcode's parts (it.Module, BarHeight, HRI,
// HRICap and Bearer set) and sets it.Parts, it.HRIHeight and the cost of
// its text.
func (it *Item) layoutParts() error {
	s, m, bb := it.Symbol, it.Module, it.Bearer
	w := s.W * m
	pt := &SymbolParts{Bars: image.Rect(0, bb, w, bb+it.BarHeight)}
	if bb > 0 {
		pt.Bearers = []image.Rectangle{image.Rect(0, 0, w, bb), image.Rect(0, bb+it.BarHeight, w, 2*bb+it.BarHeight)}
	}
	below := pt.Bars.Max.Y + bb
	guards, groups := eanLayout(it.Symbology)
	for _, g := range guards {
		for x := g[0]; x < g[1]; x++ {
			if !s.Dark(x, 0) {
				continue
			}
			x0 := x
			for x+1 < g[1] && s.Dark(x+1, 0) {
				x++
			}
			pt.Guards = append(pt.Guards, image.Rect(x0*m, below, (x+1)*m, below+GuardModules*m))
		}
	}
	if it.HRI && s.HRI != "" {
		top := below + int(math.Ceil(it.HRICap*0.3))
		if groups == nil || len(s.HRI) != groupLen(groups) {
			groups = []digitGroup{{0, len(s.HRI), 0, s.W}}
		}
		for _, g := range groups {
			text := s.HRI[g.from:g.to]
			tl, err := measureText(text, it.HRICap, builtinSet(), it.Field("data"))
			if err != nil {
				return err
			}
			var x int
			switch g.m1 {
			case -1:
				x = -2*m - tl.w
			case -2:
				x = w + 2*m
			default:
				x = (g.m0*m + g.m1*m - tl.w) / 2
			}
			pt.Texts = append(pt.Texts, HRIPiece{Text: text, Rect: image.Rect(x, top, x+tl.w, top+tl.h), tl: tl})
			it.cost += tl.cost() + int64(tl.w)*int64(tl.h)
		}
	}
	// The item is the union of every part; move them so it starts at 0,0.
	u := pt.Bars
	for _, r := range pt.all() {
		u = u.Union(*r)
	}
	for _, r := range pt.all() {
		*r = r.Sub(u.Min)
	}
	pt.Bars = pt.Bars.Sub(u.Min)
	pt.Size = u.Size()
	it.Parts = pt
	it.HRIHeight = pt.Size.Y - pt.Bars.Max.Y - bb
	return nil
}

func groupLen(gs []digitGroup) int { return gs[len(gs)-1].to }

// all returns pointers to every rectangle but Bars.
func (pt *SymbolParts) all() []*image.Rectangle {
	var out []*image.Rectangle
	for i := range pt.Bearers {
		out = append(out, &pt.Bearers[i])
	}
	for i := range pt.Guards {
		out = append(out, &pt.Guards[i])
	}
	for i := range pt.Texts {
		out = append(out, &pt.Texts[i].Rect)
	}
	return out
}

// rotateRect maps r inside a uw×uh box to where it is once the box is
// turned clockwise by rot degrees (as Bitmap.Rotate turns it).
func rotateRect(r image.Rectangle, uw, uh, rot int) image.Rectangle {
	switch rot {
	case 90:
		return image.Rect(uh-r.Max.Y, r.Min.X, uh-r.Min.Y, r.Max.X)
	case 180:
		return image.Rect(uw-r.Max.X, uh-r.Max.Y, uw-r.Min.X, uh-r.Min.Y)
	case 270:
		return image.Rect(r.Min.Y, uw-r.Max.X, r.Max.Y, uw-r.Min.X)
	}
	return r
}

// BarsBounds returns where a 1D barcode's bars are on the label (rotation
// applied): the field an encoder asks the printer to draw them in.
func (it *Item) BarsBounds() image.Rectangle {
	if it.Parts == nil {
		return it.Bounds
	}
	uw, uh := it.UnrotatedSize()
	return rotateRect(it.Parts.Bars, uw, uh, it.Rotation).Add(it.Bounds.Min)
}

// HRIBounds returns where each piece of the human-readable line is on the
// label (rotation applied).
func (it *Item) HRIBounds() []image.Rectangle {
	if it.Parts == nil {
		return nil
	}
	uw, uh := it.UnrotatedSize()
	var out []image.Rectangle
	for _, t := range it.Parts.Texts {
		out = append(out, rotateRect(t.Rect, uw, uh, it.Rotation).Add(it.Bounds.Min))
	}
	return out
}

// drawParts draws a 1D barcode (unrotated) into b, the size of the item:
// with bars, or only what the printer does not draw (text and guards).
func (it *Item) drawParts(b *Bitmap, bars bool) error {
	s, pt, m := it.Symbol, it.Parts, it.Module
	if bars {
		for x := 0; x < s.W; x++ {
			if s.Dark(x, 0) {
				x0 := x
				for x+1 < s.W && s.Dark(x+1, 0) {
					x++
				}
				b.FillRect(image.Rect(pt.Bars.Min.X+x0*m, pt.Bars.Min.Y, pt.Bars.Min.X+(x+1)*m, pt.Bars.Max.Y))
			}
		}
		for _, r := range pt.Bearers {
			b.FillRect(r)
		}
	}
	for _, r := range pt.Guards {
		b.FillRect(r)
	}
	for _, t := range pt.Texts {
		tl := t.tl
		if tl == nil {
			var err error
			if tl, err = measureText(t.Text, it.HRICap, builtinSet(), it.Field("data")); err != nil {
				return err
			}
		}
		tb, err := tl.draw(it.m, it.what)
		if err != nil {
			return err
		}
		if err := it.m.charge(it.what, int64(tb.W)*int64(tb.H)); err != nil {
			return err
		}
		b.Or(tb, t.Rect.Min)
	}
	return nil
}

// WithHRI returns cmd, a printer's own command for a 1D barcode's bars,
// followed by sep and draw's command for the rest (HRIBitmap: its
// human-readable line and guard bars, at x, y on the label), or "" when
// that cannot be drawn (the whole barcode is then a bitmap).
func (it *Item) WithHRI(cmd, sep string, draw func(x, y int, b *Bitmap) string) string {
	hri, at, err := it.HRIBitmap()
	switch {
	case err != nil:
		return ""
	case hri == nil:
		return cmd
	}
	p := it.Bounds.Min.Add(at)
	return cmd + sep + draw(p.X, p.Y, hri)
}

// HRIBitmap returns what of a 1D barcode the printer does not draw — its
// human-readable line and long guard bars — as one bitmap (rotation
// applied) and where it goes relative to Bounds.Min; nil when there is
// none. Encoders that draw the bars natively send it as a bitmap.
func (it *Item) HRIBitmap() (*Bitmap, image.Point, error) {
	if it.Parts == nil || (len(it.Parts.Texts) == 0 && len(it.Parts.Guards) == 0) {
		return nil, image.Point{}, nil
	}
	var u image.Rectangle
	for _, r := range it.Parts.Guards {
		u = u.Union(r)
	}
	for _, t := range it.Parts.Texts {
		u = u.Union(t.Rect)
	}
	uw, uh := it.UnrotatedSize()
	b := NewBitmap(uw, uh)
	if err := it.drawParts(b, false); err != nil {
		return nil, image.Point{}, err
	}
	r := rotateRect(u, uw, uh, it.Rotation)
	return b.Rotate(it.Rotation).Sub(r), r.Min, nil
}
