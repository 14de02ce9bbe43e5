// Package wire is the Labelbridge JSON-RPC 2.0 protocol as data: the method
// names, the params and result of every method, the events (notifications)
// and their topics, the job states, the error reasons, the message
// envelopes and the one strict params decoder. The agent's WebSocket
// server (wsserver), the admin methods, the Go client (client) and the
// Browser Print endpoint (browserprint) all speak through these shapes; a
// test checks that the browser SDK's types (sdk/dist/labelbridge.d.ts)
// name exactly the same methods, events, job states and reasons.
//
// Job, Printer and Site are aliases of the core's types: those types are
// the public contract already (their JSON tags are the documented fields),
// and one definition cannot drift from a copy, nor costs a field-by-field
// conversion on every reply and event. Package printing never imports wire.
//
// docs/protocol.md describes the protocol for people.
package wire

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/labelbridge/labelbridge/internal/strictjson"
)

// ProtocolVersion is the wire protocol's version, reported by hello and /healthz.
const ProtocolVersion = 1

// JSONRPC is the "jsonrpc" member of every message.
const JSONRPC = "2.0"

// JSON-RPC 2.0 error codes.
const (
	CodeParseError     = -32700
	CodeInvalidRequest = -32600
	CodeMethodNotFound = -32601
	CodeInvalidParams  = -32602
	CodeInternal       = -32603
	CodeApplication    = -32000 // every other reason: see data.reason
)

// Request is a request (with an id) or a notification (without), as the
// agent reads it. Params stay raw until the method decodes them.
type Request struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id,omitempty"`
	Method  string          `json:"method"`
	Params  json.RawMessage `json:"params,omitempty"`
}

// Response is the agent's reply to one request: Result or Error.
type Response struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Result  any             `json:"result,omitempty"`
	Error   *Error          `json:"error,omitempty"`
}

// Notification is an event the agent sends (no id): Method is an event
// name (EventJob, …) and Params its payload.
type Notification struct {
	JSONRPC string `json:"jsonrpc"`
	Method  string `json:"method"`
	Params  any    `json:"params"`
}

// Message is any one message a client reads from the agent: a reply
// (ID with Result or Error) or a notification (Method and Params, no ID).
type Message struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id,omitempty"`
	Method  string          `json:"method,omitempty"`
	Params  json.RawMessage `json:"params,omitempty"`
	Result  json.RawMessage `json:"result,omitempty"`
	Error   *Error          `json:"error,omitempty"`
}

// Error is a JSON-RPC error; Data.Reason is the stable snake_case reason
// pages switch on (one of Reasons()).
type Error struct {
	Code    int       `json:"code"`
	Message string    `json:"message"`
	Data    ErrorData `json:"data"`
}

// ErrorData is an error's data member.
type ErrorData struct {
	Reason string `json:"reason"`
	// Problems lists every problem of a label that does not validate
	// (invalid_label and the other label reasons): the message names only
	// the first.
	Problems []Problem `json:"problems,omitempty"`
}

// Problem is one problem of a label: the JSON path of the value
// ("elements[3].data", "" for the whole label), what is wrong (lengths in
// the label's own unit) and what to do about it (never empty).
type Problem struct {
	Path    string `json:"path"`
	Message string `json:"message"`
	Hint    string `json:"hint"`
}

func (e *Error) Error() string { return e.Message }

// Reason returns the snake_case reason (so printing.ReasonOf sees it).
func (e *Error) Reason() string { return e.Data.Reason }

// NewError makes an error with a JSON-RPC code, a reason and a message.
func NewError(code int, reason, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Data: ErrorData{Reason: reason}}
}

// InvalidParams makes an invalid_params error (code -32602).
func InvalidParams(format string, args ...any) *Error {
	return NewError(CodeInvalidParams, ReasonInvalidParams, format, args...)
}

// CodeFor is the JSON-RPC code that goes with reason.
func CodeFor(reason string) int {
	switch reason {
	case ReasonParseError:
		return CodeParseError
	case ReasonInvalidRequest:
		return CodeInvalidRequest
	case ReasonMethodNotFound:
		return CodeMethodNotFound
	case ReasonInvalidParams:
		return CodeInvalidParams
	case ReasonInternalError, ReasonStoreFailed:
		return CodeInternal
	}
	return CodeApplication
}

// DecodeParams decodes a method's params strictly into v: an unknown field
// is an invalid_params error that names it, and so is a value of the wrong
// type or data after the object. Absent or null params decode as {}.
func DecodeParams(raw json.RawMessage, v any) error {
	raw = json.RawMessage(strings.TrimSpace(string(raw)))
	if len(raw) == 0 || string(raw) == "null" {
		raw = json.RawMessage("{}")
	}
	if err := strictjson.Decode(raw, v); err != nil {
		if errors.Is(err, strictjson.ErrTrailingData) {
			return InvalidParams("params: unexpected data after the object")
		}
		return InvalidParams("params: %s", describe(err))
	}
	return nil
}

// describe words a decoding error for a page's developer.
func describe(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field == "" {
			return fmt.Sprintf("must be a JSON %s, got %s", te.Type, te.Value)
		}
		return fmt.Sprintf("%s: must be %s, got %s", te.Field, jsonType(te.Type), te.Value)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// jsonType names the JSON type that a Go type decodes from.
func jsonType(t reflect.Type) string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return "an object"
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "an array"
	}
	return "an object"
}
