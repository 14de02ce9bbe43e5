package qz

import (
	"context"
	"errors"

	"github.com/coder/websocket"

	"github.com/labelbridge/labelbridge/internal/wsconn"
)

// conn is one page's connection. Package wsconn serves it: the reader
// stops reading while MaxInFlight messages are unanswered, the executor
// answers them one at a time, in order (so prints from one page are queued
// in the order sent), one writer sends the replies in that order (a page that
// sends but does not read falls behind and is closed with 1008), and
// keep-alive pings notice dead peers. This file decodes and answers.
//
// Each message is handled with a context that ends after RequestTimeout or
// when the connection closes.
type conn struct {
	*wsconn.Conn
	s       *Server
	sess    *Session
	blocked bool // the site was refused and the connection is closing (executor only)
}

func newConn(s *Server, ws *websocket.Conn, sess *Session) *conn {
	c := &conn{s: s, sess: sess}
	c.Conn = wsconn.New(ws, wsconn.Options{
		MaxInFlight: s.opt.MaxInFlight, ReadLimit: s.opt.MaxMessageBytes,
		PingEvery: s.opt.PingEvery, WriteTimeout: s.opt.WriteTimeout,
		Name: s.opt.Name, Logger: s.log.With("origin", sess.origin),
	}, c.execute)
	return c
}

// execute answers one message (on the executor); a refused site's reply is
// the last one: the connection closes with 1008 after it.
func (c *conn) execute(m wsconn.Message) {
	defer m.Done()
	if c.blocked {
		return
	}
	out := c.handle(m)
	if !out.Silent {
		c.Send(out.Reply.Encode())
	}
	if out.Close {
		c.blocked = true
		c.CloseAfterQueued(websocket.StatusPolicyViolation, ErrBlocked)
	}
}

// handle decodes and answers one message.
func (c *conn) handle(f wsconn.Message) Outcome {
	if f.Binary {
		return Outcome{Reply: Reply{Err: "binary messages are not part of QZ Tray's protocol: send JSON text"}}
	}
	m, ok, err := Decode(f.Data)
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
	ctx, cancel := context.WithTimeout(c.Context(), c.s.opt.RequestTimeout)
	defer cancel()
	return c.sess.Handle(ctx, m)
}
