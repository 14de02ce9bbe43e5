package wsserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/labelbridge/labelbridge/printing"
)

// conn is one WebSocket client, served by four goroutines:
//   - the reader (run) reads messages and hands them to the executor. It
//     keeps reading while requests work, so pings, pongs and close frames
//     are answered; it stops reading only while MaxInFlight messages are
//     unanswered (back-pressure instead of an unbounded queue).
//   - the executor runs messages one at a time, in the order they came, so
//     prints from one page queue in the order sent. Work that renders first
//     takes a slot of the server's worker pool. A print's reply waits for
//     the durable store in a small goroutine, bounded by MaxInFlight.
//   - the writer is the only goroutine that writes messages: replies and
//     events go through one queue and leave in the order they were
//     produced. A client whose queue is full has fallen behind and gets a
//     clean 1008 close after the message being written.
//   - keepAlive pings.
//
// Each request runs with a context that ends when the connection closes or
// after RequestTimeout.
type conn struct {
	srv    *Server
	ws     *websocket.Conn
	peer   peer
	ctx    context.Context
	cancel context.CancelFunc

	inflight chan struct{} // one token per unanswered message (cap MaxInFlight)
	inbox    chan inbound  // messages read, for the executor (cap MaxInFlight)

	outMu    sync.Mutex
	out      chan []byte // encoded messages for the writer
	outBytes int64       // bytes waiting in out
	closing  bool        // a close was asked for: nothing more is queued
	closeReq chan closeFrame

	mu     sync.Mutex
	sub    *printing.Subscription
	topics map[string]bool
	wg     sync.WaitGroup
}

type inbound struct {
	data    []byte
	binary  bool
	release func() // gives back the message's in-flight token
}

type closeFrame struct {
	code   websocket.StatusCode
	reason string
}

func newConn(s *Server, ws *websocket.Conn, p peer) *conn {
	n := s.opt.MaxInFlight
	c := &conn{
		srv: s, ws: ws, peer: p,
		inflight: make(chan struct{}, n),
		inbox:    make(chan inbound, n),
		out:      make(chan []byte, s.opt.EventBuffer+n),
		closeReq: make(chan closeFrame, 1),
	}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	return c
}

func (c *conn) run() {
	c.wg.Add(3)
	go c.writeLoop()
	go c.execute()
	go c.keepAlive()
	defer func() {
		c.cancel()
		c.unsubscribe()
		c.wg.Wait()
	}()
	for {
		select {
		case c.inflight <- struct{}{}:
		case <-c.ctx.Done():
			return
		}
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
		var once sync.Once
		release := func() { once.Do(func() { <-c.inflight }) }
		select {
		case c.inbox <- inbound{data: data, binary: typ != websocket.MessageText, release: release}:
		case <-c.ctx.Done():
			return
		}
	}
}

