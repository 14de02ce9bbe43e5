// Strict decoding helpers: JSON objects with unknown keys refused by name, and
// the field decoder that collects every problem of an element.

package label

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"unicode/utf8"
)

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
