// Package batch prints one design for many rows of data: it fills the
// {{name}} placeholders of a label's text and data from each row and from
// counters, lays the labels out in parallel, and joins them, in row order,
// into one job's bytes. Counters inside printer-drawn ZPL text are counted
// by the printer itself (^SN/^SF) across copies; elsewhere each copy is
// drawn with its own value.
//
// Every check that needs no drawing (rows, placeholders, counters, label
// count) runs before any work, and the whole batch's work estimate (the
// first label's × the number of labels) is checked against MaxWork before
// the rest is drawn. It is pure like the encoders it drives.
package batch

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/labelbridge/labelbridge/printing/label"
)

// Limits.
const (
	MaxRows      = 10000 // rows of one print
	MaxLabels    = 10000 // labels drawn for one print (rows, × copies when counters need each copy drawn)
	MaxCounters  = 10
	MaxRowFields = 200
	MaxValue     = 2000 // characters of one row value
	// MaxWork is the work budget of a whole batch, in dots (see
	// printing/raster's budget): 64 × one label's budget.
	MaxWork = 64 * int64(256<<20)
)

// Counter numbers the labels of a print: label k (copies included, in
// order) shows Start + k×Step, zero-padded to Digits.
type Counter struct {
	Name   string `json:"name"`
	Start  int64  `json:"start"`
	Step   int64  `json:"step"`
	Digits int    `json:"digits"`
}

// placeholder matches {{name}}; names are letters, digits, _ . and -.
var placeholder = regexp.MustCompile(`\{\{\s*([A-Za-z0-9_][A-Za-z0-9_.\-]{0,63})\s*\}\}`)

var counterName = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,63}$`)

// Names returns the placeholder names in s, in order (repeats included).
func Names(s string) []string {
	var out []string
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}

// Fill replaces every {{name}} in s with value(name); a name without a
// value is returned as missing (and s unchanged).
func Fill(s string, value func(name string) (string, bool)) (out, missing string) {
	if !strings.Contains(s, "{{") {
		return s, ""
	}
	out = placeholder.ReplaceAllStringFunc(s, func(m string) string {
		name := placeholder.FindStringSubmatch(m)[1]
		v, ok := value(name)
		if !ok {
			if missing == "" {
				missing = name
			}
			return m
		}
		return v
	})
	if missing != "" {
		return s, missing
	}
	return out, ""
}

// format writes counter c's value number k.
func (c Counter) format(k int64) string {
	v := c.Start + k*c.Step
	s := strconv.FormatInt(v, 10)
	if c.Digits > len(s) {
		s = strings.Repeat("0", c.Digits-len(s)) + s
	}
	return s
}

// checkCounters validates the counters for n labels.
func checkCounters(cs []Counter, n int64) error {
	if len(cs) > MaxCounters {
		return paramsError("counters", "has %d counters; the limit is %d", len(cs), MaxCounters)
	}
	seen := map[string]bool{}
	for i, c := range cs {
		f := func(name string) string { return fmt.Sprintf("counters[%d].%s", i, name) }
		switch {
		case !counterName.MatchString(c.Name):
			return paramsError(f("name"), "%q is not a placeholder name (letters, digits, _ . -, at most 64)", clip(c.Name))
		case seen[c.Name]:
			return paramsError(f("name"), "%q is used twice", c.Name)
		case c.Digits < 0 || c.Digits > 18:
			return paramsError(f("digits"), "%d is out of range (0–18)", c.Digits)
		case c.Start < 0 || c.Start > 1e17:
			return paramsError(f("start"), "%d is out of range (0–10^17)", c.Start)
		case c.Step < -1e12 || c.Step > 1e12:
			return paramsError(f("step"), "%d is out of range (±10^12)", c.Step)
		}
		seen[c.Name] = true
		last := c.Start + (n-1)*c.Step
		if last < 0 {
			return paramsError(f("step"), "the counter would reach %d on label %d: counters stay 0 or more", last, n)
		}
		if c.Digits > 0 && len(strconv.FormatInt(last, 10)) > c.Digits {
			return paramsError(f("digits"), "the counter reaches %d on label %d, more than %d digits", last, n, c.Digits)
		}
	}
	return nil
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// Error is a batch error: a label error inside one row (Row ≥ 0), or a bad
// parameter. Reason() is the wrapped error's, or Code.
type Error struct {
	Row  int // -1: not one row's
	Code string
	Msg  string
	Err  error
}

func (e *Error) Error() string {
	s := e.Msg
	if e.Err != nil {
		if s != "" {
			s += ": "
		}
		s += e.Err.Error()
	}
	if e.Row >= 0 {
		return fmt.Sprintf("rows[%d]: %s", e.Row, s)
	}
	return s
}

// Reason is the snake_case reason of the error.
func (e *Error) Reason() string {
	if e.Code != "" {
		return e.Code
	}
	if r := label.ReasonOf(e.Err); r != "" {
		return r
	}
	return label.ReasonInvalid
}

func (e *Error) Unwrap() error { return e.Err }

// Reasons the batch adds to the label's.
const (
	ReasonInvalidParams = "invalid_params"
	ReasonTooComplex    = "too_complex"
	ReasonTooLarge      = "payload_too_large"
)

func paramsError(field, format string, args ...any) error {
	return &Error{Row: -1, Code: ReasonInvalidParams, Msg: field + ": " + fmt.Sprintf(format, args...)}
}
