package label

import (
	"errors"
	"fmt"
)

// Reasons carried by *Error (the snake_case "data.reason" the API returns).
const (
	// ReasonInvalid is a label that does not decode or fails validation.
	ReasonInvalid = "invalid_label"
	// ReasonFontMissing is text with a character no installed font covers.
	ReasonFontMissing = "font_missing"
	// ReasonUnsupportedLanguage is an encoder asked for a language it lacks.
	ReasonUnsupportedLanguage = "unsupported_language"
)

// Error is a label error. Field is the JSON path of the offending value, such
// as "elements[3].data" (empty when the error concerns no single field); the
// message says what is wrong in words a web developer can act on.
type Error struct {
	Code  string // one of the Reason* constants
	Field string // e.g. "elements[3].data"; may be empty
	Msg   string
	Err   error  // optional cause
	Hint  string // what to do about it; when empty, ProblemsOf derives one from the kind of problem
}

// Error returns "field: message" (plus the cause, if any).
func (e *Error) Error() string {
	s := e.Msg
	if e.Field != "" {
		s = e.Field + ": " + s
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Reason returns the snake_case reason (e.g. "invalid_label").
func (e *Error) Reason() string { return e.Code }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf makes an *Error with the given reason and field path.
func Errorf(reason, field, format string, args ...any) *Error {
	return &Error{Code: reason, Field: field, Msg: fmt.Sprintf(format, args...)}
}

// invalid is shorthand for an invalid_label error.
func invalid(field, format string, args ...any) *Error {
	return Errorf(ReasonInvalid, field, format, args...)
}

// ReasonOf returns the reason carried by err (anything in its chain with a
// Reason() string method), or "" when there is none.
func ReasonOf(err error) string {
	var r interface{ Reason() string }
	if errors.As(err, &r) {
		return r.Reason()
	}
	return ""
}

// ElementField returns the JSON path of field in element i, e.g.
// ElementField(3, "data") == "elements[3].data".
func ElementField(i int, field string) string {
	if field == "" {
		return fmt.Sprintf("elements[%d]", i)
	}
	return fmt.Sprintf("elements[%d].%s", i, field)
}
