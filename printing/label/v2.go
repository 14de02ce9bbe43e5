package label

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// This file holds the element-level fields of label model v2: text boxes,
// shape fills and reverse, ellipses and barcode options. The label-level v2
// fields (rows, counters, templates, printer and media settings) live
// elsewhere.

// Text box values.
const (
	WrapWord = "word"
	WrapChar = "char"
	WrapNone = "none"

	AlignLeft    = "left"
	AlignCenter  = "center"
	AlignRight   = "right"
	AlignJustify = "justify"

	VAlignTop    = "top"
	VAlignMiddle = "middle"
	VAlignBottom = "bottom"

	OverflowError    = "error"
	OverflowEllipsis = "ellipsis"
	OverflowShrink   = "shrink"

	FillBlack = "black"
	FillWhite = "white"
)

// Limits of the v2 element fields.
const (
	MaxLines       = 200
	MaxLineSpacing = 10
	MaxPDF417Cols  = 30
)

const typeList = "text, barcode, line, box, ellipse or image"

const symbologyList = "code128, code39, ean13, upca, qr, datamatrix, gs1-128, gs1-datamatrix, ean8, upce, itf14, codabar, pdf417 or aztec"

func knownSymbology(s string) bool {
	switch s {
	case Code128, Code39, EAN13, UPCA, QR, DataMatrix, GS1128, GS1DataMatrix, EAN8, UPCE, ITF14, Codabar, PDF417, Aztec:
		return true
	}
	return false
}

// IsTextBox reports whether a text element is laid out in a box (it has a
// width), where it wraps and aligns.
func (e *Element) IsTextBox() bool { return e.Type == TypeText && e.Width > 0 }

// WrapMode returns the effective wrap mode of a text element.
func (e *Element) WrapMode() string {
	if e.Wrap != "" {
		return e.Wrap
	}
	if e.Width > 0 {
		return WrapWord
	}
	return WrapNone
}

// Spacing returns the line spacing multiple (1 when unset).
func (e *Element) Spacing() float64 {
	if e.LineSpacing <= 0 {
		return 1
	}
	return e.LineSpacing
}

// flag reads an optional boolean (false when absent).
func (d *decoder) flag(name string) bool {
	b := d.boolean(name)
	return b != nil && *b
}

// ecc reads "ecc": a string (QR levels) or a whole number (PDF417, Aztec,
// Data Matrix), kept as its decimal text.
func (d *decoder) ecc(name string) string {
	raw, ok := d.obj[name]
	if !ok || isNull(raw) {
		return ""
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s
	}
	n, first := len(d.all), d.err
	v := d.integer(name)
	if len(d.all) > n { // say what ecc takes rather than "must be a number"
		d.all, d.err = d.all[:n], first
		d.fail(name, "must be a string (L, M, Q, H) or a whole number")
		return ""
	}
	return strconv.Itoa(v)
}

func parseTextBox(d *decoder, e *Element) {
	e.Width = d.number("width", false)
	e.Height = d.number("height", false)
	e.Wrap = d.str("wrap")
	e.Align = d.str("align")
	e.VerticalAlign = d.str("verticalAlign")
	e.MaxLines = d.integer("maxLines")
	e.Overflow = d.str("overflow")
	e.MinSize = d.number("minSize", false)
	e.LineSpacing = d.number("lineSpacing", false)
	e.Bold = d.flag("bold")
	e.Reverse = d.flag("reverse")
	e.Padding = d.number("padding", false)
}

func oneOf(v string, allowed ...string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}

