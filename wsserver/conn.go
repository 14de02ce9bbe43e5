package wsserver

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/wire"
)

// conn is one WebSocket client (this file: its goroutines and the one
// writer; reply.go: requests, batches and replies; dispatch.go: the method
// table; methods.go and events.go: the methods), served by four goroutines:
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
				c.reply(nil, "", nil, newError(wire.CodeInvalidRequest, wire.ReasonInvalidParams, "binary messages are not part of the protocol: send JSON-RPC text"))
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
