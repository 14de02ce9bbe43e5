package qz

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Version is the QZ Tray version the listener reports to getVersion: a
// string at or above 2.2.4, so qz-tray.js applies none of its rewrites for
// older versions.
const Version = "2.2.6"

// QZ Tray's own error texts, which pages may compare against.
const (
	// ErrBlocked answers the certificate step of a site that is not
	// approved: it becomes the rejection message of qz.websocket.connect().
	ErrBlocked = "Connection blocked by client"
	// ErrRequestBlocked answers a call from a site that is not approved.
	ErrRequestBlocked = "Request blocked"
	errNotFound       = "Specified printer could not be found."
	errNoPrinter      = "A printer must be specified before printing"
)

// UnanswerableType is the "type" of the message the listener sends for a
// message it cannot answer by uid (not JSON, no uid, binary): qz-tray.js
// closes the connection on a message with neither uid nor type, and only
// logs (in debug mode) a type it does not know.
const UnanswerableType = "LABELBRIDGE_ERROR"

// Message is one decoded frame from the page.
type Message struct {
	Call   string          // "" for the certificate step
	UID    string          // echoed in the reply; "" when the page sent none
	Params json.RawMessage // the call's params (JSON null when absent)
	// Timestamp is the message's timestamp as sent (JSON text); with UID and
	// Params it keys a print, so a resend of the same message prints once.
	Timestamp string
	// Certificate is true for the certificate step (the key is present,
	// even with a null value).
	Certificate bool
}

// DecodeError is a frame that cannot be handled; UID is set when the frame
// named one, so the error can still be answered.
type DecodeError struct {
	UID string
	Msg string
}

func (e *DecodeError) Error() string { return e.Msg }

// maxUID bounds the uid echoed back (qz-tray.js sends six characters).
const maxUID = 128

// Decode parses one text frame. "ping" (qz-tray.js's keep-alive) is not a
// message: ok is false and nothing must be answered.
func Decode(data []byte) (m Message, ok bool, err error) {
	if string(data) == "ping" {
		return m, false, nil
	}
	if len(strings.TrimSpace(string(data))) == 0 {
		return m, false, &DecodeError{Msg: "empty message: send a QZ Tray JSON message"}
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return m, false, &DecodeError{Msg: fmt.Sprintf("not a QZ Tray message (a JSON object): %v", err)}
	}
	if raw, has := fields["uid"]; has {
		uid, err := scalar(raw)
		if err != nil || len(uid) > maxUID {
			return m, false, &DecodeError{Msg: fmt.Sprintf("uid: must be a string of at most %d characters", maxUID)}
		}
		m.UID = uid
	}
	if raw, has := fields["timestamp"]; has {
		m.Timestamp = string(raw)
	}
	m.Params = fields["params"]
	if m.Params == nil {
		m.Params = json.RawMessage("null")
	}
	if _, has := fields["certificate"]; has {
		m.Certificate = true
	} else if raw, has := fields["call"]; has {
		if err := json.Unmarshal(raw, &m.Call); err != nil {
			return m, false, &DecodeError{UID: m.UID, Msg: "call: must be a string"}
		}
	}
	if m.UID == "" {
		return m, false, &DecodeError{Msg: "the message has no uid: a reply could not be matched to it"}
	}
	if !m.Certificate && m.Call == "" {
		return m, false, &DecodeError{UID: m.UID, Msg: "the message names no call"}
	}
	return m, true, nil
}

// scalar is the text of a JSON string or number (QZ Tray reads uid with
// optString), "" for null.
func scalar(raw json.RawMessage) (string, error) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", err
	}
	switch v := v.(type) {
	case string:
		return v, nil
	case float64:
		return string(raw), nil
	case nil:
		return "", nil
	}
	return "", errors.New("not a string")
}

// Reply is one answer: a result or an error for uid.
type Reply struct {
	UID    string
	Result any
	Err    string
}

// Encode writes a reply the way QZ Tray does: {"uid","result"} on success
// (result may be null), {"uid","error"} on failure; a reply without uid
// carries Type so qz-tray.js does not drop the connection.
func (r Reply) Encode() []byte {
	var v any
	switch {
	case r.UID == "":
		v = struct {
			Type  string `json:"type"`
			Error string `json:"error"`
		}{UnanswerableType, r.Err}
	case r.Err != "":
		v = struct {
			UID   string `json:"uid"`
			Error string `json:"error"`
		}{r.UID, r.Err}
	default:
		v = struct {
			UID    string `json:"uid"`
			Result any    `json:"result"`
		}{r.UID, r.Result}
	}
	data, err := json.Marshal(v)
	if err != nil { // a result the handler built that cannot be encoded
		data, _ = json.Marshal(struct {
			UID   string `json:"uid"`
			Error string `json:"error"`
		}{r.UID, "encode the reply: " + err.Error()})
	}
	return data
}

// Session is one connection's protocol state: who is calling and whether
// the calls are allowed. Handle is safe to call from one goroutine at a
// time (the connection's executor).
type Session struct {
	h      *Handler
	origin string
	// refusal is why the edge refused the origin at the upgrade ("" when
	// allowed then); Allowed re-checks it on every call, so an approval or
	// a revocation takes effect on the next call.
	refusal string
}

// Outcome is what a connection does after a message: write Reply (unless
// Silent) and, when Close, close the connection.
type Outcome struct {
	Reply  Reply
	Silent bool
	Close  bool
}

// Handle answers one decoded message.
func (s *Session) Handle(ctx context.Context, m Message) Outcome {
	if m.Certificate {
		if s.h.allowed(s.origin, s.refusal) {
			return Outcome{Reply: Reply{UID: m.UID}}
		}
		s.h.log.Info("QZ Tray: connection blocked: the site is not approved (approve it in the tray or panel)",
			"origin", s.origin, "reason", s.refusal, "listener", s.h.opt.Name)
		return Outcome{Reply: Reply{UID: m.UID, Err: ErrBlocked}, Close: true}
	}
	if m.Call == "getVersion" { // asked before the certificate step, like QZ Tray (it needs no approval)
		return Outcome{Reply: s.h.version(m)}
	}
	if !s.h.allowed(s.origin, s.refusal) {
		return Outcome{Reply: Reply{UID: m.UID, Err: ErrRequestBlocked}}
	}
	res, err := s.h.call(ctx, s.origin, m)
	if err != nil {
		return Outcome{Reply: Reply{UID: m.UID, Err: err.Error()}}
	}
	return Outcome{Reply: Reply{UID: m.UID, Result: res}}
}
