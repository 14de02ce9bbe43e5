package wsserver

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/labelbridge/labelbridge/printing"
)

// conn is one WebSocket client. One goroutine reads and dispatches in order
// (so prints from one page queue in the order sent); replies to print come
// from small goroutines once each job is durably stored; events come from
// the subscription goroutine. Writes may be concurrent (coder/websocket
// serialises them).
type conn struct {
	srv    *Server
	ws     *websocket.Conn
	peer   peer
	ctx    context.Context
	cancel context.CancelFunc

	mu     sync.Mutex
	sub    *printing.Subscription
	topics map[string]bool
	wg     sync.WaitGroup
}

func newConn(s *Server, ws *websocket.Conn, p peer) *conn {
	return &conn{srv: s, ws: ws, peer: p}
}

func (c *conn) run(parent context.Context) {
	c.ctx, c.cancel = context.WithCancel(context.Background())
	defer c.cancel()
	defer c.wg.Wait()
	defer c.unsubscribe()
	c.wg.Add(1)
	go c.keepAlive()
	for {
		typ, data, err := c.ws.Read(c.ctx)
		if err != nil {
			switch {
			case errors.Is(err, websocket.ErrMessageTooBig):
				c.srv.log.Warn("closed connection: message over the read limit", "origin", c.peer.origin, "limit", c.srv.opt.MaxMessageBytes)
			case websocket.CloseStatus(err) == websocket.StatusNormalClosure, websocket.CloseStatus(err) == websocket.StatusGoingAway:
			default:
				c.srv.log.Debug("connection ended", "origin", c.peer.origin, "err", err)
			}
			return
		}
		if typ != websocket.MessageText {
			c.reply(nil, nil, newError(codeInvalidRequest, printing.ErrReasonInvalidParams, "binary messages are not part of the protocol: send JSON-RPC text"))
			continue
		}
		c.handleMessage(data)
	}
}

// keepAlive pings so dead peers (sleeping laptops, killed tabs) are noticed.
func (c *conn) keepAlive() {
	defer c.wg.Done()
	t := time.NewTicker(c.srv.opt.PingEvery)
	defer t.Stop()
	for {
		select {
		case <-c.ctx.Done():
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(c.ctx, c.srv.opt.PingEvery)
			err := c.ws.Ping(ctx)
			cancel()
			if err != nil && c.ctx.Err() == nil {
				c.closeWith(websocket.StatusPolicyViolation, "no pong")
				return
			}
		}
	}
}

func (c *conn) closeWith(code websocket.StatusCode, reason string) {
	go func() { _ = c.ws.Close(code, reason) }()
}

func (c *conn) write(v any) {
	data, err := json.Marshal(v)
	if err != nil {
		c.srv.log.Error("encode message", "err", err)
		return
	}
	ctx, cancel := context.WithTimeout(c.ctx, c.srv.opt.WriteTimeout)
	defer cancel()
	if err := c.ws.Write(ctx, websocket.MessageText, data); err != nil && c.ctx.Err() == nil {
		c.srv.log.Debug("write failed; closing", "origin", c.peer.origin, "err", err)
		c.cancel()
	}
}

func (c *conn) reply(id json.RawMessage, result any, err error) {
	if id == nil && err == nil {
		return // notification: no reply
	}
	if id == nil {
		id = json.RawMessage("null")
	}
	resp := response{JSONRPC: "2.0", ID: id}
	if err != nil {
		resp.Error = toRPCError(err)
	} else {
		if result == nil {
			result = struct{}{}
		}
		resp.Result = result
	}
	c.write(resp)
}

// handleMessage parses one message: a request, a notification or a batch.
func (c *conn) handleMessage(data []byte) {
	trimmed := skipSpace(data)
	if len(trimmed) > 0 && trimmed[0] == '[' {
		c.handleBatch(trimmed)
		return
	}
	var req request
	if err := json.Unmarshal(data, &req); err != nil {
		c.reply(nil, nil, newError(codeParseError, "parse_error", "not valid JSON: %v", err))
		return
	}
	if e := validateRequest(&req); e != nil {
		c.reply(req.ID, nil, e)
		return
	}
	c.dispatch(&req, func(result any, err error) { c.reply(req.ID, result, err) })
}

func skipSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\n' || b[0] == '\r' || b[0] == '\t') {
		b = b[1:]
	}
	return b
}

func validateRequest(req *request) *rpcError {
	if req.JSONRPC != "2.0" {
		return newError(codeInvalidRequest, "invalid_request", `"jsonrpc" must be "2.0"`)
	}
	if req.Method == "" {
		return newError(codeInvalidRequest, "invalid_request", `"method" is required`)
	}
	return nil
}

// handleBatch answers a JSON-RPC batch with one array, in order.
func (c *conn) handleBatch(data []byte) {
	var items []json.RawMessage
	if err := json.Unmarshal(data, &items); err != nil {
		c.reply(nil, nil, newError(codeParseError, "parse_error", "not valid JSON: %v", err))
		return
	}
	if len(items) == 0 {
		c.reply(nil, nil, newError(codeInvalidRequest, "invalid_request", "empty batch"))
		return
	}
	type slot struct {
		done chan struct{}
		resp *response
	}
	slots := make([]*slot, len(items))
	for i, raw := range items {
		sl := &slot{done: make(chan struct{})}
		slots[i] = sl
		var req request
		if err := json.Unmarshal(raw, &req); err != nil {
			sl.resp = &response{JSONRPC: "2.0", ID: json.RawMessage("null"), Error: newError(codeInvalidRequest, "invalid_request", "batch item %d: %v", i, err)}
			close(sl.done)
			continue
		}
		if e := validateRequest(&req); e != nil {
			sl.resp = &response{JSONRPC: "2.0", ID: req.ID, Error: e}
			if req.ID == nil {
				sl.resp.ID = json.RawMessage("null")
			}
			close(sl.done)
			continue
		}
		id := req.ID
		c.dispatch(&req, func(result any, err error) {
			if id != nil {
				r := &response{JSONRPC: "2.0", ID: id}
				if err != nil {
					r.Error = toRPCError(err)
				} else {
					if result == nil {
						result = struct{}{}
					}
					r.Result = result
				}
				sl.resp = r
			}
			close(sl.done)
		})
	}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		out := make([]*response, 0, len(slots))
		for _, sl := range slots {
			select {
			case <-sl.done:
			case <-c.ctx.Done():
				return
			}
			if sl.resp != nil {
				out = append(out, sl.resp)
			}
		}
		if len(out) > 0 {
			c.write(out)
		}
	}()
}

// handler runs one method. It returns at once with a result, or returns
// errPending after arranging to call done later (print).
type handler struct {
	admin bool
	fn    func(c *conn, req *request) (any, error)
	async func(c *conn, req *request, done func(any, error))
}

var methods map[string]handler

func init() {
	methods = map[string]handler{
		"hello":               {fn: (*conn).hello},
		"printers.list":       {fn: (*conn).printersList},
		"printers.get":        {fn: (*conn).printersGet},
		"printers.setDefault": {fn: (*conn).printersSetDefault},
		"print":               {async: (*conn).print},
		"jobs.list":           {fn: (*conn).jobsList},
		"jobs.get":            {fn: (*conn).jobsGet},
		"jobs.cancel":         {fn: (*conn).jobsCancel},
		"jobs.retry":          {fn: (*conn).jobsRetry},
		"subscribe":           {fn: (*conn).subscribe},
		"unsubscribe":         {fn: (*conn).unsubscribeMethod},
		"labels.preview":      {fn: (*conn).labelsPreview},
	}
}

func (c *conn) dispatch(req *request, done func(any, error)) {
	h, ok := methods[req.Method]
	if !ok {
		c.srv.mu.Lock()
		h, ok = c.srv.extra[req.Method]
		c.srv.mu.Unlock()
	}
	if !ok {
		done(nil, newError(codeMethodNotFound, "method_not_found", "method %q does not exist", req.Method))
		return
	}
	if h.admin && !c.peer.admin {
		done(nil, newError(codeApplication, printing.ErrReasonNotAllowed, "method %q is only for the Labelbridge panel and CLI", req.Method))
		return
	}
	if h.async != nil {
		h.async(c, req, done)
		return
	}
	done(h.fn(c, req))
}
