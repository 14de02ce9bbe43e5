// Package wsconn runs the server side of one WebSocket connection
// (github.com/coder/websocket) for the agent's listeners: a reader with
// back-pressure, an executor handling messages in order, one ordered writer
// with a bounded queue, and keep-alive pings. What a message means is the
// caller's handler (package wsserver's JSON-RPC, package qz's QZ Tray
// protocol); this package knows no protocol.
package wsconn

import (
	"context"
	"errors"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// Defaults of Options.
const (
	DefaultMaxInFlight  = 16
	DefaultQueueLen     = 8192
	DefaultReadLimit    = 16 << 20
	DefaultPingEvery    = 30 * time.Second
	DefaultWriteTimeout = 10 * time.Second
)

// Options configure a Conn (defaults in brackets, for zero or negative
// values).
type Options struct {
	MaxInFlight  int           // messages read and not yet answered (Message.Done) before the reader stops reading [16]
	QueueLen     int           // messages waiting for the writer before the peer counts as fallen behind [8192]
	QueueBytes   int64         // their bytes, likewise [4 × ReadLimit]
	ReadLimit    int64         // one message read; a bigger one closes the connection with 1009 [16 MiB]
	PingEvery    time.Duration // keep-alive pings; one unanswered for as long closes with 1008 [30 s]
	WriteTimeout time.Duration // one message write [10 s]
	Name         string        // prefixes log messages ("QZ Tray"), if set
	Logger       *slog.Logger  // with the peer's attributes (its origin) [discard]
}

// Message is one message read. Its handler calls Done once it is answered
// (possibly later, from another goroutine), which lets the reader read one
// more.
type Message struct {
	Data   []byte
	Binary bool // a binary frame (the protocols speak text)
	done   func()
}

// Done gives back the message's in-flight slot. Calls after the first do
// nothing.
func (m Message) Done() { m.done() }

// Conn is one connection, served by four goroutines:
//   - the reader (Run) reads messages and hands them to the executor. It
//     keeps reading while messages are handled, so pings, pongs and close
//     frames are answered; it stops reading only while MaxInFlight messages
//     are unanswered (back-pressure instead of an unbounded queue).
//   - the executor calls the handler with one message at a time, in the
//     order they came. A handler that panics (a bug) has the panic logged
//     and its connection closed with 1011; the agent and the other
//     connections go on. So have goroutines started with Go.
//   - the writer is the only goroutine that writes messages: everything Send
//     queues leaves in the order it was queued. A peer whose queue is full
//     has fallen behind and gets a clean 1008 close after the message being
//     written (never a message cut in half).
//   - keepAlive pings, so dead peers (sleeping laptops, killed tabs) are
//     noticed.
type Conn struct {
	ws     *websocket.Conn
	opt    Options
	log    *slog.Logger
	handle func(Message)
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	inflight chan struct{} // one token per unanswered message (cap MaxInFlight)
	inbox    chan Message  // messages read, for the executor (cap MaxInFlight)

	outMu    sync.Mutex
	out      chan outgoing // for the writer (cap QueueLen, and one for a close)
	outBytes int64         // bytes waiting in out
	closing  bool          // a close was asked for: nothing more is queued
	closeReq chan closeFrame
}

type outgoing struct {
	data  []byte
	close *closeFrame // CloseAfterQueued's close, in its place in the queue
}

type closeFrame struct {
	code   websocket.StatusCode
	reason string
}

// New prepares a connection whose messages go to handle (on the executor)
// and sets ws's read limit. Run serves it.
func New(ws *websocket.Conn, opt Options, handle func(Message)) *Conn {
	if opt.MaxInFlight <= 0 {
		opt.MaxInFlight = DefaultMaxInFlight
	}
	if opt.QueueLen <= 0 {
		opt.QueueLen = DefaultQueueLen
	}
	if opt.ReadLimit <= 0 {
		opt.ReadLimit = DefaultReadLimit
	}
	if opt.QueueBytes <= 0 {
		opt.QueueBytes = 4 * opt.ReadLimit
	}
	if opt.PingEvery <= 0 {
		opt.PingEvery = DefaultPingEvery
	}
	if opt.WriteTimeout <= 0 {
		opt.WriteTimeout = DefaultWriteTimeout
	}
	if opt.Name != "" {
		opt.Name += ": "
	}
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ws.SetReadLimit(opt.ReadLimit)
	c := &Conn{
		ws: ws, opt: opt, log: log, handle: handle,
		inflight: make(chan struct{}, opt.MaxInFlight),
		inbox:    make(chan Message, opt.MaxInFlight),
		out:      make(chan outgoing, opt.QueueLen+1),
		closeReq: make(chan closeFrame, 1),
	}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	return c
}

// Context ends when the connection ends.
func (c *Conn) Context() context.Context { return c.ctx }

// Go runs f in a goroutine Run waits for. Call it from the handler or from
// a function Go started (so Run has not finished waiting); f must return
// soon after Context ends.
func (c *Conn) Go(f func()) {
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		defer c.recoverPanic()
		f()
	}()
}

