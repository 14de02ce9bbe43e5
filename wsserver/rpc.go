package wsserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/labelbridge/labelbridge/printing"
)

// ProtocolVersion is the wire protocol's version, reported by hello and /healthz.
const ProtocolVersion = 1

// JSON-RPC 2.0 error codes.
const (
	codeParseError     = -32700
	codeInvalidRequest = -32600
	codeMethodNotFound = -32601
	codeInvalidParams  = -32602
	codeInternal       = -32603
	codeApplication    = -32000
)

// request is an incoming JSON-RPC message.
type request struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id,omitempty"`
	Method  string          `json:"method"`
	Params  json.RawMessage `json:"params,omitempty"`

	ctx     context.Context // ends when the connection closes or the request times out
	renders bool            // the request took a render worker (a print with a label)
}

type response struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Result  any             `json:"result,omitempty"`
	Error   *rpcError       `json:"error,omitempty"`
}

type notification struct {
	JSONRPC string `json:"jsonrpc"`
	Method  string `json:"method"`
	Params  any    `json:"params"`
}

// rpcError is a JSON-RPC error; data.reason is the stable snake_case reason
// pages switch on.
type rpcError struct {
	Code    int       `json:"code"`
	Message string    `json:"message"`
	Data    errorData `json:"data"`
}

type errorData struct {
	Reason string `json:"reason"`
}

func (e *rpcError) Error() string { return e.Message }

func newError(code int, reason, format string, args ...any) *rpcError {
	return &rpcError{Code: code, Message: fmt.Sprintf(format, args...), Data: errorData{Reason: reason}}
}

func invalidParams(format string, args ...any) *rpcError {
	return newError(codeInvalidParams, printing.ErrReasonInvalidParams, format, args...)
}

// toRPCError maps any error to a JSON-RPC error with a reason.
func toRPCError(err error) *rpcError {
	var re *rpcError
	if errors.As(err, &re) {
		return re
	}
	reason := printing.ReasonOf(err, "internal_error")
	code := codeApplication
	switch reason {
	case printing.ErrReasonInvalidParams:
		code = codeInvalidParams
	case "internal_error", printing.ErrReasonStoreFailed:
		code = codeInternal
	}
	return &rpcError{Code: code, Message: err.Error(), Data: errorData{Reason: reason}}
}

// decodeParams decodes params strictly into v: unknown fields are errors
// that name the field. Absent params decode as {}.
func decodeParams(raw json.RawMessage, v any) error {
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		raw = []byte("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return invalidParams("params: %s", describeJSONError(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return invalidParams("params: unexpected data after the object")
	}
	return nil
}

func describeJSONError(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field == "" {
			return fmt.Sprintf("must be a JSON %s, got %s", te.Type, te.Value)
		}
		return fmt.Sprintf("%s: must be %s, got %s", te.Field, jsonType(te.Type.String()), te.Value)
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if f, ok := strings.CutPrefix(msg, "unknown field "); ok {
		return "unknown field " + f
	}
	return msg
}

func jsonType(goType string) string {
	switch {
	case strings.HasPrefix(goType, "int"), strings.HasPrefix(goType, "uint"), strings.HasPrefix(goType, "float"):
		return "a number"
	case goType == "string", strings.HasSuffix(goType, "JobState"):
		return "a string"
	case goType == "bool":
		return "true or false"
	case strings.HasPrefix(goType, "[]"):
		return "an array"
	}
	return "an object"
}
