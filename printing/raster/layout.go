package raster

import (
	"context"
	"fmt"
	"image"
	"math"

	"github.com/labelbridge/labelbridge/printing/label"
)

// Options are the rendering options every encoder shares.
type Options struct {
	DPI       int      // printer dpi; 0 = the label's dpi
	Raster    bool     // send the whole label as one bitmap
	FontPaths []string // configured font files, tried after an element's own font
	// PrinterFontWidth is the width of the printer's resident font relative
	// to the built-in font, for fitting "font":"printer" text boxes (0:
	// DefaultPrinterFontWidth).
	PrinterFontWidth float64
}

// Physical defaults (millimetres).
const (
	DefaultBarHeightMM = 10   // 1D bar height when the label gives none
	DefaultModuleMM    = 0.25 // 1D narrow bar when it must be chosen
	Default2DModuleMM  = 0.5  // 2D module when neither size nor module is given
	DefaultThicknessMM = 0.3  // lines and box borders
	HRICapMM           = 1.6  // cap height of the human-readable line
)

// Plan is a label laid out in printer dots: every element's position and
// size resolved (fonts chosen, barcodes encoded, modules picked), ready for
// an encoder to emit native commands or draw bitmaps.
type Plan struct {
	Label         *label.Label
	DPI           int
	Width, Height int // label size in dots
	Copies        int
	Items         []*Item

	// The plan belongs to one request: meter carries its context and
	// counts the work drawing does against estimate's budget.
	meter    *meter
	estimate int64
}

// Item is one element laid out in dots.
type Item struct {
	Index    int // element index in the label
	Element  *label.Element
	Type     string          // the element type
	Bounds   image.Rectangle // on the label, after rotation, in dots
	Rotation int

	// Text.
	Text        string // NFC, tabs as spaces
	CapHeight   float64
	PrinterFont bool // printable ASCII, one line, font "printer"

	// Barcode.
	Symbology string
	Data      string // normalised (EAN/UPC with check digit)
	Symbol    *Symbol
	Module    int // narrow bar / module width in dots
	BarHeight int // 1D bar height in dots
	HRI       bool
	HRIHeight int          // dots under the bars for the human-readable line
	HRICap    float64      // its cap height in dots
	Parts     *SymbolParts // 1D: where the bars, line and guards go (symbolparts.go)

	// Line and box.
	P1, P2    image.Point // line end points (dots)
	Thickness int
	Filled    bool // a box drawn solid
	Diagonal  bool // a line that is neither horizontal nor vertical

	bmp    *Bitmap // rendered and rotated (text is rendered during layout)
	fs     *FontSet
	text   *textLayout // measured text (the element's, or a barcode's HRI line)
	ItemV2             // label model v2 fields (textbox.go)

	cost int64  // work estimate for drawing the item, in dots
	m    *meter // the plan's meter
	what string // "elements[3]: line", for errors
}

// Field returns the JSON path of one of the item's fields.
func (it *Item) Field(name string) string { return label.ElementField(it.Index, name) }

