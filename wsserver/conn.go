package wsserver

import (
	"sync"

	"github.com/coder/websocket"

	"github.com/labelbridge/labelbridge/internal/wsconn"
	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/wire"
)

// conn is one WebSocket client (this file: its creation; reply.go:
// requests, batches and replies; dispatch.go: the method table; methods.go
// and events.go: the methods). Package wsconn serves it:
//   - the reader keeps reading while requests work, so pings, pongs and
//     close frames are answered; it stops reading only while MaxInFlight
//     messages are unanswered (back-pressure instead of an unbounded queue).
//   - the executor runs messages one at a time, in the order they came, so
//     prints from one page queue in the order sent. Work that renders first
//     takes a slot of the server's worker pool. A print's reply waits for
//     the durable store in a small goroutine (Go), bounded by MaxInFlight.
//   - one writer: replies and events go through one queue (Send) and leave
//     in the order they were produced. A client whose queue is full has
//     fallen behind and gets a clean 1008 close after the message being
//     written.
//   - keepAlive pings.
//
// Each request runs with a context that ends when the connection closes or
// after RequestTimeout.
type conn struct {
	*wsconn.Conn
	srv  *Server
	peer peer

	mu     sync.Mutex
	sub    *printing.Subscription
	topics map[string]bool
}

func newConn(s *Server, ws *websocket.Conn, p peer) *conn {
	c := &conn{srv: s, peer: p}
	c.Conn = wsconn.New(ws, wsconn.Options{
		MaxInFlight: s.opt.MaxInFlight, QueueLen: s.opt.EventBuffer + s.opt.MaxInFlight, QueueBytes: s.opt.QueuedBytes,
		ReadLimit: s.opt.MaxMessageBytes, PingEvery: s.opt.PingEvery, WriteTimeout: s.opt.WriteTimeout,
		Logger: s.log.With("origin", p.origin),
	}, c.execute)
	return c
}

// run serves the connection until it ends.
func (c *conn) run() {
	c.Run()
	c.unsubscribe()
}

// execute runs one message (on the executor, in the order they were read).
func (c *conn) execute(m wsconn.Message) {
	if m.Binary {
		c.reply(nil, "", nil, newError(wire.CodeInvalidRequest, wire.ReasonInvalidParams, "binary messages are not part of the protocol: send JSON-RPC text"))
		m.Done()
		return
	}
	c.handleMessage(m.Data, m.Done)
}
