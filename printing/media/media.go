// Package media is the vocabulary of printer and media settings shared by
// the config file, the printing core, the label model and the encoders:
// darkness (0–30, mapped to each language's own scale), speed (inches per
// second), media type ("gap", "mark" or "continuous") with the gap or mark
// height, print method ("direct" or "transfer"), an offset of the whole
// label, the printable width, and the size of the labels on the roll
// (labelWidth×labelHeight in unit: the size a document's pages print at
// when the print names none). Settings come from a printer's
// configuration and may be overridden per label (Merge); each encoder emits
// them with its own commands (printing/zpl, tspl, epl, escpos settings.go).
//
// Lengths here are in millimetres. It is a leaf: pure data and checks.
package media

import (
	"cmp"
	"fmt"
	"math"
)

// Media types.
const (
	Gap        = "gap"
	Mark       = "mark"
	Continuous = "continuous"
)

// Print methods.
const (
	Direct   = "direct"
	Transfer = "transfer"
)

// Ranges of the settings (lengths in mm).
const (
	MaxDarkness   = 30
	MinSpeed      = 1.0  // inches per second
	MaxSpeed      = 14.0 // ZPL's ^PR goes to 14
	MaxGapMM      = 50.0
	MaxOffsetMM   = 100.0
	MaxPrintWidth = 2000.0
	// MaxLabelSideMM is the longest side of a configured label size (as
	// long as the label model's), MaxLabelSideDots the same at 600 dpi.
	MaxLabelSideMM   = 2000.0
	MaxLabelSideDots = 47244.0
)

// Units of LabelWidth and LabelHeight.
const (
	UnitMM  = "mm" // the default
	UnitIn  = "in"
	UnitDot = "dot" // printer dots: the same number of dots at any dpi
)

// Settings are a printer's or a label's print settings. Nil or empty fields
// are unset: the printer keeps its own value and no command is sent.
type Settings struct {
	Darkness   *int     `json:"darkness,omitempty"`   // 0–30
	Speed      *float64 `json:"speed,omitempty"`      // inches per second
	Media      string   `json:"media,omitempty"`      // gap, mark, continuous
	Gap        *float64 `json:"gap,omitempty"`        // gap between labels (media gap)
	MarkHeight *float64 `json:"markHeight,omitempty"` // black mark height (media mark)
	Method     string   `json:"method,omitempty"`     // direct, transfer
	Offset     *Offset  `json:"offset,omitempty"`     // shifts the whole label
	PrintWidth *float64 `json:"printWidth,omitempty"` // printable width
	// The size of one label of the media, in Unit (not mm: only these two
	// lengths follow Unit). Documents printed without a size get it;
	// labels carry their own size and ignore it.
	LabelWidth  *float64 `json:"labelWidth,omitempty"`
	LabelHeight *float64 `json:"labelHeight,omitempty"`
	Unit        string   `json:"unit,omitempty"` // of labelWidth and labelHeight: mm (default), in, dot
}

// Offset moves everything on the label right (x) and down (y); negative
// values move it left and up.
type Offset struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

// IsZero reports whether no setting is set.
func (s Settings) IsZero() bool {
	return s.Darkness == nil && s.Speed == nil && s.Media == "" && s.Gap == nil && s.MarkHeight == nil &&
		s.Method == "" && s.Offset == nil && s.PrintWidth == nil && s.LabelWidth == nil && s.LabelHeight == nil && s.Unit == ""
}

// LabelSize returns the configured label size and its unit ("mm" when
// unset), ok false when none is configured.
func (s Settings) LabelSize() (width, height float64, unit string, ok bool) {
	if s.LabelWidth == nil || s.LabelHeight == nil {
		return 0, 0, "", false
	}
	unit = s.Unit
	if unit == "" {
		unit = UnitMM
	}
	return *s.LabelWidth, *s.LabelHeight, unit, true
}

// FieldError is a bad setting: Field names it ("darkness", "offset.x"),
// with the prefix the caller gave to Validate.
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }

// Validate checks every set field (lengths in mm); the error names the
// field as prefix+name (prefix is "" for a label, "printerSettings[\"id\"]."
// in the config file).
func (s Settings) Validate(prefix string) error {
	bad := func(name, format string, args ...any) error {
		return &FieldError{Field: prefix + name, Msg: fmt.Sprintf(format, args...)}
	}
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	if s.Darkness != nil && (*s.Darkness < 0 || *s.Darkness > MaxDarkness) {
		return bad("darkness", "%d is out of range (0–%d)", *s.Darkness, MaxDarkness)
	}
	if s.Speed != nil && (!finite(*s.Speed) || *s.Speed < MinSpeed || *s.Speed > MaxSpeed) {
		return bad("speed", "%.6g is out of range (%.6g–%.6g inches per second)", *s.Speed, MinSpeed, MaxSpeed)
	}
	switch s.Media {
	case "", Gap, Mark, Continuous:
	default:
		return bad("media", "%q is not one of gap, mark, continuous", clip(s.Media))
	}
	if s.Gap != nil {
		if s.Media != Gap && s.Media != "" {
			return bad("gap", "applies to media \"gap\" only (media is %q)", s.Media)
		}
		if !finite(*s.Gap) || *s.Gap < 0 || *s.Gap > MaxGapMM {
			return bad("gap", "%.6g mm is out of range (0–%.6g mm)", *s.Gap, MaxGapMM)
		}
	}
	if s.MarkHeight != nil {
		if s.Media != Mark {
			return bad("markHeight", "applies to media \"mark\" only (set \"media\": \"mark\")")
		}
		if !finite(*s.MarkHeight) || *s.MarkHeight <= 0 || *s.MarkHeight > MaxGapMM {
			return bad("markHeight", "%.6g mm is out of range (more than 0, at most %.6g mm)", *s.MarkHeight, MaxGapMM)
		}
	}
	switch s.Method {
	case "", Direct, Transfer:
	default:
		return bad("method", "%q is not one of direct, transfer", clip(s.Method))
	}
	if o := s.Offset; o != nil {
		if !finite(o.X) || math.Abs(o.X) > MaxOffsetMM {
			return bad("offset.x", "%.6g mm is out of range (±%.6g mm)", o.X, MaxOffsetMM)
		}
		if !finite(o.Y) || math.Abs(o.Y) > MaxOffsetMM {
			return bad("offset.y", "%.6g mm is out of range (±%.6g mm)", o.Y, MaxOffsetMM)
		}
	}
	if w := s.PrintWidth; w != nil && (!finite(*w) || *w <= 0 || *w > MaxPrintWidth) {
		return bad("printWidth", "%.6g mm is out of range (more than 0, at most %.6g mm)", *w, MaxPrintWidth)
	}
	return s.validateLabelSize(bad)
}

// validateLabelSize checks labelWidth, labelHeight and unit: both sides or
// neither, each more than 0 and at most 2000 mm (78.74 in, 47244 dots).
func (s Settings) validateLabelSize(bad func(name, format string, args ...any) error) error {
	var max float64
	switch s.Unit {
	case "", UnitMM:
		max = MaxLabelSideMM
	case UnitIn:
		max = MaxLabelSideMM / 25.4
	case UnitDot:
		max = MaxLabelSideDots
	default:
		return bad("unit", "%q is not one of mm, in, dot", clip(s.Unit))
	}
	if s.LabelWidth == nil && s.LabelHeight == nil {
		if s.Unit != "" {
			return bad("unit", "is the unit of labelWidth and labelHeight: set them too (other lengths are in mm)")
		}
		return nil
	}
	unit := cmp.Or(s.Unit, UnitMM)
	for _, f := range []struct {
		name, other string
		v           *float64
	}{{"labelWidth", "labelHeight", s.LabelWidth}, {"labelHeight", "labelWidth", s.LabelHeight}} {
		if f.v == nil {
			return bad(f.name, "required with %s (the label size is both sides)", f.other)
		}
		if v := *f.v; math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 || v > max {
			return bad(f.name, "%.6g %s is out of range (more than 0, at most %.6g %s)", v, unit, max, unit)
		}
	}
	return nil
}

// Merge returns base with every field over sets replacing base's (a
// label's settings over its printer's). A gap or mark height that no longer
// matches the merged media type is dropped.
func Merge(base, over Settings) Settings {
	out := base // a field Merge does not name stays the base's
	out.Darkness = cmp.Or(over.Darkness, base.Darkness)
	out.Speed = cmp.Or(over.Speed, base.Speed)
	out.Media = cmp.Or(over.Media, base.Media)
	out.Gap = cmp.Or(over.Gap, base.Gap)
	out.MarkHeight = cmp.Or(over.MarkHeight, base.MarkHeight)
	out.Method = cmp.Or(over.Method, base.Method)
	out.Offset = cmp.Or(over.Offset, base.Offset)
	out.PrintWidth = cmp.Or(over.PrintWidth, base.PrintWidth)
	if over.LabelWidth != nil || over.LabelHeight != nil { // the size and its unit go together
		out.LabelWidth, out.LabelHeight, out.Unit = over.LabelWidth, over.LabelHeight, over.Unit
	}
	if out.Media != Gap && out.Media != "" {
		out.Gap = nil
	}
	if out.Media != Mark {
		out.MarkHeight = nil
	}
	return out
}

// ScaleDarkness maps darkness 0–30 onto a language's 0–top scale, rounding
// to the nearest step (TSPL DENSITY and EPL D go to 15).
func ScaleDarkness(d, top int) int {
	return int(math.Round(float64(d) * float64(top) / MaxDarkness))
}

// Dots converts mm to whole dots at dpi (203 dpi printers have 8 dots a
// millimetre: 72 mm is 576 dots).
func Dots(mm float64, dpi int) int { return int(math.Round(mm * DotsPerMM(dpi))) }

// DotsPerMM is dpi in dots per millimetre; "203 dpi" heads are 8 dots/mm.
func DotsPerMM(dpi int) float64 {
	if dpi == 203 {
		return 8
	}
	return float64(dpi) / 25.4
}

// DefaultReceiptWidthMM is the printable width of an 80 mm receipt printer
// (576 dots at 203 dpi), used for ESC/POS when no printWidth is set.
const DefaultReceiptWidthMM = 72.0

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
