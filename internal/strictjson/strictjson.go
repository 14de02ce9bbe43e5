// Package strictjson is the one strict JSON decoder of the agent: an unknown
// field is an error that names it, and anything after the one JSON value is
// an error. The wire protocol (package wire) and the config files (package
// config) both decode through it and word its errors for their readers.
package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ErrTrailingData is returned when more data follows the JSON value.
var ErrTrailingData = errors.New("unexpected data after the JSON value")

// UnknownFieldError is a field that the target type does not have.
type UnknownFieldError struct {
	Field string // the field's name as sent (encoding/json gives no path)
}

func (e *UnknownFieldError) Error() string { return "unknown field " + strconv.Quote(e.Field) }

// Decode decodes the one JSON value in data into v. Errors are an
// *UnknownFieldError, ErrTrailingData, or encoding/json's own
// (*json.UnmarshalTypeError, *json.SyntaxError, io.ErrUnexpectedEOF, io.EOF
// for empty data, or an error from a type's UnmarshalJSON).
func Decode(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return unknownField(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return ErrTrailingData
	}
	return nil
}

// unknownField turns encoding/json's "json: unknown field \"x\"" (a plain
// error) into an *UnknownFieldError.
func unknownField(err error) error {
	rest, ok := strings.CutPrefix(err.Error(), "json: unknown field ")
	if !ok {
		return err
	}
	name, uerr := strconv.Unquote(rest)
	if uerr != nil {
		return fmt.Errorf("unknown field %s", rest)
	}
	return &UnknownFieldError{Field: name}
}
