package label

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // register JPEG for image elements
	_ "image/png"  // register PNG for image elements
	"io"
	"math"
	"sort"
	"strings"
	"unicode/utf8"
)

// MaxLabelBytes is the largest label JSON Parse accepts.
const MaxLabelBytes = 16 << 20

// field sets per element type, in the order they are checked.
var elementFields = map[string][]string{
	TypeText: {"type", "x", "y", "text", "size", "font", "rotation",
		"width", "height", "wrap", "align", "verticalAlign", "maxLines", "overflow", "minSize",
		"lineSpacing", "bold", "reverse", "padding"},
	TypeBarcode: {"type", "x", "y", "symbology", "data", "height", "width", "size", "module", "hri", "rotation",
		"ecc", "columns", "bearer"},
	TypeLine:    {"type", "x1", "y1", "x2", "y2", "thickness"},
	TypeBox:     {"type", "x", "y", "width", "height", "thickness", "radius", "fill", "reverse"},
	TypeImage:   {"type", "x", "y", "width", "height", "data"},
	TypeEllipse: {"type", "x", "y", "width", "height", "thickness", "fill"},
}

var labelFields = append([]string{"width", "height", "unit", "dpi", "copies", "elements"}, printLevelFields...)

// Parse decodes a label from JSON strictly (unknown fields and wrongly typed
// values are errors), fills in defaults (unit mm, dpi 203, copies 1) and
// validates it. Errors are *Error with reason "invalid_label".
//
// Every problem found is reported, as Problems when there are several: each
// field that does not decode, each unknown field, each element's first
// problem. Elements are checked once the label's unit and size are valid
// (their geometry is measured against them), and an element that did not
// decode is not checked further.
func Parse(data []byte) (*Label, error) {
	l, c, skip, err := decodeLabel(data)
	if err != nil {
		return nil, err
	}
	l.validateInto(c, skip)
	if err := c.err(); err != nil {
		return nil, err
	}
	return l, nil
}

// ParseTemplate decodes a label strictly like Parse but does not validate
// values: a design whose text and data hold {{placeholders}} (printing/batch
// fills them per row, then calls Validate).
func ParseTemplate(data []byte) (*Label, error) {
	l, c, _, err := decodeLabel(data)
	if err != nil {
		return nil, err
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	return l, nil
}

// decodeLabel decodes a label strictly, collecting the problems of its
// fields and elements in c; skip holds the elements that did not decode.
// err is a label that cannot be read at all (not a JSON object, too big,
// no list of elements).
func decodeLabel(data []byte) (l *Label, c *collector, skip map[int]bool, err error) {
	if len(data) > MaxLabelBytes {
		return nil, nil, nil, invalid("", "label is %d bytes; the limit is %d", len(data), MaxLabelBytes)
	}
	obj, err := decodeObject(data, "label")
	if err != nil {
		return nil, nil, nil, err
	}
	l = &Label{}
	c = &collector{l: l}
	c.add(checkFields(obj, labelFields, ""))
	d := decoder{obj: obj}
	l.Width = d.number("width", true)
	l.Height = d.number("height", true)
	l.Unit = d.str("unit")
	l.DPI = d.integer("dpi")
	l.Copies = d.integer("copies")
	parsePrintLevel(&d, l)
	c.add(d.errs())
	raw, ok := obj["elements"]
	if !ok || isNull(raw) {
		c.add(invalid("elements", "is required (a list of elements, may be empty)"))
		return l, c, nil, nil
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(raw, &elems); err != nil {
		c.add(invalid("elements", "must be a list of objects"))
		return l, c, nil, nil
	}
	if len(elems) > MaxElements {
		c.add(invalid("elements", "has %d elements; the limit is %d", len(elems), MaxElements))
		return l, c, nil, nil
	}
	l.Elements = make([]Element, len(elems))
	skip = map[int]bool{}
	for i, er := range elems {
		e, err := parseElement(i, er)
		if err != nil {
			c.add(err)
			skip[i] = true
			continue
		}
		l.Elements[i] = *e
	}
	return l, c, skip, nil
}

func isNull(raw json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(raw), []byte("null")) }

// decodeObject decodes one JSON object (and nothing after it) into raw fields.
func decodeObject(data []byte, what string) (map[string]json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var obj map[string]json.RawMessage
	if err := dec.Decode(&obj); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, invalid("", "%s is empty", what)
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, invalid("", "%s is not valid JSON (it ends too early)", what)
		}
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, &Error{Code: ReasonInvalid, Msg: fmt.Sprintf("%s is not valid JSON (at byte %d)", what, se.Offset), Err: err}
		}
		return nil, &Error{Code: ReasonInvalid, Msg: what + " must be a JSON object", Err: err}
	}
	if obj == nil {
		return nil, invalid("", "%s must be a JSON object", what)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, invalid("", "%s has data after the closing brace", what)
	}
	return obj, nil
}

