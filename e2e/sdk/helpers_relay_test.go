// Test helpers: a TCP relay between the page and the agent that can drop the
// agent's replies.

package sdk_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// relay is a loopback TCP relay between the page and the agent that can
// lose the agent's replies (drop), the way a connection that dies after a
// request was stored but before its reply arrived does. It rewrites the Host
// of each HTTP request head to the agent's port (the agent checks it).
type relay struct {
	tb     testing.TB
	l      net.Listener
	port   int
	target int

	mu    sync.Mutex
	drop  bool
	conns []net.Conn
}

func newRelay(tb testing.TB, target int) *relay {
	tb.Helper()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	r := &relay{tb: tb, l: l, port: l.Addr().(*net.TCPAddr).Port, target: target}
	go r.serve()
	tb.Cleanup(func() {
		_ = l.Close()
		r.mu.Lock()
		defer r.mu.Unlock()
		for _, c := range r.conns {
			_ = c.Close()
		}
	})
	return r
}

// dropReplies makes the relay discard everything the agent sends.
func (r *relay) dropReplies(on bool) {
	r.mu.Lock()
	r.drop = on
	r.mu.Unlock()
}

func (r *relay) dropping() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.drop
}

func (r *relay) serve() {
	for {
		c, err := r.l.Accept()
		if err != nil {
			return
		}
		go r.handle(c)
	}
}

func (r *relay) handle(page net.Conn) {
	agent, err := net.Dial("tcp4", fmt.Sprintf("127.0.0.1:%d", r.target))
	if err != nil {
		_ = page.Close()
		return
	}
	r.mu.Lock()
	r.conns = append(r.conns, page, agent)
	r.mu.Unlock()
	closeBoth := func() { _ = page.Close(); _ = agent.Close() }
	go func() { // agent → page
		defer closeBoth()
		buf := make([]byte, 32<<10)
		for {
			n, err := agent.Read(buf)
			if n > 0 && !r.dropping() {
				if _, werr := page.Write(buf[:n]); werr != nil {
					return
				}
			}
			if err != nil {
				return
			}
		}
	}()
	defer closeBoth() // page → agent: request heads with the Host rewritten, then raw after an upgrade
	br := bufio.NewReader(page)
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		req.Host = fmt.Sprintf("127.0.0.1:%d", r.target)
		if err := req.Write(agent); err != nil {
			return
		}
		if strings.EqualFold(req.Header.Get("Upgrade"), "websocket") {
			_, _ = io.Copy(agent, br)
			return
		}
	}
}
