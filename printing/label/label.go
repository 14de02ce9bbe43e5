// Package label is Labelbridge's label model (v1): the JSON a web page sends
// to describe a label (size, unit, dpi, copies and a list of text, barcode,
// line, box and image elements), its strict decoder and validator (Parse), and
// the unit arithmetic that turns label units into printer dots.
//
// The model is the public contract documented in docs/labels.md. Parse
// rejects unknown fields and bad values with an *Error whose text names the
// element and field ("elements[3].data: EAN-13 needs 12 or 13 digits") and
// whose Reason() is "invalid_label".
//
// Rendering lives elsewhere: printing/raster lays a label out in dots and draws
// bitmaps and previews; printing/zpl, tspl, epl and escpos turn it into
// printer commands; printing/encode picks one by language name.
package label

import (
	"bytes"
	"image"
	"math"
	"strings"
)

// Units a label may be measured in.
const (
	UnitMM   = "mm"
	UnitInch = "in"
	UnitDot  = "dot"
)

// Element types.
const (
	TypeText    = "text"
	TypeBarcode = "barcode"
	TypeLine    = "line"
	TypeBox     = "box"
	TypeImage   = "image"
	TypeEllipse = "ellipse" // v2
)

// Symbologies.
const (
	Code128    = "code128"
	Code39     = "code39"
	EAN13      = "ean13"
	UPCA       = "upca"
	QR         = "qr"
	DataMatrix = "datamatrix"

	// v2 symbologies.
	GS1128        = "gs1-128"
	GS1DataMatrix = "gs1-datamatrix"
	EAN8          = "ean8"
	UPCE          = "upce"
	ITF14         = "itf14"
	Codabar       = "codabar"
	PDF417        = "pdf417"
	Aztec         = "aztec"
)

// FontPrinter is the text font value that asks for the printer's resident
// font (used where the text is printable ASCII and the language has one).
const FontPrinter = "printer"

// Limits and defaults.
const (
	DefaultDPI    = 203
	MinDPI        = 152
	MaxDPI        = 600
	MaxElements   = 1000
	MaxCopies     = 10000
	MaxSideMM     = 2000 // longest label side
	MaxTextRunes  = 2000
	MaxImageBytes = 8 << 20  // decoded image file size
	MaxImagePix   = 16 << 20 // decoded image pixels
	MaxImageSide  = 10000    // decoded image width or height in pixels
	// MaxImageDecodedBytes caps one image's memory once decoded (16-bit
	// colour takes 8 bytes a pixel).
	MaxImageDecodedBytes = 64 << 20
)

// Label is a label: its size, the unit every length in it is measured in, the
// dpi it was designed at (which also gives "dot" its size), how many copies
// to print, and its elements in drawing order.
type Label struct {
	Width    float64   `json:"width"`
	Height   float64   `json:"height"`
	Unit     string    `json:"unit,omitempty"`   // "mm" (default), "in" or "dot"
	DPI      int       `json:"dpi,omitempty"`    // default 203
	Copies   int       `json:"copies,omitempty"` // default 1
	Elements []Element `json:"elements"`

	// PrintLevel: printer and media settings (v2, printlevel.go).
	PrintLevel
}

// Element is one thing on a label. Type says which; the fields that apply
// depend on the type (see docs/labels.md), and Parse rejects the others.
// Lengths are in the label's unit; the origin is the top-left corner.
type Element struct {
	Type string `json:"type"` // text, barcode, line, box, image

	// X, Y: top-left corner (text, barcode, box, image). For rotated text
	// and barcodes it is the top-left corner of the rotated bounding box.
	X float64 `json:"x,omitempty"`
	Y float64 `json:"y,omitempty"`

	// Text.
	Text string `json:"text,omitempty"`
	// Size: text cap height; for 2D barcodes (qr, datamatrix) the side of
	// the symbol.
	Size float64 `json:"size,omitempty"`
	// Font: a font file path, a family name, or "printer" for the printer's
	// resident font (ASCII only). Empty: the system's fonts.
	Font string `json:"font,omitempty"`
	// Rotation in degrees clockwise: 0, 90, 180 or 270 (text and barcodes).
	Rotation int `json:"rotation,omitempty"`

	// Barcode.
	Symbology string `json:"symbology,omitempty"`
	// Data: barcode content, or for images a base64 PNG or JPEG (a
	// "data:image/png;base64," prefix is allowed).
	Data string `json:"data,omitempty"`
	// Module: narrow bar / module width; 0 means chosen to fit.
	Module float64 `json:"module,omitempty"`
	// HRI: human-readable line under 1D barcodes; nil means true.
	HRI *bool `json:"hri,omitempty"`

	// Width, Height: box and image size; for 1D barcodes Height is the bar
	// height and Width (optional) the space the barcode must fit in.
	Width  float64 `json:"width,omitempty"`
	Height float64 `json:"height,omitempty"`

	// Line.
	X1 float64 `json:"x1,omitempty"`
	Y1 float64 `json:"y1,omitempty"`
	X2 float64 `json:"x2,omitempty"`
	Y2 float64 `json:"y2,omitempty"`
	// Thickness of a line or a box's border. A box whose thickness is at
	// least half its shorter side is filled.
	Thickness float64 `json:"thickness,omitempty"`

	// Text boxes (v2, see textbox.go): Width (and Height) above make the
	// text wrap inside a box.
	Wrap          string  `json:"wrap,omitempty"`          // word (default with width), char, none
	Align         string  `json:"align,omitempty"`         // left (default), center, right, justify
	VerticalAlign string  `json:"verticalAlign,omitempty"` // top (default), middle, bottom (needs height)
	MaxLines      int     `json:"maxLines,omitempty"`
	Overflow      string  `json:"overflow,omitempty"` // error (default), ellipsis, shrink
	MinSize       float64 `json:"minSize,omitempty"`  // smallest size "shrink" may use
	LineSpacing   float64 `json:"lineSpacing,omitempty"`
	Bold          bool    `json:"bold,omitempty"`
	// Reverse: text drawn white on a black box (with Padding around it);
	// on a box, invert what lies beneath.
	Reverse bool    `json:"reverse,omitempty"`
	Padding float64 `json:"padding,omitempty"`

	// Shapes (v2): box corner radius, box and ellipse fill.
	Radius float64 `json:"radius,omitempty"`
	Fill   string  `json:"fill,omitempty"` // "black", "white" or "" (none)

	// Barcodes (v2): error correction (qr: L, M, Q, H; pdf417: 0–8; aztec:
	// percent 5–95; datamatrix: 200), PDF417 data columns, ITF-14 bearer
	// bars.
	ECC     string `json:"ecc,omitempty"`
	Columns int    `json:"columns,omitempty"`
	Bearer  bool   `json:"bearer,omitempty"`

	imgW, imgH int // image size from its header (set by Parse and Validate)
}