// Layout lays the label out at opt.DPI (or the label's dpi). Units are
// physical, so a label designed at 203 dpi keeps its size on a 300 dpi
// printer. It fails with a font_missing error for text no font covers, and
// with invalid_label for elements that end up off the label.
func Layout(ctx context.Context, l *label.Label, opt Options) (*Plan, error) {
	if l == nil {
		return nil, label.Errorf(label.ReasonInvalid, "", "no label")
	}
	dpi := opt.DPI
	if dpi == 0 {
		dpi = l.UnitDPI()
	}
	if dpi < label.MinDPI || dpi > label.MaxDPI {
		return nil, label.Errorf(label.ReasonInvalid, "dpi", "printer dpi %d is out of range (%d–%d)", dpi, label.MinDPI, label.MaxDPI)
	}
	w, h := l.SizeDots(dpi)
	if w < 1 || h < 1 {
		return nil, label.Errorf(label.ReasonInvalid, "", "label is smaller than one dot")
	}
	if int64(w)*int64(h) > MaxDots {
		return nil, label.Errorf(label.ReasonInvalid, "", "label is %d×%d dots at %d dpi; the limit is %d million dots", w, h, dpi, MaxDots>>20)
	}
	copies := l.Copies
	if copies < 1 {
		copies = 1
	}
	p := &Plan{Label: l, DPI: dpi, Width: w, Height: h, Copies: copies, meter: newMeter(ctx, MaxWorkDots)}
	// Lay every element out without drawing (text measured, barcodes
	// encoded, image headers read), so the cost is known before work.
	area := int64(w) * int64(h)
	p.estimate = canvasCost*area/8 + 2
	var imagePix int64
	for i := range l.Elements {
		if err := p.meter.check(label.ElementField(i, "")); err != nil {
			return nil, err
		}
		it, err := p.layoutElement(i, &l.Elements[i], opt)
		if err != nil {
			return nil, err
		}
		p.Items = append(p.Items, it)
		p.estimate += it.cost
		if it.cost > MaxWorkDots || p.estimate > MaxWorkDots {
			return nil, tooComplex("%s would draw %s dots (the label's budget is %s dots; %s with the elements before it and the %s×%s dot canvas)",
				it.what, commas(it.cost), commas(MaxWorkDots), commas(p.estimate), commas(int64(w)), commas(int64(h)))
		}
		if it.Type == label.TypeImage {
			iw, ih := it.Element.ImageSize()
			imagePix += int64(iw) * int64(ih)
			if imagePix > MaxLabelImagePixels {
				return nil, tooComplex("%s: the label's images decode to %s pixels together (this one is %d×%d); the limit is %s",
					it.Field("data"), commas(imagePix), iw, ih, commas(MaxLabelImagePixels))
			}
		}
	}
	// Text is drawn now: its ink must be on the label.
	for _, it := range p.Items {
		if it.Type != label.TypeText || it.text == nil {
			continue // v2 text boxes are drawn while laid out
		}
		bmp, err := it.text.draw(p.meter, it.what)
		if err != nil {
			return nil, err
		}
		if err := p.meter.charge(it.what, int64(bmp.W)*int64(bmp.H)*2); err != nil { // rotate, ink scan
			return nil, err
		}
		it.text = nil
		it.bmp = bmp.Rotate(it.Rotation)
		if ink := it.bmp.InkBounds(); !ink.Empty() {
			if err := p.checkOnLabel(it, "text", ink.Add(it.Bounds.Min), "text"); err != nil {
				return nil, err
			}
		}
	}
	return p, nil
}

func (p *Plan) mm(v float64) int { return int(math.Round(v * float64(p.DPI) / 25.4)) }

func (p *Plan) dots(v float64) int { return p.Label.ToDots(v, p.DPI) }

// fmtMM formats a length in printer dots in the label's own unit (mm with
// one decimal, inches with two, or the label's dots), as its errors speak.
func (p *Plan) fmtMM(dots int) string {
	mm := float64(dots) * 25.4 / float64(p.DPI)
	switch p.Label.Unit {
	case label.UnitInch:
		return fmt.Sprintf("%.2f in", mm/25.4)
	case label.UnitDot:
		return fmt.Sprintf("%.0f dot", p.Label.FromMM(mm))
	}
	return fmt.Sprintf("%.1f mm", mm)
}

func rotatedSize(w, h, rot int) (int, int) {
	if rot == 90 || rot == 270 {
		return h, w
	}
	return w, h
}

