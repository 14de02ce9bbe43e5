package label

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Problem is one thing wrong with a label, as pages receive it in an
// invalid_label error's data.problems: the JSON path of the value, what is
// wrong with it (in the label's own unit) and what to do about it.
type Problem struct {
	Path    string `json:"path"`
	Message string `json:"message"`
	Hint    string `json:"hint"`
}

// Problems is every problem found in one label, in the order of the label's
// fields and then its elements. Its Error is the first problem's (so the
// message still names the field), plus how many more there are.
type Problems []*Error

// Error returns the first problem's message, and the count of the others.
func (ps Problems) Error() string {
	if len(ps) == 0 {
		return "label has no problems"
	}
	s := ps[0].Error()
	switch n := len(ps) - 1; n {
	case 0:
	case 1:
		s += " (and 1 more problem)"
	default:
		s += fmt.Sprintf(" (and %d more problems)", n)
	}
	return s
}

// Reason returns the first problem's reason (invalid_label, font_missing…).
func (ps Problems) Reason() string {
	if len(ps) == 0 {
		return ReasonInvalid
	}
	return ps[0].Code
}

// Unwrap returns every problem, so errors.As finds the first *Error.
func (ps Problems) Unwrap() []error {
	out := make([]error, len(ps))
	for i, p := range ps {
		out[i] = p
	}
	return out
}

// ProblemsOf returns every label problem err carries (a Problems, or one
// *Error anywhere in its chain, such as a layout error from printing/raster),
// each with a hint; nil when err carries none.
func ProblemsOf(err error) []Problem {
	var ps Problems
	if !errors.As(err, &ps) {
		var le *Error
		if !errors.As(err, &le) {
			return nil
		}
		ps = Problems{le}
	}
	out := make([]Problem, 0, len(ps))
	for _, p := range ps {
		msg := p.Msg
		if p.Err != nil {
			msg += ": " + p.Err.Error()
		}
		out = append(out, Problem{Path: p.Field, Message: msg, Hint: p.hint()})
	}
	return out
}

// MaxProblems is how many problems one error lists; past it, one more
// problem says how many were left out.
const MaxProblems = 50

// collector gathers problems; add flattens Problems and keeps label errors,
// wrapping anything else as an invalid_label problem. It keeps one problem
// per path (the first: a value that did not decode is not also "out of
// range") and at most MaxProblems.
type collector struct {
	l    *Label // for hints that name the label's size; may be nil
	list Problems
	more int
}

// has reports whether a problem names one of paths.
func (c *collector) has(paths ...string) bool {
	for _, p := range c.list {
		for _, path := range paths {
			if p.Field == path {
				return true
			}
		}
	}
	return false
}

func (c *collector) add(err error) {
	if err == nil {
		return
	}
	var ps Problems
	if errors.As(err, &ps) {
		for _, p := range ps {
			c.add(p)
		}
		return
	}
	var le *Error
	if !errors.As(err, &le) {
		le = &Error{Code: ReasonInvalid, Msg: err.Error()}
	}
	if le.Field != "" && c.has(le.Field) {
		return
	}
	if len(c.list) >= MaxProblems {
		c.more++
		return
	}
	if le.Hint == "" {
		le.Hint = hintFor(le, c.l)
	}
	c.list = append(c.list, le)
}

// err returns nil, the one problem, or all of them.
func (c *collector) err() error {
	// The label's fields first, then the elements in order (decoding finds
	// some problems before validation finds others).
	sort.SliceStable(c.list, func(i, j int) bool { return elementIndex(c.list[i].Field) < elementIndex(c.list[j].Field) })
	switch len(c.list) {
	case 0:
		return nil
	case 1:
		return c.list[0]
	}
	if c.more > 0 {
		return append(c.list[:len(c.list):len(c.list)], &Error{Code: ReasonInvalid,
			Msg:  fmt.Sprintf("%d more problems are not listed", c.more),
			Hint: "Correct the problems listed and send the label again to see the rest."})
	}
	return c.list
}

// elementIndex is N for a path "elements[N]…", else -1.
func elementIndex(path string) int {
	rest, ok := strings.CutPrefix(path, "elements[")
	if !ok {
		return -1
	}
	end := strings.IndexByte(rest, ']')
	if end < 0 {
		return -1
	}
	n, err := strconv.Atoi(rest[:end])
	if err != nil {
		return -1
	}
	return n
}