// ShowHRI reports whether a 1D barcode prints its human-readable line.
func (e *Element) ShowHRI() bool { return e.HRI == nil || *e.HRI }

// Is2D reports whether the element is a 2D barcode.
func (e *Element) Is2D() bool {
	if e.Type != TypeBarcode {
		return false
	}
	switch e.Symbology {
	case QR, DataMatrix, GS1DataMatrix, PDF417, Aztec:
		return true
	}
	return false
}

// UsesPrinterFont reports whether a text element asks for the printer's
// resident font and its text can use one (printable ASCII on one line).
func (e *Element) UsesPrinterFont() bool {
	return e.Type == TypeText && strings.EqualFold(e.Font, FontPrinter) && IsPrintableASCII(e.Text)
}

// IsPrintableASCII reports whether s is non-empty and only holds 0x20–0x7E.
func IsPrintableASCII(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// UnitDPI returns the label's dpi (DefaultDPI when unset).
func (l *Label) UnitDPI() int {
	if l.DPI <= 0 {
		return DefaultDPI
	}
	return l.DPI
}

// inchesPer returns how many inches one label unit is.
func (l *Label) inchesPer() float64 {
	switch l.Unit {
	case UnitInch:
		return 1
	case UnitDot:
		return 1 / float64(l.UnitDPI())
	default:
		return 1 / 25.4
	}
}

// ToMM converts a length in the label's unit to millimetres.
func (l *Label) ToMM(v float64) float64 { return v * l.inchesPer() * 25.4 }

// Dots converts a length in the label's unit to (fractional) dots at dpi.
// Units are physical: a label designed at 203 dpi in "dot" units keeps its
// physical size on a 300 dpi printer.
func (l *Label) Dots(v float64, dpi int) float64 { return v * l.inchesPer() * float64(dpi) }

// ToDots converts a length in the label's unit to whole dots at dpi, rounding
// to the nearest dot.
func (l *Label) ToDots(v float64, dpi int) int { return int(math.Round(l.Dots(v, dpi))) }

// SizeDots returns the label's width and height in dots at dpi.
func (l *Label) SizeDots(dpi int) (w, h int) { return l.ToDots(l.Width, dpi), l.ToDots(l.Height, dpi) }

// FromMM converts millimetres to the label's unit.
func (l *Label) FromMM(mm float64) float64 { return mm / 25.4 / l.inchesPer() }

// DecodedImage decodes an image element's picture. It is not kept: callers
// decode, scale and drop one image at a time (Parse and Validate only read
// the header, refusing images over the size limits before any decoding).
func (e *Element) DecodedImage() (image.Image, error) {
	raw, _, err := imageHeader(e.Data)
	if err != nil {
		return nil, err
	}
	img, _, err := image.Decode(bytes.NewReader(raw))
	if err != nil {
		return nil, invalid("", "image does not decode: %v", err)
	}
	return img, nil
}

// ImageSize returns an image element's size in pixels as its header gives
// it (0, 0 when the data is not a usable image).
func (e *Element) ImageSize() (w, h int) {
	if e.imgW == 0 && e.Data != "" {
		if _, cfg, err := imageHeader(e.Data); err == nil {
			e.imgW, e.imgH = cfg.Width, cfg.Height
		}
	}
	return e.imgW, e.imgH
}
