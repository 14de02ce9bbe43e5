package label

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/labelbridge/labelbridge/printing/media"
)

// PrintLevel holds a label's print-level fields (v2): the printer and media
// settings it overrides (flat in the label's JSON: darkness, speed, media,
// gap, markHeight, method, offset, printWidth; lengths in the label's
// unit), and what a batch (printing/batch) tells the encoders about
// counters the printer increments itself.
type PrintLevel struct {
	media.Settings

	// Serials marks text elements (by index) whose counter a ZPL printer
	// increments itself (^SN/^SF) across the label's copies. Set by
	// printing/batch, never by JSON.
	Serials map[int]Serial `json:"-"`

	resolved *media.Settings // printer settings merged under the label's, in mm
}

// Serial is one counter inside a printer-drawn text: the text holds the
// counter's first value, Digits wide, with Trailing characters after it;
// each copy adds Step.
type Serial struct {
	Step     int64
	Digits   int
	Trailing int // characters after the counter in the text
	Leading  int // characters before it
}

// printLevelFields are the label-level settings fields.
var printLevelFields = []string{"darkness", "speed", "media", "gap", "markHeight", "method", "offset", "printWidth"}

// parsePrintLevel decodes the settings fields of a label object.
func parsePrintLevel(d *decoder, l *Label) {
	s := &l.Settings
	if d.has("darkness") {
		v := d.integer("darkness")
		s.Darkness = &v
	}
	num := func(name string) *float64 {
		if !d.has(name) {
			return nil
		}
		v := d.number(name, false)
		return &v
	}
	s.Speed = num("speed")
	s.Media = d.str("media")
	s.Gap = num("gap")
	s.MarkHeight = num("markHeight")
	s.Method = d.str("method")
	s.PrintWidth = num("printWidth")
	if raw, ok := d.obj["offset"]; ok && !isNull(raw) {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
			d.fail("offset", "must be an object {\"x\": …, \"y\": …}")
			return
		}
		if err := checkFields(obj, []string{"x", "y"}, "offset."); err != nil {
			d.addErr(err)
			return
		}
		od := decoder{obj: obj, prefix: "offset."}
		o := &media.Offset{X: od.number("x", false), Y: od.number("y", false)}
		d.addErr(od.errs())
		s.Offset = o
	}
}

// SettingsMM returns the label's own settings with lengths in millimetres.
func (l *Label) SettingsMM() media.Settings {
	s := l.Settings
	conv := func(v *float64) *float64 {
		if v == nil {
			return nil
		}
		mm := l.ToMM(*v)
		return &mm
	}
	s.Gap, s.MarkHeight, s.PrintWidth = conv(s.Gap), conv(s.MarkHeight), conv(s.PrintWidth)
	if s.Offset != nil {
		s.Offset = &media.Offset{X: l.ToMM(s.Offset.X), Y: l.ToMM(s.Offset.Y)}
	}
	return s
}

// ResolveMedia merges a printer's settings (mm) under the label's own:
// Media then returns the result.
func (l *Label) ResolveMedia(printer media.Settings) {
	m := media.Merge(printer, l.SettingsMM())
	l.resolved = &m
}

// Media returns the settings the encoders emit, in mm: the label's merged
// over its printer's (ResolveMedia), or the label's own.
func (l *Label) Media() media.Settings {
	if l.resolved != nil {
		return *l.resolved
	}
	return l.SettingsMM()
}

// validatePrintLevel checks the label's settings (named by field; a length
// out of range is said in the label's own unit).
func (l *Label) validatePrintLevel() error {
	err := l.SettingsMM().Validate("")
	var fe *media.FieldError
	if errors.As(err, &fe) {
		if msg := l.lengthRange(fe.Field); msg != "" && strings.Contains(fe.Msg, "out of range") {
			return invalid(fe.Field, "%s", msg)
		}
		return invalid(fe.Field, "%s", fe.Msg)
	}
	return err
}

// lengthRange says "V is out of range (…)" for a print-level length field
// in the label's unit, or "" for a field that is no length.
func (l *Label) lengthRange(field string) string {
	s := l.Settings
	val := func(p *float64) float64 {
		if p == nil {
			return 0
		}
		return *p
	}
	var v, max float64
	var rng string
	switch field {
	case "gap":
		v, max, rng = val(s.Gap), media.MaxGapMM, "0–%s"
	case "markHeight":
		v, max, rng = val(s.MarkHeight), media.MaxGapMM, "more than 0, at most %s"
	case "printWidth":
		v, max, rng = val(s.PrintWidth), media.MaxPrintWidth, "more than 0, at most %s"
	case "offset.x", "offset.y":
		if s.Offset == nil {
			return ""
		}
		v, max, rng = s.Offset.X, media.MaxOffsetMM, "±%s"
		if field == "offset.y" {
			v = s.Offset.Y
		}
	default:
		return ""
	}
	return fmt.Sprintf("%s is out of range ("+rng+")", l.fmtLen(v), l.fmtLen(l.FromMM(max)))
}