func (p *Plan) layoutElement(i int, e *label.Element, opt Options) (*Item, error) {
	it := &Item{Index: i, Element: e, Type: e.Type, Rotation: e.Rotation, m: p.meter}
	it.what = label.ElementField(i, "") + ": " + e.Type
	x, y := p.dots(e.X), p.dots(e.Y)
	switch e.Type {
	case label.TypeText:
		if isV2Text(e) {
			if err := p.layoutTextBox(it, e, opt, x, y); err != nil {
				return nil, err
			}
			break
		}
		it.Text = NormalizeText(e.Text)
		it.CapHeight = p.Label.Dots(e.Size, p.DPI)
		it.PrinterFont = e.UsesPrinterFont() && label.IsPrintableASCII(it.Text)
		it.fs = NewFontSet(e.Font, opt.FontPaths)
		tl, err := measureText(it.Text, it.CapHeight, it.fs, it.Field("text"))
		if err != nil {
			return nil, err
		}
		it.text = tl
		if !it.PrinterFont { // the printer draws that text itself
			tl.keepInk() // no ink past the line box is cut (textink.go)
		}
		it.Bounds = tl.placed(x, y, e.Rotation)
		// measure + draw, rotate, ink scan, blit onto a canvas
		it.cost = tl.cost() + 3*int64(it.Bounds.Dx())*int64(it.Bounds.Dy())
	case label.TypeBarcode:
		if err := p.layoutBarcode(it, e, x, y); err != nil {
			return nil, err
		}
	case label.TypeLine:
		it.Thickness = p.thickness(e.Thickness)
		it.P1 = image.Pt(p.dots(e.X1), p.dots(e.Y1))
		it.P2 = image.Pt(p.dots(e.X2), p.dots(e.Y2))
		t := it.Thickness
		lo := image.Pt(min(it.P1.X, it.P2.X), min(it.P1.Y, it.P2.Y))
		hi := image.Pt(max(it.P1.X, it.P2.X), max(it.P1.Y, it.P2.Y))
		switch {
		case it.P1.Y == it.P2.Y: // horizontal: centred on the line
			it.Bounds = image.Rect(lo.X, lo.Y-t/2, max(hi.X, lo.X+t), lo.Y-t/2+t)
		case it.P1.X == it.P2.X:
			it.Bounds = image.Rect(lo.X-t/2, lo.Y, lo.X-t/2+t, hi.Y)
		default:
			it.Diagonal = true
			it.Bounds = image.Rect(lo.X-t/2, lo.Y-t/2, hi.X-t/2+t, hi.Y-t/2+t)
		}
		it.Bounds = it.Bounds.Intersect(p.rect())
		it.cost = it.shapeCost()
	case label.TypeBox, label.TypeEllipse:
		if e.Type == label.TypeEllipse || e.Radius > 0 || e.Fill != "" || e.Reverse {
			p.layoutShape(it, e, x, y)
			break
		}
		it.Thickness = p.thickness(e.Thickness)
		it.Bounds = image.Rect(x, y, x+max(1, p.dots(e.Width)), y+max(1, p.dots(e.Height))).Intersect(p.rect())
		if 2*it.Thickness >= min(it.Bounds.Dx(), it.Bounds.Dy()) {
			it.Filled = true
			it.Thickness = min(it.Bounds.Dx(), it.Bounds.Dy())
		}
		it.cost = it.shapeCost()
	case label.TypeImage:
		it.Bounds = image.Rect(x, y, x+max(1, p.dots(e.Width)), y+max(1, p.dots(e.Height))).Intersect(p.rect())
		if area(it.Bounds) > MaxElementDots {
			return nil, label.Errorf(label.ReasonInvalid, it.Field("width"), "the image is too large (%d×%d dots; the limit is %d million)", it.Bounds.Dx(), it.Bounds.Dy(), MaxElementDots>>20)
		}
		iw, ih := e.ImageSize()
		if iw <= 0 || ih <= 0 {
			return nil, label.Errorf(label.ReasonInvalid, it.Field("data"), "is required (a base64 PNG or JPEG)")
		}
		// decode (source pixels), scale + dither (target), blit
		it.cost = int64(iw)*int64(ih) + 3*area(it.Bounds)
	default:
		return nil, label.Errorf(label.ReasonInvalid, it.Field("type"), "unknown element type %q", e.Type)
	}
	return it, nil
}

func (p *Plan) rect() image.Rectangle { return image.Rect(0, 0, p.Width, p.Height) }

func area(r image.Rectangle) int64 { return int64(r.Dx()) * int64(r.Dy()) }

func (p *Plan) thickness(v float64) int {
	if v <= 0 {
		return max(1, p.mm(DefaultThicknessMM))
	}
	return max(1, p.dots(v))
}

// checkOnLabel fails when r (in dots) leaves the label by more than a dot.
func (p *Plan) checkOnLabel(it *Item, field string, r image.Rectangle, what string) error {
	const slack = 1
	switch {
	case r.Max.X > p.Width+slack:
		return label.Errorf(label.ReasonInvalid, it.Field(field),
			"the %s runs off the label: it ends at x = %s and the label is %s wide", what, p.fmtMM(r.Max.X), p.fmtMM(p.Width))
	case r.Max.Y > p.Height+slack:
		return label.Errorf(label.ReasonInvalid, it.Field(field),
			"the %s runs off the label: it ends at y = %s and the label is %s tall", what, p.fmtMM(r.Max.Y), p.fmtMM(p.Height))
	case r.Min.X < -slack || r.Min.Y < -slack:
		return label.Errorf(label.ReasonInvalid, it.Field(field), "the %s starts off the label", what)
	}
	return nil
}

