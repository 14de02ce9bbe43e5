package qz

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// conn is one page's connection, served by three goroutines:
//   - the reader (run) reads frames into a queue of at most MaxInFlight
//     messages; while it is full the reader stops reading (back-pressure
//     instead of an unbounded queue), which also bounds the work one
//     connection can have waiting;
//   - the executor answers the messages one at a time, in order, so prints
//     from one page are queued in the order sent; it is the only writer;
//   - keepAlive pings, so dead peers are noticed.
//
// Each message is handled with a context that ends after RequestTimeout or
// when the connection closes.
type conn struct {
	s      *Server
	ws     *websocket.Conn
	sess   *Session
	ctx    context.Context
	cancel context.CancelFunc
	inbox  chan frame
	once   sync.Once
}

type frame struct {
	data   []byte
	binary bool
}

func newConn(s *Server, ws *websocket.Conn, sess *Session) *conn {
	c := &conn{s: s, ws: ws, sess: sess, inbox: make(chan frame, s.opt.MaxInFlight)}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	return c
}

func (c *conn) run() {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); c.execute() }()
	go func() { defer wg.Done(); c.keepAlive() }()
	defer func() {
		c.cancel()
		wg.Wait()
	}()
	for {
		typ, data, err := c.ws.Read(c.ctx)
		if err != nil {
			switch {
			case errors.Is(err, websocket.ErrMessageTooBig):
				c.s.log.Warn(c.s.opt.Name+": closed a connection: message over the read limit", "origin", c.sess.origin, "limit", c.s.opt.MaxMessageBytes)
			case websocket.CloseStatus(err) == websocket.StatusNormalClosure, websocket.CloseStatus(err) == websocket.StatusGoingAway:
			default:
				c.s.log.Debug(c.s.opt.Name+": connection ended", "origin", c.sess.origin, "err", err)
			}
			return
		}
		select {
		case c.inbox <- frame{data: data, binary: typ != websocket.MessageText}:
		case <-c.ctx.Done():
			return
		}
	}
}

// execute answers the messages in the order they were read.
func (c *conn) execute() {
	for {
		select {
		case <-c.ctx.Done():
			return
		case f := <-c.inbox:
			out := c.handle(f)
			if !out.Silent && !c.write(out.Reply.Encode()) {
				return
			}
			if out.Close {
				c.close(websocket.StatusPolicyViolation, ErrBlocked)
				return
			}
		}
	}
}

// handle decodes and answers one frame.
func (c *conn) handle(f frame) Outcome {
	if f.binary {
		return Outcome{Reply: Reply{Err: "binary messages are not part of QZ Tray's protocol: send JSON text"}}
	}
	m, ok, err := Decode(f.data)
	if err != nil {
		var de *DecodeError
		uid := ""
		if errors.As(err, &de) {
			uid = de.UID
		}
		c.s.log.Debug(c.s.opt.Name+": message refused", "origin", c.sess.origin, "err", err)
		return Outcome{Reply: Reply{UID: uid, Err: err.Error()}}
	}
	if !ok { // "ping"
		return Outcome{Silent: true}
	}
	ctx, cancel := context.WithTimeout(c.ctx, c.s.opt.RequestTimeout)
	defer cancel()
	return c.sess.Handle(ctx, m)
}

// write sends one message within WriteTimeout; false when the connection
// is gone.
func (c *conn) write(data []byte) bool {
	ctx, cancel := context.WithTimeout(c.ctx, c.s.opt.WriteTimeout)
	defer cancel()
	if err := c.ws.Write(ctx, websocket.MessageText, data); err != nil {
		if c.ctx.Err() == nil {
			c.s.log.Debug(c.s.opt.Name+": write failed; closing", "origin", c.sess.origin, "err", err)
		}
		c.cancel()
		return false
	}
	return true
}

// close closes the connection with code and reason (once).
func (c *conn) close(code websocket.StatusCode, reason string) {
	c.once.Do(func() {
		go func() { // the close handshake waits for the peer; the reader sees its answer
			_ = c.ws.Close(code, reason)
			c.cancel()
		}()
	})
}

// keepAlive pings so dead peers (sleeping laptops, killed tabs) are noticed.
func (c *conn) keepAlive() {
	t := time.NewTicker(c.s.opt.PingEvery)
	defer t.Stop()
	for {
		select {
		case <-c.ctx.Done():
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(c.ctx, c.s.opt.PingEvery)
			err := c.ws.Ping(ctx)
			cancel()
			if err != nil && c.ctx.Err() == nil {
				c.close(websocket.StatusPolicyViolation, "no pong")
				return
			}
		}
	}
}
