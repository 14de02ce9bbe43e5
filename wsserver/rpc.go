package wsserver

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/printing/label"
	"github.com/labelbridge/labelbridge/wire"
)

// ProtocolVersion is the wire protocol's version, reported by hello and /healthz.
const ProtocolVersion = wire.ProtocolVersion

// request is an incoming JSON-RPC message and what the server learns while
// running it.
type request struct {
	wire.Request

	ctx     context.Context // ends when the connection closes or the request times out
	renders bool            // the request took a render worker (a print with a label)
}

type (
	response     = wire.Response
	notification = wire.Notification
	// rpcError is a JSON-RPC error; data.reason is the stable snake_case
	// reason pages switch on.
	rpcError = wire.Error
)

func newError(code int, reason, format string, args ...any) *rpcError {
	return wire.NewError(code, reason, format, args...)
}

func invalidParams(format string, args ...any) *rpcError { return wire.InvalidParams(format, args...) }

// decodeParams decodes params strictly into v (wire.DecodeParams): unknown
// fields are errors that name the field; absent params decode as {}.
func decodeParams(raw json.RawMessage, v any) error { return wire.DecodeParams(raw, v) }

// toRPCError maps any error to a JSON-RPC error with a reason.
func toRPCError(err error) *rpcError {
	var re *rpcError
	if errors.As(err, &re) {
		return re
	}
	reason := printing.ReasonOf(err, wire.ReasonInternalError)
	data := wire.ErrorData{Reason: reason}
	for _, p := range label.ProblemsOf(err) {
		data.Problems = append(data.Problems, wire.Problem{Path: p.Path, Message: p.Message, Hint: p.Hint})
	}
	return &rpcError{Code: wire.CodeFor(reason), Message: err.Error(), Data: data}
}