// validateTextBox checks the v2 text fields (box, wrap, align, overflow…).
func (l *Label) validateTextBox(i int, e *Element) error {
	f := func(name string) string { return ElementField(i, name) }
	switch {
	case e.Width < 0:
		return invalid(f("width"), "must not be negative")
	case e.Height < 0:
		return invalid(f("height"), "must not be negative")
	case e.Height > 0 && e.Width == 0:
		return invalid(f("height"), "needs width (a text box has a width, and optionally a height)")
	case e.X+e.Width > l.Width+l.eps():
		return invalid(f("width"), "the text box ends at x = %s, off the label (width %s)", l.fmtLen(e.X+e.Width), l.fmtLen(l.Width))
	case e.Y+e.Height > l.Height+l.eps():
		return invalid(f("height"), "the text box ends at y = %s, off the label (height %s)", l.fmtLen(e.Y+e.Height), l.fmtLen(l.Height))
	case !oneOf(e.Wrap, "", WrapWord, WrapChar, WrapNone):
		return invalid(f("wrap"), "unknown wrap %q (want word, char or none)", clip(e.Wrap))
	case e.Wrap != "" && e.Wrap != WrapNone && e.Width == 0:
		return invalid(f("wrap"), "needs width (the box the text wraps in)")
	case !oneOf(e.Align, "", AlignLeft, AlignCenter, AlignRight, AlignJustify):
		return invalid(f("align"), "unknown align %q (want left, center, right or justify)", clip(e.Align))
	case e.Align != "" && e.Align != AlignLeft && e.Width == 0:
		return invalid(f("align"), "needs width (text aligns inside its box)")
	case !oneOf(e.VerticalAlign, "", VAlignTop, VAlignMiddle, VAlignBottom):
		return invalid(f("verticalAlign"), "unknown verticalAlign %q (want top, middle or bottom)", clip(e.VerticalAlign))
	case e.VerticalAlign != "" && e.VerticalAlign != VAlignTop && e.Height == 0:
		return invalid(f("verticalAlign"), "needs height")
	case e.MaxLines < 0 || e.MaxLines > MaxLines:
		return invalid(f("maxLines"), "%d is out of range (1–%d)", e.MaxLines, MaxLines)
	case !oneOf(e.Overflow, "", OverflowError, OverflowEllipsis, OverflowShrink):
		return invalid(f("overflow"), "unknown overflow %q (want error, ellipsis or shrink)", clip(e.Overflow))
	case e.MinSize < 0:
		return invalid(f("minSize"), "must not be negative")
	case e.MinSize > 0 && e.Overflow != OverflowShrink:
		return invalid(f("minSize"), "applies to overflow \"shrink\" only")
	case e.MinSize > e.Size:
		return invalid(f("minSize"), "%s is larger than size (%s)", l.fmtLen(e.MinSize), l.fmtLen(e.Size))
	case e.LineSpacing < 0 || e.LineSpacing > MaxLineSpacing:
		return invalid(f("lineSpacing"), "%g is out of range (more than 0, at most %d)", e.LineSpacing, MaxLineSpacing)
	case e.Padding < 0:
		return invalid(f("padding"), "must not be negative")
	case e.Padding > 0 && !e.Reverse:
		return invalid(f("padding"), "applies to reverse text only")
	case e.Width > 0 && e.Rotation != 0:
		return invalid(f("rotation"), "a text box (width) cannot be rotated yet; rotate plain text instead")
	}
	return nil
}

// validateShape checks box and ellipse fill, radius and reverse.
func (l *Label) validateShape(i int, e *Element) error {
	f := func(name string) string { return ElementField(i, name) }
	switch {
	case !oneOf(e.Fill, "", FillBlack, FillWhite):
		return invalid(f("fill"), "unknown fill %q (want black or white)", clip(e.Fill))
	case e.Radius < 0:
		return invalid(f("radius"), "must not be negative")
	case 2*e.Radius > min(e.Width, e.Height)+l.eps():
		return invalid(f("radius"), "%s is more than half the box's shorter side", l.fmtLen(e.Radius))
	case e.Reverse && e.Fill != "":
		return invalid(f("reverse"), "set either reverse or fill, not both")
	}
	return nil
}

// validateBarcodeOptions checks ecc, columns and bearer against the
// symbology.
func validateBarcodeOptions(i int, e *Element) error {
	f := func(name string) string { return ElementField(i, name) }
	if e.Bearer && e.Symbology != ITF14 {
		return invalid(f("bearer"), "applies to itf14 only")
	}
	if e.Columns != 0 {
		if e.Symbology != PDF417 {
			return invalid(f("columns"), "applies to pdf417 only")
		}
		if e.Columns < 1 || e.Columns > MaxPDF417Cols {
			return invalid(f("columns"), "%d is out of range (1–%d)", e.Columns, MaxPDF417Cols)
		}
	}
	if e.ECC == "" {
		return nil
	}
	if _, err := ParseECC(e.Symbology, e.ECC); err != nil {
		return invalid(f("ecc"), "%s", err.Error())
	}
	return nil
}

// ParseECC returns a barcode's error correction as a number: QR 0–3 for L,
// M, Q, H; PDF417 0–8; Aztec the minimum percent 5–95; Data Matrix 200. An
// empty ecc gives the default (QR M = 1, PDF417 2, Aztec 23, Data Matrix
// 200).
func ParseECC(symbology, ecc string) (int, error) {
	num := func(lo, hi, def int, what string) (int, error) {
		if ecc == "" {
			return def, nil
		}
		v, err := strconv.Atoi(ecc)
		if err != nil || v < lo || v > hi {
			return 0, fmt.Errorf("%q is not a %s %s (%d–%d)", clip(ecc), symbologyName(symbology), what, lo, hi)
		}
		return v, nil
	}
	switch symbology {
	case QR:
		if ecc == "" {
			return 1, nil
		}
		if i := strings.Index("LMQH", strings.ToUpper(ecc)); len(ecc) == 1 && i >= 0 {
			return i, nil
		}
		return 0, fmt.Errorf("%q is not a QR error correction level (L, M, Q or H)", clip(ecc))
	case PDF417:
		return num(0, 8, 2, "security level")
	case Aztec:
		return num(5, 95, 23, "error correction percent")
	case DataMatrix, GS1DataMatrix:
		return num(200, 200, 200, "error correction (only ECC 200 is made)")
	}
	return 0, fmt.Errorf("does not apply to %s", symbology)
}

func symbologyName(s string) string {
	switch s {
	case PDF417:
		return "PDF417"
	case Aztec:
		return "Aztec"
	case DataMatrix, GS1DataMatrix:
		return "Data Matrix"
	}
	return s
}
