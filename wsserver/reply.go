package wsserver

import (
	"encoding/json"
	"sync"

	"github.com/labelbridge/labelbridge/wire"
)

// encodeReply builds the reply to one request; a result over the reply
// limit becomes a payload_too_large error.
func (c *conn) encodeReply(id json.RawMessage, method string, result any, err error) []byte {
	if id == nil {
		id = json.RawMessage("null")
	}
	resp := response{JSONRPC: wire.JSONRPC, ID: id}
	if err != nil {
		resp.Error = toRPCError(err)
	} else {
		if result == nil {
			result = struct{}{}
		}
		resp.Result = result
	}
	data, merr := json.Marshal(resp)
	if merr != nil {
		c.srv.log.Error("encode reply", "method", method, "err", merr)
		data, _ = json.Marshal(response{JSONRPC: wire.JSONRPC, ID: id, Error: newError(wire.CodeInternal, wire.ReasonInternalError, "encode the reply to %s: %v", method, merr)})
		return data
	}
	if limit := c.srv.opt.MaxReplyBytes; int64(len(data)) > limit {
		data, _ = json.Marshal(response{JSONRPC: wire.JSONRPC, ID: id, Error: newError(wire.CodeApplication, wire.ReasonPayloadTooLarge,
			"the reply to %s would be %d bytes, over the limit of %d: ask for less (a smaller limit, a smaller label)", method, len(data), limit)})
	}
	return data
}

// reply answers one request (nothing for a notification without error).
func (c *conn) reply(id json.RawMessage, method string, result any, err error) {
	if id == nil && err == nil {
		return
	}
	c.Send(c.encodeReply(id, method, result, err))
}

// handleMessage runs one message: a request, a notification or a batch.
// release is called once the message is answered.
func (c *conn) handleMessage(data []byte, release func()) {
	trimmed := skipSpace(data)
	if len(trimmed) > 0 && trimmed[0] == '[' {
		c.handleBatch(trimmed, release)
		return
	}
	var req request
	if err := json.Unmarshal(data, &req); err != nil {
		c.reply(nil, "", nil, newError(wire.CodeParseError, wire.ReasonParseError, "not valid JSON: %v", err))
		release()
		return
	}
	if e := validateRequest(&req); e != nil {
		c.reply(req.ID, req.Method, nil, e)
		release()
		return
	}
	c.dispatch(&req, func(result any, err error) {
		c.reply(req.ID, req.Method, result, err)
		release()
	})
}

func skipSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\n' || b[0] == '\r' || b[0] == '\t') {
		b = b[1:]
	}
	return b
}

func validateRequest(req *request) *rpcError {
	if req.JSONRPC != wire.JSONRPC {
		return newError(wire.CodeInvalidRequest, wire.ReasonInvalidRequest, `"jsonrpc" must be "2.0"`)
	}
	if req.Method == "" {
		return newError(wire.CodeInvalidRequest, wire.ReasonInvalidRequest, `"method" is required`)
	}
	return nil
}

// splitBatch splits a JSON-RPC batch into its entries, refusing an empty
// batch and one with more than max entries (before any of them runs).
func splitBatch(data []byte, max int) ([]json.RawMessage, *rpcError) {
	var items []json.RawMessage
	if err := json.Unmarshal(data, &items); err != nil {
		return nil, newError(wire.CodeParseError, wire.ReasonParseError, "not valid JSON: %v", err)
	}
	if len(items) == 0 {
		return nil, newError(wire.CodeInvalidRequest, wire.ReasonInvalidRequest, "empty batch")
	}
	if len(items) > max {
		return nil, newError(wire.CodeInvalidRequest, wire.ReasonTooComplex, "batch has %d requests (limit %d): send them in smaller batches", len(items), max)
	}
	return items, nil
}

// batchReply collects a batch's replies, in order, within the reply limit.
type batchReply struct {
	mu      sync.Mutex
	parts   [][]byte // encoded replies by entry (nil: a notification)
	size    int64
	full    bool // the reply reached the limit: the entries left are not run
	pending int
	done    chan struct{}
}

// set records entry i's reply; past the reply limit it becomes an error.
func (b *batchReply) set(c *conn, i int, id json.RawMessage, method string, result any, err error) {
	var data []byte
	if id != nil {
		data = c.encodeReply(id, method, result, err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if data != nil {
		if limit := c.srv.opt.MaxReplyBytes; b.size+int64(len(data)) > limit {
			b.full = true
			data, _ = json.Marshal(response{JSONRPC: wire.JSONRPC, ID: id, Error: newError(wire.CodeApplication, wire.ReasonPayloadTooLarge,
				"the batch's reply would be over the limit of %d bytes at entry %d (%s): send the rest in another batch", limit, i, method)})
		}
		b.size += int64(len(data))
	}
	b.parts[i] = data
	b.pending--
	if b.pending == 0 {
		close(b.done)
	}
}

func (b *batchReply) isFull() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.full
}

// handleBatch runs a batch's entries in order and answers with one array.
func (c *conn) handleBatch(data []byte, release func()) {
	items, e := splitBatch(data, c.srv.opt.MaxBatch)
	if e != nil {
		c.reply(nil, "", nil, e)
		release()
		return
	}
	b := &batchReply{parts: make([][]byte, len(items)), pending: len(items), done: make(chan struct{})}
	for i, raw := range items {
		var req request
		if err := json.Unmarshal(raw, &req); err != nil {
			b.set(c, i, json.RawMessage("null"), "", nil, newError(wire.CodeInvalidRequest, wire.ReasonInvalidRequest, "batch item %d: %v", i, err))
			continue
		}
		if e := validateRequest(&req); e != nil {
			id := req.ID
			if id == nil {
				id = json.RawMessage("null")
			}
			b.set(c, i, id, req.Method, nil, e)
			continue
		}
		if b.isFull() {
			b.set(c, i, req.ID, req.Method, nil, newError(wire.CodeApplication, wire.ReasonPayloadTooLarge,
				"not run: the batch's reply reached the limit of %d bytes before entry %d: send it again in another batch", c.srv.opt.MaxReplyBytes, i))
			continue
		}
		id, method := req.ID, req.Method
		c.dispatch(&req, func(result any, err error) { b.set(c, i, id, method, result, err) })
	}
	c.Go(func() {
		defer release()
		select {
		case <-b.done:
		case <-c.Context().Done():
			return
		}
		out := make([]byte, 0, b.size+int64(len(b.parts))+2)
		out = append(out, '[')
		for _, p := range b.parts {
			if p == nil {
				continue
			}
			if len(out) > 1 {
				out = append(out, ',')
			}
			out = append(out, p...)
		}
		if len(out) > 1 { // all notifications: no reply
			c.Send(append(out, ']'))
		}
	})
}