func (p *Plan) layoutBarcode(it *Item, e *label.Element, x, y int) error {
	data, err := label.NormalizeData(e.Symbology, e.Data)
	if err != nil {
		return label.Errorf(label.ReasonInvalid, it.Field("data"), "%s", err.Error())
	}
	it.Symbology, it.Data = e.Symbology, data
	ecc, err := label.ParseECC(e.Symbology, e.ECC)
	if err == nil {
		it.ECC = ecc
	}
	sym, err := EncodeSymbolWith(e.Symbology, data, SymbolOptions{ECC: it.ECC})
	if err != nil {
		return &label.Error{Code: label.ReasonInvalid, Field: it.Field("data"), Msg: "cannot be encoded", Err: err}
	}
	it.Symbol = sym
	if err := checkColumns(it, e); err != nil { // symbol2.go
		return err
	}
	if e.Symbology == label.GS1128 || e.Symbology == label.GS1DataMatrix {
		it.GS1, _ = label.ParseGS1(data)
	}
	// Room to the label's edge along the symbol's width.
	availW, availH := p.Width-x, p.Height-y
	if e.Rotation == 90 || e.Rotation == 270 {
		availW, availH = availH, availW
	}
	var w, h int
	if !sym.Is2D() {
		it.BarHeight = max(1, p.mm(DefaultBarHeightMM))
		if e.Height > 0 {
			it.BarHeight = max(1, p.dots(e.Height))
		}
		switch {
		case e.Module > 0:
			it.Module = max(1, p.dots(e.Module))
		case e.Width > 0:
			it.Module = p.dots(e.Width) / sym.W
		default:
			it.Module = min(max(1, p.mm(DefaultModuleMM)), availW/sym.W)
		}
		if it.Module < 1 {
			room := availW
			if e.Width > 0 {
				room = p.dots(e.Width)
			}
			return label.Errorf(label.ReasonInvalid, it.Field("data"),
				"the barcode is %d modules wide, at least %s at %d dpi, and does not fit in %s; shorten the data or give it more room",
				sym.W, p.fmtMM(sym.W), p.DPI, p.fmtMM(room))
		}
		it.HRI = e.ShowHRI()
		if it.HRI {
			it.HRICap = p.hriCap(it.Module)
		}
		if e.Bearer {
			it.Bearer = max(2*it.Module, p.mm(BearerMM))
		}
		if err := it.layoutParts(); err != nil { // symbolparts.go
			return err
		}
		w, h = it.Parts.Size.X, it.Parts.Size.Y
	} else {
		side := max(sym.W, sym.H)
		switch {
		case e.Module > 0:
			it.Module = max(1, p.dots(e.Module))
		case e.Size > 0:
			it.Module = p.dots(e.Size) / side
			if it.Module < 1 {
				return label.Errorf(label.ReasonInvalid, it.Field("size"),
					"the symbol is %d modules across and does not fit in %s at %d dpi; use a larger size or less data",
					side, p.fmtMM(p.dots(e.Size)), p.DPI)
			}
		default:
			it.Module = min(max(1, p.mm(Default2DModuleMM)), availW/sym.W, availH/sym.H)
			if it.Module < 1 {
				return label.Errorf(label.ReasonInvalid, it.Field("data"),
					"the symbol is %d modules across and does not fit on the label from here; move it or use less data", side)
			}
		}
		w, h = sym.W*it.Module, sym.H*it.Module
	}
	rw, rh := rotatedSize(w, h, e.Rotation)
	it.Bounds = image.Rect(x, y, x+rw, y+rh)
	if err := p.checkOnLabel(it, "data", it.Bounds, "barcode"); err != nil {
		return err
	}
	// bars or modules, rotate, blit; computing a matrix's modules (QR mask
	// selection) is charged per module
	it.cost = 3*int64(w)*int64(h) + 16*int64(sym.W)*int64(sym.H)
	return nil
}

// UnrotatedSize returns the item's width and height before rotation.
func (it *Item) UnrotatedSize() (int, int) {
	return rotatedSize(it.Bounds.Dx(), it.Bounds.Dy(), it.Rotation)
}