// checkFields reports the first (alphabetically) field not in allowed.
func checkFields(obj map[string]json.RawMessage, allowed []string, prefix string) error {
	var unknown []string
	for k := range obj {
		found := false
		for _, a := range allowed {
			if k == a {
				found = true
				break
			}
		}
		if !found {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	sort.Strings(unknown)
	var c collector
	for _, name := range unknown {
		if !utf8.ValidString(name) || len(name) > 64 {
			name = fmt.Sprintf("%.64q", name)
		}
		c.add(invalid(prefix+name, "unknown field"))
	}
	return c.err()
}

// decoder reads typed fields out of a raw object: err is the first error,
// all every field's (errs returns them).
type decoder struct {
	obj    map[string]json.RawMessage
	prefix string // "elements[3]." or ""
	err    error
	all    []error
}

func (d *decoder) fail(name, format string, args ...any) {
	e := invalid(d.prefix+name, format, args...)
	if d.err == nil {
		d.err = e
	}
	d.all = append(d.all, e)
}

// addErr records an error found outside fail (nested objects).
func (d *decoder) addErr(err error) {
	if err == nil {
		return
	}
	if d.err == nil {
		d.err = err
	}
	d.all = append(d.all, err)
}

// errs returns every field's error (nil when none): those fail and addErr
// recorded, or d.err when only it was set.
func (d *decoder) errs() error {
	var c collector
	for _, e := range d.all {
		c.add(e)
	}
	if d.err != nil && len(d.all) == 0 {
		c.add(d.err)
	}
	return c.err()
}

func (d *decoder) has(name string) bool {
	raw, ok := d.obj[name]
	return ok && !isNull(raw)
}

func (d *decoder) number(name string, required bool) float64 {
	raw, ok := d.obj[name]
	if !ok || isNull(raw) {
		if required {
			d.fail(name, "is required")
		}
		return 0
	}
	var v float64
	if err := json.Unmarshal(raw, &v); err != nil {
		d.fail(name, "must be a number")
		return 0
	}
	if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1e7 {
		d.fail(name, "is out of range")
		return 0
	}
	return v
}

func (d *decoder) integer(name string) int {
	if !d.has(name) {
		return 0
	}
	n := len(d.all)
	v := d.number(name, false)
	if len(d.all) > n {
		return 0
	}
	if v != math.Trunc(v) {
		d.fail(name, "must be a whole number")
		return 0
	}
	return int(v)
}

func (d *decoder) str(name string) string {
	raw, ok := d.obj[name]
	if !ok || isNull(raw) {
		return ""
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		d.fail(name, "must be a string")
		return ""
	}
	return s
}

func (d *decoder) boolean(name string) *bool {
	raw, ok := d.obj[name]
	if !ok || isNull(raw) {
		return nil
	}
	var b bool
	if err := json.Unmarshal(raw, &b); err != nil {
		d.fail(name, "must be true or false")
		return nil
	}
	return &b
}

func parseElement(i int, raw json.RawMessage) (*Element, error) {
	path := ElementField(i, "")
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		return nil, invalid(path, "must be an object")
	}
	d := decoder{obj: obj, prefix: path + "."}
	e := &Element{Type: d.str("type")}
	if d.err != nil {
		return nil, d.err
	}
	allowed, ok := elementFields[e.Type]
	if !ok {
		if e.Type == "" {
			return nil, invalid(path+".type", "is required (%s)", typeList)
		}
		return nil, invalid(path+".type", "unknown element type %q (want %s)", clip(e.Type), typeList)
	}
	var c collector
	c.add(checkFields(obj, allowed, path+"."))
	switch e.Type {
	case TypeText:
		e.X, e.Y = d.number("x", false), d.number("y", false)
		e.Text = d.str("text")
		e.Size = d.number("size", true)
		e.Font = d.str("font")
		e.Rotation = d.integer("rotation")
		parseTextBox(&d, e)
	case TypeBarcode:
		e.X, e.Y = d.number("x", false), d.number("y", false)
		e.Symbology = d.str("symbology")
		e.Data = d.str("data")
		e.Height = d.number("height", false)
		e.Width = d.number("width", false)
		e.Size = d.number("size", false)
		e.Module = d.number("module", false)
		e.HRI = d.boolean("hri")
		e.Rotation = d.integer("rotation")
		e.ECC = d.ecc("ecc")
		e.Columns = d.integer("columns")
		e.Bearer = d.flag("bearer")
	case TypeLine:
		e.X1, e.Y1 = d.number("x1", false), d.number("y1", false)
		e.X2, e.Y2 = d.number("x2", false), d.number("y2", false)
		e.Thickness = d.number("thickness", false)
	case TypeBox:
		e.X, e.Y = d.number("x", false), d.number("y", false)
		e.Width = d.number("width", true)
		e.Height = d.number("height", true)
		e.Thickness = d.number("thickness", false)
		e.Radius = d.number("radius", false)
		e.Fill = d.str("fill")
		e.Reverse = d.flag("reverse")
	case TypeEllipse:
		e.X, e.Y = d.number("x", false), d.number("y", false)
		e.Width = d.number("width", true)
		e.Height = d.number("height", true)
		e.Thickness = d.number("thickness", false)
		e.Fill = d.str("fill")
	case TypeImage:
		e.X, e.Y = d.number("x", false), d.number("y", false)
		e.Width = d.number("width", true)
		e.Height = d.number("height", true)
		e.Data = d.str("data")
	}
	c.add(d.errs())
	if err := c.err(); err != nil {
		return nil, err
	}
	if e.Type == TypeImage && e.Data != "" {
		_, cfg, err := imageHeader(e.Data)
		if err != nil {
			var le *Error
			if errors.As(err, &le) {
				le.Field = path + ".data"
				return nil, le
			}
			return nil, &Error{Code: ReasonInvalid, Field: path + ".data", Msg: "is not a PNG or JPEG image", Err: err}
		}
		e.imgW, e.imgH = cfg.Width, cfg.Height
	}
	return e, nil
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// imageHeader decodes base64 PNG/JPEG data (an optional data: URL prefix is
// allowed) and reads the image's header, refusing images over the size
// limits; it decodes no pixels.
func imageHeader(data string) ([]byte, image.Config, error) {
	s := strings.TrimSpace(data)
	if strings.HasPrefix(s, "data:") {
		comma := strings.IndexByte(s, ',')
		if comma < 0 || !strings.Contains(s[:comma], ";base64") {
			return nil, image.Config{}, invalid("", "data URL must be base64 (data:image/png;base64,…)")
		}
		s = s[comma+1:]
	}
	if base64.StdEncoding.DecodedLen(len(s)) > MaxImageBytes {
		return nil, image.Config{}, invalid("", "image is larger than %d MB", MaxImageBytes>>20)
	}
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		raw, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "="))
		if err != nil {
			return nil, image.Config{}, invalid("", "is not valid base64")
		}
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(raw))
	if err != nil {
		return nil, image.Config{}, invalid("", "is not a PNG or JPEG image")
	}
	if format != "png" && format != "jpeg" {
		return nil, image.Config{}, invalid("", "image format %s is not supported (use PNG or JPEG)", format)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > MaxImageSide || cfg.Height > MaxImageSide ||
		cfg.Width*cfg.Height > MaxImagePix {
		return nil, image.Config{}, invalid("", "image is %d×%d pixels; the limit is %d pixels and %d per side",
			cfg.Width, cfg.Height, MaxImagePix, MaxImageSide)
	}
	if n := int64(cfg.Width) * int64(cfg.Height) * bytesPerPixel(cfg.ColorModel); n > MaxImageDecodedBytes {
		return nil, image.Config{}, invalid("", "image is %d×%d pixels of %d bytes each (%d MB decoded); the limit is %d MB: use fewer pixels or 8-bit colour",
			cfg.Width, cfg.Height, bytesPerPixel(cfg.ColorModel), n>>20, MaxImageDecodedBytes>>20)
	}
	return raw, cfg, nil
}

// bytesPerPixel is the memory one pixel takes once decoded in model.
func bytesPerPixel(m color.Model) int64 {
	switch m {
	case color.GrayModel, color.AlphaModel:
		return 1
	case color.Gray16Model, color.Alpha16Model:
		return 2
	case color.RGBA64Model, color.NRGBA64Model:
		return 8
	}
	if _, ok := m.(color.Palette); ok {
		return 1
	}
	return 4 // RGBA, NRGBA, CMYK, YCbCr (at most)
}