// Run reads messages until the connection ends, then waits for its
// goroutines (and those started by Go).
func (c *Conn) Run() {
	c.wg.Add(3)
	go c.writeLoop()
	go c.execute()
	go c.keepAlive()
	defer func() {
		c.cancel()
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
				c.log.Warn(c.opt.Name+"closed a connection: message over the read limit", "limit", c.opt.ReadLimit)
			case websocket.CloseStatus(err) == websocket.StatusNormalClosure, websocket.CloseStatus(err) == websocket.StatusGoingAway:
			default:
				c.log.Debug(c.opt.Name+"connection ended", "err", err)
			}
			return
		}
		var once sync.Once
		m := Message{Data: data, Binary: typ != websocket.MessageText, done: func() { once.Do(func() { <-c.inflight }) }}
		select {
		case c.inbox <- m:
		case <-c.ctx.Done():
			return
		}
	}
}

// execute hands the messages to the handler in the order they were read.
func (c *Conn) execute() {
	defer c.wg.Done()
	for {
		select {
		case <-c.ctx.Done():
			return
		case m := <-c.inbox:
			if !c.handleSafely(m) {
				return
			}
		}
	}
}

// handleSafely calls the handler; a panic in it (a bug) is logged with its
// stack and closes this connection with 1011, so one request cannot stop
// the agent and every other page's connection with it.
func (c *Conn) handleSafely(m Message) (ok bool) {
	defer func() {
		if !ok {
			m.Done()
		}
	}()
	defer c.recoverPanic()
	c.handle(m)
	return true
}

// recoverPanic, deferred, turns a panic into a log line with its stack and
// a 1011 close of this connection.
func (c *Conn) recoverPanic() {
	if r := recover(); r != nil {
		c.log.Error(c.opt.Name+"a request panicked: a bug, please report it with this log", "panic", r, "stack", string(debug.Stack()))
		c.CloseWith(websocket.StatusInternalError, "internal error")
	}
}

// keepAlive pings; a ping unanswered within PingEvery closes with 1008.
func (c *Conn) keepAlive() {
	defer c.wg.Done()
	t := time.NewTicker(c.opt.PingEvery)
	defer t.Stop()
	for {
		select {
		case <-c.ctx.Done():
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(c.ctx, c.opt.PingEvery)
			err := c.ws.Ping(ctx)
			cancel()
			if err != nil && c.ctx.Err() == nil {
				c.CloseWith(websocket.StatusPolicyViolation, "no pong")
				return
			}
		}
	}
}

// Send queues an encoded text message for the writer; it never blocks. A
// peer that lets the queue fill (it does not read) has fallen behind: it is
// closed with 1008. After a close was asked for, nothing more is queued.
func (c *Conn) Send(data []byte) {
	c.outMu.Lock()
	if c.closing || c.ctx.Err() != nil {
		c.outMu.Unlock()
		return
	}
	if len(c.out) >= c.opt.QueueLen || c.outBytes+int64(len(data)) > c.opt.QueueBytes {
		queued, queuedBytes := len(c.out), c.outBytes
		c.outMu.Unlock()
		c.log.Warn(c.opt.Name+"closing a connection that fell behind (it does not read its messages)",
			"queued", queued, "queuedBytes", queuedBytes)
		c.CloseWith(websocket.StatusPolicyViolation, "too slow: fell behind on messages")
		return
	}
	c.outBytes += int64(len(data))
	c.out <- outgoing{data: data} // never blocks: checked above, under outMu
	c.outMu.Unlock()
}

// CloseWith asks the writer to close the connection with code and reason
// once the message it is writing is out; messages still queued are
// dropped. The first close asked for (this or CloseAfterQueued) wins.
func (c *Conn) CloseWith(code websocket.StatusCode, reason string) {
	c.outMu.Lock()
	defer c.outMu.Unlock()
	if c.closing {
		return
	}
	c.closing = true
	c.closeReq <- closeFrame{code, reason} // never blocks: the only one sent
}

// CloseAfterQueued asks the writer to close the connection with code and
// reason after the messages already queued. The first close asked for wins.
func (c *Conn) CloseAfterQueued(code websocket.StatusCode, reason string) {
	c.outMu.Lock()
	defer c.outMu.Unlock()
	if c.closing {
		return
	}
	c.closing = true
	c.out <- outgoing{close: &closeFrame{code, reason}} // never blocks: out keeps a slot for it
}

// writeLoop writes the queued messages one by one, then the close frame.
func (c *Conn) writeLoop() {
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
		case o := <-c.out:
			if o.close != nil {
				closeWS(*o.close)
				return
			}
			c.outMu.Lock()
			c.outBytes -= int64(len(o.data))
			c.outMu.Unlock()
			ctx, cancel := context.WithTimeout(c.ctx, c.opt.WriteTimeout)
			err := c.ws.Write(ctx, websocket.MessageText, o.data)
			cancel()
			if err != nil {
				if c.ctx.Err() == nil {
					c.log.Debug(c.opt.Name+"write failed; closing", "err", err)
				}
				c.cancel()
				return
			}
		}
	}
}
