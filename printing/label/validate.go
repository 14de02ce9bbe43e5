package label

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Validate fills in defaults (unit mm, dpi 203, copies 1) and checks the
// label: sizes, limits, element fields, barcode data and that every element
// starts on the label and, where its size is known here (lines, boxes,
// images), lies within it. The extent of text and barcodes depends on fonts
// and symbol encoding, so printing/raster checks it when laying out.
//
// It reports every problem it finds (as Problems when there are several):
// each label field's, then each element's first. Elements are checked once
// the label's unit and size are valid, as their geometry is measured against
// them. Lengths in messages are in the label's own unit.
func (l *Label) Validate() error {
	c := &collector{l: l}
	l.validateInto(c, nil)
	return c.err()
}

// validateInto adds the label's problems to c, not checking the elements in
// skip (they did not decode).
func (l *Label) validateInto(c *collector, skip map[int]bool) {
	if l.Unit == "" {
		l.Unit = UnitMM
	}
	switch l.Unit {
	case UnitMM, UnitInch, UnitDot:
	default:
		c.add(invalid("unit", "unknown unit %q (want mm, in or dot)", clip(l.Unit)))
	}
	if l.DPI == 0 {
		l.DPI = DefaultDPI
	}
	if l.DPI < MinDPI || l.DPI > MaxDPI {
		c.add(invalid("dpi", "%d is out of range (%d–%d)", l.DPI, MinDPI, MaxDPI))
	}
	if l.Copies == 0 {
		l.Copies = 1
	}
	if l.Copies < 1 || l.Copies > MaxCopies {
		c.add(invalid("copies", "%d is out of range (1–%d)", l.Copies, MaxCopies))
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"width", l.Width}, {"height", l.Height}} {
		if f.v <= 0 {
			c.add(invalid(f.name, "must be greater than 0"))
		} else if c.has("unit", "dpi") {
			// the size cannot be measured in an unknown unit (a dot's size is the dpi's)
		} else if mm := l.ToMM(f.v); mm > MaxSideMM+1e-9 {
			limit := l.fmtLen(l.FromMM(MaxSideMM))
			if l.Unit != UnitMM {
				limit += fmt.Sprintf(" (%d mm)", MaxSideMM)
			}
			c.add(invalid(f.name, "is %s; the limit is %s", l.fmtLen(f.v), limit))
		}
	}
	if !c.has("unit", "dpi") {
		c.add(l.validatePrintLevel())
	}
	if len(l.Elements) > MaxElements {
		c.add(invalid("elements", "has %d elements; the limit is %d", len(l.Elements), MaxElements))
		return
	}
	if c.has("unit", "dpi", "width", "height") {
		return
	}
	for i := range l.Elements {
		if !skip[i] {
			c.add(l.validateElement(i))
		}
	}
}

// eps tolerates float noise when comparing edges with the label's edges.
func (l *Label) eps() float64 { return 1e-6 * (l.Width + l.Height) }