// FormatLength formats v, a length in the label's unit, with its unit
// ("12.5 mm", "2 in", "80 dot"), as the label's errors speak.
func (l *Label) FormatLength(v float64) string { return l.fmtLen(v) }

func (e *Error) hint() string {
	if e.Hint != "" {
		return e.Hint
	}
	return hintFor(e, nil)
}

// hintFor says what to do about a problem, from what kind of problem it is;
// every problem gets one.
func hintFor(e *Error, l *Label) string {
	field := e.Field
	if i := strings.LastIndexByte(field, '.'); i >= 0 {
		field = field[i+1:]
	}
	size := ""
	if l != nil && l.Width > 0 && l.Height > 0 {
		size = fmt.Sprintf(" (the label is %s wide and %s tall)", l.fmtLen(l.Width), l.fmtLen(l.Height))
	}
	m := e.Msg
	switch {
	case e.Code == ReasonFontMissing:
		return "Install a font that has these characters (for Korean: fonts-nanum or Noto Sans CJK) and list it in the config's \"fonts\", or choose another font."
	case e.Code == ReasonUnsupportedLanguage:
		return "Send the job as raw commands in the printer's own language, or choose a printer that speaks ZPL, TSPL, EPL2 or ESC/POS."
	case m == "unknown field":
		return fmt.Sprintf("Remove %q or fix its spelling: docs/labels.md lists the fields of the label and of each element type.", field)
	case strings.HasPrefix(m, "is required"):
		return fmt.Sprintf("Add %s.", e.Field)
	case strings.Contains(m, "off the label") || strings.Contains(m, "runs off the label"):
		return "Move the element or make it smaller so that it lies on the label" + size + "; x and y are measured from the top-left corner."
	case strings.Contains(m, "larger than the label"):
		return "Make it smaller than the label" + size + "."
	case strings.HasPrefix(m, "must be a number"), strings.HasPrefix(m, "must be a whole number"):
		return fmt.Sprintf("Send %s as a JSON number, without quotes or units.", field)
	case strings.HasPrefix(m, "must be a string"):
		return fmt.Sprintf("Send %s as a JSON string.", field)
	case strings.HasPrefix(m, "must be true or false"):
		return fmt.Sprintf("Send %s as true or false, without quotes.", field)
	case strings.HasPrefix(m, "must be an object"), strings.HasPrefix(m, "must be a list"), strings.Contains(m, "JSON object"), strings.Contains(m, "valid JSON"), strings.Contains(m, "after the closing brace"):
		return "Send the label as one JSON object: {\"width\": …, \"height\": …, \"elements\": [ … ]} (see docs/labels.md)."
	case strings.HasPrefix(m, "must be greater than 0"), strings.HasPrefix(m, "must not be negative"), strings.Contains(m, "out of range"), strings.Contains(m, "the limit is"), strings.Contains(m, "too wide"), strings.Contains(m, "too long"):
		return fmt.Sprintf("Use a value for %s within the range the message gives.", field)
	case strings.HasPrefix(m, "applies to"):
		return fmt.Sprintf("Remove %s, or change the element so that it applies.", field)
	case strings.HasPrefix(m, "set either"):
		return "Keep one of the two fields and remove the other."
	case strings.HasPrefix(m, "needs "):
		return "Add the field it needs, or remove this one."
	case strings.Contains(m, "(want ") || strings.Contains(m, "is not one of"):
		return fmt.Sprintf("Use one of the values the message lists for %s.", field)
	case field == "data" && strings.Contains(e.Field, "elements["):
		return "Check the data against the symbology's rules (digits, length, check digit, character set) in docs/labels.md, Barcodes; or choose another symbology."
	case strings.Contains(m, "PNG or JPEG") || strings.Contains(m, "base64") || strings.Contains(m, "image"):
		return "Send the image as base64 PNG or JPEG (a data: URL is fine), within the image limits in docs/labels.md."
	}
	if e.Field != "" {
		return fmt.Sprintf("Correct %s as the message says; docs/labels.md describes every field.", e.Field)
	}
	return "Correct the label as the message says; docs/labels.md describes the label format."
}
