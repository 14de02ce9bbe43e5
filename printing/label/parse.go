package label

import (
	"encoding/json"
	"errors"
	_ "image/jpeg" // register JPEG for image elements
	_ "image/png"  // register PNG for image elements
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