// execute runs the messages in the order they were read.
func (c *conn) execute() {
	defer c.wg.Done()
	for {
		select {
		case <-c.ctx.Done():
			return
		case m := <-c.inbox:
			if m.binary {
				c.reply(nil, "", nil, newError(codeInvalidRequest, printing.ErrReasonInvalidParams, "binary messages are not part of the protocol: send JSON-RPC text"))
				m.release()
				continue
			}
			c.handleMessage(m.data, m.release)
		}
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

// closeWith asks the writer to close the connection with code and reason
// once the message it is writing is out; messages still queued are dropped.
// The first request wins.
func (c *conn) closeWith(code websocket.StatusCode, reason string) {
	c.outMu.Lock()
	c.closing = true
	c.outMu.Unlock()
	select {
	case c.closeReq <- closeFrame{code, reason}:
	default:
	}
}

// send queues an encoded message for the writer. A client that lets the
// queue fill (it does not read) has fallen behind: it is closed with 1008.
func (c *conn) send(data []byte) {
	c.outMu.Lock()
	if c.closing {
		c.outMu.Unlock()
		return
	}
	if len(c.out) == cap(c.out) || c.outBytes+int64(len(data)) > c.srv.opt.QueuedBytes {
		c.outMu.Unlock()
		c.srv.log.Warn("closing a connection that fell behind (it does not read its messages)",
			"origin", c.peer.origin, "queued", len(c.out), "queuedBytes", c.outBytes)
		c.closeWith(websocket.StatusPolicyViolation, "too slow: fell behind on messages")
		return
	}
	c.outBytes += int64(len(data))
	c.out <- data // never blocks: checked above, under outMu
	c.outMu.Unlock()
}

// writeLoop writes the queued messages one by one, then the close frame.
func (c *conn) writeLoop() {
	defer c.wg.Done()
	closeWS := func(f closeFrame) {
		_ = c.ws.Close(f.code, f.reason) // the close handshake; the reader sees the peer's answer
		c.cancel()
	}
	for {
		select { // a close asked for goes before anything still queued
		case f := <-c.closeReq:
			closeWS(f)
			return
		default:
		}
		select {
		case f := <-c.closeReq:
			closeWS(f)
			return
		case <-c.ctx.Done():
			return
		case data := <-c.out:
			c.outMu.Lock()
			c.outBytes -= int64(len(data))
			c.outMu.Unlock()
			ctx, cancel := context.WithTimeout(c.ctx, c.srv.opt.WriteTimeout)
			err := c.ws.Write(ctx, websocket.MessageText, data)
			cancel()
			if err != nil {
				if c.ctx.Err() == nil {
					c.srv.log.Debug("write failed; closing", "origin", c.peer.origin, "err", err)
				}
				c.cancel()
				return
			}
		}
	}
}

// encodeReply builds the reply to one request; a result over the reply
// limit becomes a payload_too_large error.
func (c *conn) encodeReply(id json.RawMessage, method string, result any, err error) []byte {
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
	data, merr := json.Marshal(resp)
	if merr != nil {
		c.srv.log.Error("encode reply", "method", method, "err", merr)
		data, _ = json.Marshal(response{JSONRPC: "2.0", ID: id, Error: newError(codeInternal, "internal_error", "encode the reply to %s: %v", method, merr)})
		return data
	}
	if limit := c.srv.opt.MaxReplyBytes; int64(len(data)) > limit {
		data, _ = json.Marshal(response{JSONRPC: "2.0", ID: id, Error: newError(codeApplication, printing.ErrReasonPayloadTooLarge,
			"the reply to %s would be %d bytes, over the limit of %d: ask for less (a smaller limit, a smaller label)", method, len(data), limit)})
	}
	return data
}

// reply answers one request (nothing for a notification without error).
func (c *conn) reply(id json.RawMessage, method string, result any, err error) {
	if id == nil && err == nil {
		return
	}
	c.send(c.encodeReply(id, method, result, err))
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
		c.reply(nil, "", nil, newError(codeParseError, "parse_error", "not valid JSON: %v", err))
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
	if req.JSONRPC != "2.0" {
		return newError(codeInvalidRequest, "invalid_request", `"jsonrpc" must be "2.0"`)
	}
	if req.Method == "" {
		return newError(codeInvalidRequest, "invalid_request", `"method" is required`)
	}
	return nil
}

// splitBatch splits a JSON-RPC batch into its entries, refusing an empty
// batch and one with more than max entries (before any of them runs).
func splitBatch(data []byte, max int) ([]json.RawMessage, *rpcError) {
	var items []json.RawMessage
	if err := json.Unmarshal(data, &items); err != nil {
		return nil, newError(codeParseError, "parse_error", "not valid JSON: %v", err)
	}
	if len(items) == 0 {
		return nil, newError(codeInvalidRequest, "invalid_request", "empty batch")
	}
	if len(items) > max {
		return nil, newError(codeInvalidRequest, printing.ErrReasonTooComplex, "batch has %d requests (limit %d): send them in smaller batches", len(items), max)
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
			data, _ = json.Marshal(response{JSONRPC: "2.0", ID: id, Error: newError(codeApplication, printing.ErrReasonPayloadTooLarge,
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
			b.set(c, i, json.RawMessage("null"), "", nil, newError(codeInvalidRequest, "invalid_request", "batch item %d: %v", i, err))
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
			b.set(c, i, req.ID, req.Method, nil, newError(codeApplication, printing.ErrReasonPayloadTooLarge,
				"not run: the batch's reply reached the limit of %d bytes before entry %d: send it again in another batch", c.srv.opt.MaxReplyBytes, i))
			continue
		}
		id, method := req.ID, req.Method
		c.dispatch(&req, func(result any, err error) { b.set(c, i, id, method, result, err) })
	}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		defer release()
		select {
		case <-b.done:
		case <-c.ctx.Done():
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
			c.send(append(out, ']'))
		}
	}()
}

// handler runs one method. fn answers at once; async arranges to call done
// later (print). renders marks work that takes a render worker.
type handler struct {
	admin   bool
	renders bool
	fn      func(c *conn, req *request) (any, error)
	async   func(c *conn, req *request, done func(any, error))
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
		"labels.preview":      {fn: (*conn).labelsPreview, renders: true},
	}
}

// dispatch runs req with its own context (ended by the connection's close
// or RequestTimeout) and calls done exactly once.
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
	ctx, cancel := context.WithTimeout(c.ctx, c.srv.opt.RequestTimeout)
	req.ctx = ctx
	finish := func(result any, err error) {
		if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) &&
			(errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)) {
			err = c.srv.timeoutError(req.Method, h.renders || req.renders)
		}
		cancel()
		done(result, err)
	}
	if h.async != nil {
		h.async(c, req, finish)
		return
	}
	if h.renders {
		if err := c.srv.acquireWorker(ctx); err != nil {
			finish(nil, err)
			return
		}
		defer c.srv.releaseWorker()
	}
	finish(h.fn(c, req))
}

// acquireWorker takes a slot of the render pool, waiting until ctx ends.
func (s *Server) acquireWorker(ctx context.Context) error {
	select {
	case s.workers <- struct{}{}:
		return nil
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return newError(codeApplication, printing.ErrReasonUnavailable,
				"all %d render workers stayed busy for %s: try again", cap(s.workers), s.opt.RequestTimeout)
		}
		return fmt.Errorf("wait for a render worker: %w", ctx.Err())
	}
}

func (s *Server) releaseWorker() { <-s.workers }

// timeoutError explains a request that ran past RequestTimeout.
func (s *Server) timeoutError(method string, renders bool) error {
	if renders {
		return newError(codeApplication, printing.ErrReasonTooComplex,
			"%s did not finish within %s: make the label simpler (fewer or smaller elements, a lower dpi)", method, s.opt.RequestTimeout)
	}
	return newError(codeApplication, printing.ErrReasonUnavailable, "%s did not finish within %s", method, s.opt.RequestTimeout)
}