func (l *Label) fmtLen(v float64) string {
	return fmt.Sprintf("%s %s", strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", v), "0"), "."), l.Unit)
}

func (l *Label) checkPoint(i int, xf, yf string, x, y float64) error {
	if x < 0 || x > l.Width+l.eps() {
		return invalid(ElementField(i, xf), "%s is off the label (0–%s)", l.fmtLen(x), l.fmtLen(l.Width))
	}
	if y < 0 || y > l.Height+l.eps() {
		return invalid(ElementField(i, yf), "%s is off the label (0–%s)", l.fmtLen(y), l.fmtLen(l.Height))
	}
	return nil
}

func (l *Label) checkRect(i int, e *Element) error {
	if e.Width <= 0 {
		return invalid(ElementField(i, "width"), "must be greater than 0")
	}
	if e.Height <= 0 {
		return invalid(ElementField(i, "height"), "must be greater than 0")
	}
	if err := l.checkPoint(i, "x", "y", e.X, e.Y); err != nil {
		return err
	}
	if e.X+e.Width > l.Width+l.eps() {
		return invalid(ElementField(i, "width"), "the %s ends at x = %s, off the label (width %s)",
			e.Type, l.fmtLen(e.X+e.Width), l.fmtLen(l.Width))
	}
	if e.Y+e.Height > l.Height+l.eps() {
		return invalid(ElementField(i, "height"), "the %s ends at y = %s, off the label (height %s)",
			e.Type, l.fmtLen(e.Y+e.Height), l.fmtLen(l.Height))
	}
	return nil
}

func checkRotation(i int, r int) error {
	switch r {
	case 0, 90, 180, 270:
		return nil
	}
	return invalid(ElementField(i, "rotation"), "%d is not one of 0, 90, 180, 270", r)
}

func (l *Label) validateElement(i int) error {
	e := &l.Elements[i]
	f := func(name string) string { return ElementField(i, name) }
	// Fields that do not apply to the type must be unset (the JSON decoder
	// already refuses them; this catches hand-built labels).
	switch e.Type {
	case TypeText:
		if e.Text == "" {
			return invalid(f("text"), "is required")
		}
		if !utf8.ValidString(e.Text) {
			return invalid(f("text"), "is not valid UTF-8")
		}
		if n := utf8.RuneCountInString(e.Text); n > MaxTextRunes {
			return invalid(f("text"), "has %d characters; the limit is %d", n, MaxTextRunes)
		}
		if e.Size <= 0 {
			return invalid(f("size"), "must be greater than 0")
		}
		if e.Size > l.Height+l.eps() && e.Size > l.Width+l.eps() {
			return invalid(f("size"), "%s is larger than the label", l.fmtLen(e.Size))
		}
		if len(e.Font) > 1024 {
			return invalid(f("font"), "is too long")
		}
		if err := checkRotation(i, e.Rotation); err != nil {
			return err
		}
		if err := l.checkPoint(i, "x", "y", e.X, e.Y); err != nil {
			return err
		}
		return l.validateTextBox(i, e)
	case TypeBarcode:
		return l.validateBarcode(i, e)
	case TypeLine:
		if e.Thickness < 0 {
			return invalid(f("thickness"), "must not be negative")
		}
		if err := l.checkPoint(i, "x1", "y1", e.X1, e.Y1); err != nil {
			return err
		}
		return l.checkPoint(i, "x2", "y2", e.X2, e.Y2)
	case TypeBox:
		if e.Thickness < 0 {
			return invalid(f("thickness"), "must not be negative")
		}
		if err := l.validateShape(i, e); err != nil {
			return err
		}
		return l.checkRect(i, e)
	case TypeEllipse:
		if e.Thickness < 0 {
			return invalid(f("thickness"), "must not be negative")
		}
		if err := l.validateShape(i, e); err != nil {
			return err
		}
		return l.checkRect(i, e)
	case TypeImage:
		if e.Data == "" {
			return invalid(f("data"), "is required (a base64 PNG or JPEG)")
		}
		if e.imgW == 0 {
			_, cfg, err := imageHeader(e.Data)
			if err != nil {
				if le, ok := err.(*Error); ok {
					le.Field = f("data")
					return le
				}
				return invalid(f("data"), "%v", err)
			}
			e.imgW, e.imgH = cfg.Width, cfg.Height
		}
		return l.checkRect(i, e)
	case "":
		return invalid(f("type"), "is required (%s)", typeList)
	default:
		return invalid(f("type"), "unknown element type %q (want %s)", clip(e.Type), typeList)
	}
}

func (l *Label) validateBarcode(i int, e *Element) error {
	f := func(name string) string { return ElementField(i, name) }
	switch {
	case knownSymbology(e.Symbology):
	case e.Symbology == "":
		return invalid(f("symbology"), "is required (%s)", symbologyList)
	default:
		return invalid(f("symbology"), "unknown symbology %q (want %s)", clip(e.Symbology), symbologyList)
	}
	if _, err := NormalizeData(e.Symbology, e.Data); err != nil {
		return invalid(f("data"), "%s", err.Error())
	}
	for _, n := range []struct {
		name string
		v    float64
	}{{"height", e.Height}, {"width", e.Width}, {"size", e.Size}, {"module", e.Module}} {
		if n.v < 0 {
			return invalid(f(n.name), "must not be negative")
		}
	}
	if e.Is2D() {
		switch {
		case e.Height != 0:
			return invalid(f("height"), "applies to 1D barcodes only; use size for %s", e.Symbology)
		case e.Width != 0:
			return invalid(f("width"), "applies to 1D barcodes only; use size for %s", e.Symbology)
		case e.HRI != nil:
			return invalid(f("hri"), "applies to 1D barcodes only")
		case e.Size != 0 && e.Module != 0:
			return invalid(f("module"), "set either size or module, not both")
		}
		if e.Size > l.Width+l.eps() || e.Size > l.Height+l.eps() {
			return invalid(f("size"), "%s is larger than the label", l.fmtLen(e.Size))
		}
	} else {
		switch {
		case e.Size != 0:
			return invalid(f("size"), "applies to 2D barcodes only; use height (bar height) for %s", e.Symbology)
		case e.Width != 0 && e.Module != 0:
			return invalid(f("module"), "set either width or module, not both")
		}
	}
	if e.Module > 0 && l.ToMM(e.Module) > 10 {
		return invalid(f("module"), "%s is too wide (the limit is %s)", l.fmtLen(e.Module), l.fmtLen(l.FromMM(10)))
	}
	if err := validateBarcodeOptions(i, e); err != nil {
		return err
	}
	if err := checkRotation(i, e.Rotation); err != nil {
		return err
	}
	return l.checkPoint(i, "x", "y", e.X, e.Y)
}
