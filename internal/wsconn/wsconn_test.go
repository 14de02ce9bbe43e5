package wsconn_test

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/labelbridge/labelbridge/internal/wsconn"
)

// testServer is a real coder/websocket server on 127.0.0.1 whose
// connections run on wsconn with handle.
type testServer struct {
	url   string
	addr  string
	conns chan *wsconn.Conn // each connection, before it runs
	ended chan *wsconn.Conn // each connection, once Run returned
}

func newServer(t *testing.T, opt wsconn.Options, handle func(c *wsconn.Conn, m wsconn.Message), wrap func(net.Listener) net.Listener) *testServer {
	t.Helper()
	ts := &testServer{conns: make(chan *wsconn.Conn, 16), ended: make(chan *wsconn.Conn, 16)}
	var set wsconn.Set[*wsconn.Conn]
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := wsconn.Accept(w, r)
		if err != nil {
			return
		}
		defer ws.CloseNow()
		var c *wsconn.Conn
		c = wsconn.New(ws, opt, func(m wsconn.Message) { handle(c, m) })
		if !set.Add(c) {
			return
		}
		defer set.Remove(c)
		ts.conns <- c
		c.Run()
		ts.ended <- c
	}))
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_ = srv.Listener.Close()
	srv.Listener = l
	if wrap != nil {
		srv.Listener = wrap(l)
	}
	srv.Start()
	t.Cleanup(func() {
		for _, c := range set.Shut() {
			c.CloseWith(websocket.StatusGoingAway, "test over")
		}
		srv.Close()
	})
	ts.addr = l.Addr().String()
	ts.url = "ws://" + ts.addr
	return ts
}

func ctx(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

func dial(t *testing.T, url string) *websocket.Conn {
	t.Helper()
	ws, _, err := websocket.Dial(ctx(t), url, nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { ws.CloseNow() })
	return ws
}

func write(t *testing.T, ws *websocket.Conn, msg string) {
	t.Helper()
	if err := ws.Write(ctx(t), websocket.MessageText, []byte(msg)); err != nil {
		t.Fatalf("write %q: %v", msg, err)
	}
}

func wait[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

// closeOf checks that err is the peer's close with code and a reason
// containing reason.
func closeOf(t *testing.T, err error, code websocket.StatusCode, reason string) {
	t.Helper()
	var ce websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != code || !strings.Contains(ce.Reason, reason) {
		t.Fatalf("got %v, want a close %d %q", err, code, reason)
	}
}

// echo answers each message with itself.
func echo(c *wsconn.Conn, m wsconn.Message) {
	c.Send(m.Data)
	m.Done()
}

// Messages are handled in the order they came and the replies leave in
// the order they were queued, with work in flight (replies sent from Go).
func TestOrder(t *testing.T) {
	t.Parallel()
	ts := newServer(t, wsconn.Options{MaxInFlight: 4}, func(c *wsconn.Conn, m wsconn.Message) {
		if m.Binary {
			c.Send([]byte("binary " + string(m.Data)))
			m.Done()
			return
		}
		echo(c, m)
	}, nil)
	ws := dial(t, ts.url)
	const n = 500
	got := make(chan []string, 1)
	go func() {
		var out []string
		for range n + 1 {
			_, data, err := ws.Read(context.Background())
			if err != nil {
				break
			}
			out = append(out, string(data))
		}
		got <- out
	}()
	for i := range n {
		write(t, ws, fmt.Sprint(i))
	}
	if err := ws.Write(ctx(t), websocket.MessageBinary, []byte("b")); err != nil {
		t.Fatal(err)
	}
	out := wait(t, got, "the replies")
	if len(out) != n+1 {
		t.Fatalf("got %d replies, want %d", len(out), n+1)
	}
	for i := range n {
		if out[i] != fmt.Sprint(i) {
			t.Fatalf("reply %d is %q: out of order", i, out[i])
		}
	}
	if out[n] != "binary b" {
		t.Fatalf("binary message: %q, want it marked binary", out[n])
	}
}

// The reader stops reading while MaxInFlight messages are unanswered (so
// it answers no ping either), and reads the next one, in order, as soon as
// one is answered.
func TestBackPressure(t *testing.T) {
	t.Parallel()
	const limit = 2
	var mu sync.Mutex
	outstanding := 0
	held := make(chan wsconn.Message, 16)
	ts := newServer(t, wsconn.Options{MaxInFlight: limit}, func(_ *wsconn.Conn, m wsconn.Message) {
		mu.Lock()
		outstanding++
		if outstanding > limit {
			t.Errorf("%d messages handed out unanswered, limit %d", outstanding, limit)
		}
		mu.Unlock()
		held <- m
	}, nil)
	done := func(m wsconn.Message) {
		mu.Lock()
		outstanding--
		mu.Unlock()
		m.Done()
		m.Done() // a second Done gives back nothing more
	}
	ws := dial(t, ts.url)
	go func() { _, _, _ = ws.Read(context.Background()) }() // handles the pongs
	for i := range 5 {
		write(t, ws, fmt.Sprint(i))
	}
	first := wait(t, held, "message 0")
	wait(t, held, "message 1")
	pctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	err := ws.Ping(pctx)
	cancel()
	if err == nil {
		t.Fatalf("a ping was answered with %d messages unanswered: the reader did not stop", limit)
	}
	done(first)
	if m := wait(t, held, "message 2"); string(m.Data) != "2" {
		t.Fatalf("after one answer, got %q, want message 2", m.Data)
	}
}

// While the handler works on a message, the reader keeps reading control
// frames: pings are answered.
func TestPingAnsweredWhileHandling(t *testing.T) {
	t.Parallel()
	started, release := make(chan struct{}), make(chan struct{})
	ts := newServer(t, wsconn.Options{}, func(c *wsconn.Conn, m wsconn.Message) {
		close(started)
		<-release
		echo(c, m)
	}, nil)
	ws := dial(t, ts.url)
	replies := make(chan string, 1)
	go func() {
		_, data, _ := ws.Read(context.Background())
		replies <- string(data)
	}()
	write(t, ws, "slow")
	wait(t, started, "the handler to start")
	if err := ws.Ping(ctx(t)); err != nil {
		t.Fatalf("ping while a message is handled: %v", err)
	}
	close(release)
	if r := wait(t, replies, "the reply"); r != "slow" {
		t.Fatalf("reply %q", r)
	}
}

// smallBuffers makes accepted connections' socket buffers tiny, so a peer
// that stops reading backs the writer up after a few KB.
type smallBuffers struct{ net.Listener }

func (l smallBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetWriteBuffer(4 << 10)
		_ = tc.SetReadBuffer(4 << 10)
	}
	return c, err
}

// A peer that does not read falls behind, by count or by bytes, and gets
// a clean 1008 close after whole messages.
func TestLaggardGets1008(t *testing.T) {
	t.Parallel()
	const sent, size = 300, 16 << 10 // 4.8 MB: far more than the socket buffers and the queue hold
	tests := []struct {
		name string
		opt  wsconn.Options
	}{
		{"count", wsconn.Options{QueueLen: 4, QueueBytes: 1 << 30}},
		{"bytes", wsconn.Options{QueueLen: 1 << 20, QueueBytes: 4 * size}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pad := strings.Repeat("x", size)
			ts := newServer(t, tt.opt, func(c *wsconn.Conn, m wsconn.Message) {
				for i := range sent {
					c.Send(fmt.Appendf(nil, "%04d%s", i, pad))
				}
				m.Done()
			}, func(l net.Listener) net.Listener { return smallBuffers{l} })
			hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
				if tc, ok := c.(*net.TCPConn); ok {
					_ = tc.SetReadBuffer(4 << 10)
				}
				return c, err
			}}}
			ws, _, err := websocket.Dial(ctx(t), ts.url, &websocket.DialOptions{HTTPClient: hc})
			if err != nil {
				t.Fatal(err)
			}
			defer ws.CloseNow()
			write(t, ws, "go")
			wait(t, ts.conns, "the connection")
			got := 0
			for {
				_, data, err := ws.Read(ctx(t))
				if err != nil {
					closeOf(t, err, websocket.StatusPolicyViolation, "behind")
					break
				}
				if len(data) != 4+size || string(data[:4]) != fmt.Sprintf("%04d", got) {
					t.Fatalf("message %d is not whole and in order: %d bytes, %q", got, len(data), data[:min(4, len(data))])
				}
				got++
			}
			// How many whole messages arrive before the close depends on
			// when the writer ran; never all of them.
			if got >= sent {
				t.Fatalf("a peer that did not read got all %d messages: it was never closed", sent)
			}
			wait(t, ts.ended, "Run to return")
		})
	}
}

// A peer that does not answer pings is closed with 1008 "no pong". The
// peer here is a bare TCP client that never answers anything.
func TestNoPongCloses1008(t *testing.T) {
	t.Parallel()
	ts := newServer(t, wsconn.Options{PingEvery: 50 * time.Millisecond}, echo, nil)
	nc, err := net.Dial("tcp4", ts.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	_ = nc.SetDeadline(time.Now().Add(10 * time.Second)) // a failing test must not hang
	fmt.Fprintf(nc, "GET / HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", ts.addr)
	br := bufio.NewReader(nc)
	res, err := http.ReadResponse(br, nil)
	if err != nil || res.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("handshake: %v %v", res, err)
	}
	pings := 0
	for {
		op, payload, err := readFrame(br)
		if err != nil {
			t.Fatalf("after %d pings: %v, want a close frame", pings, err)
		}
		switch op {
		case 0x9: // ping: not answered
			pings++
			continue
		case 0x8:
		default:
			t.Fatalf("frame with opcode %#x, want pings then a close", op)
		}
		if len(payload) < 2 || websocket.StatusCode(binary.BigEndian.Uint16(payload)) != websocket.StatusPolicyViolation || string(payload[2:]) != "no pong" {
			t.Fatalf("close frame %q, want 1008 no pong", payload)
		}
		if pings == 0 {
			t.Fatal("closed for no pong without a ping")
		}
		return
	}
}

// readFrame reads one unmasked frame (a server's).
func readFrame(r *bufio.Reader) (op byte, payload []byte, err error) {
	var h [2]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return 0, nil, err
	}
	n := uint64(h[1] & 0x7f)
	switch n {
	case 126:
		var b [2]byte
		_, err = io.ReadFull(r, b[:])
		n = uint64(binary.BigEndian.Uint16(b[:]))
	case 127:
		var b [8]byte
		_, err = io.ReadFull(r, b[:])
		n = binary.BigEndian.Uint64(b[:])
	}
	if err != nil || n > 1<<20 {
		return 0, nil, fmt.Errorf("frame length %d: %v", n, err)
	}
	payload = make([]byte, n)
	_, err = io.ReadFull(r, payload)
	return h[0] & 0x0f, payload, err
}

// A connection closes once: the first close asked for wins, whoever asks
// and however many times. CloseAfterQueued lets what was queued before it
// out; nothing queued after a close is sent.
func TestCloseOnce(t *testing.T) {
	t.Parallel()
	ts := newServer(t, wsconn.Options{}, func(c *wsconn.Conn, m wsconn.Message) {
		defer m.Done()
		c.Send([]byte("a"))
		c.Send([]byte("b"))
		c.CloseAfterQueued(4001, "first")
		var wg sync.WaitGroup
		for i := range 50 {
			wg.Add(2)
			go func() { defer wg.Done(); c.CloseWith(websocket.StatusCode(4100+i), "later") }()
			go func() { defer wg.Done(); c.CloseAfterQueued(websocket.StatusCode(4200+i), "later") }()
		}
		wg.Wait()
		c.Send([]byte("after the close"))
	}, nil)
	ws := dial(t, ts.url)
	write(t, ws, "go")
	var got []string
	for {
		_, data, err := ws.Read(ctx(t))
		if err != nil {
			closeOf(t, err, 4001, "first")
			break
		}
		got = append(got, string(data))
	}
	if strings.Join(got, ",") != "a,b" {
		t.Fatalf("before the close: %q, want a, b", got)
	}
	wait(t, ts.ended, "Run to return")
}

// Run returns only after the goroutines started with Go, which see the
// connection's context end.
func TestRunWaitsForGo(t *testing.T) {
	t.Parallel()
	finished := make(chan struct{})
	ts := newServer(t, wsconn.Options{}, func(c *wsconn.Conn, m wsconn.Message) {
		c.Go(func() {
			<-c.Context().Done()
			close(finished)
		})
		m.Done()
	}, nil)
	ws := dial(t, ts.url)
	write(t, ws, "go")
	wait(t, ts.conns, "the connection")
	_ = ws.Close(websocket.StatusNormalClosure, "")
	wait(t, ts.ended, "Run to return")
	select {
	case <-finished:
	default:
		t.Fatal("Run returned before a goroutine started with Go")
	}
}

// A message over ReadLimit closes the connection with 1009.
func TestReadLimit(t *testing.T) {
	t.Parallel()
	ts := newServer(t, wsconn.Options{ReadLimit: 1 << 10}, echo, nil)
	ws := dial(t, ts.url)
	write(t, ws, strings.Repeat("x", 1<<10))
	if _, data, err := ws.Read(ctx(t)); err != nil || len(data) != 1<<10 {
		t.Fatalf("a message at the limit: %d bytes, %v", len(data), err)
	}
	write(t, ws, strings.Repeat("x", 1<<10+1))
	_, _, err := ws.Read(ctx(t))
	closeOf(t, err, websocket.StatusMessageTooBig, "")
}

// Shut refuses new connections and hands back those open.
func TestSet(t *testing.T) {
	t.Parallel()
	var s wsconn.Set[int]
	for i := range 3 {
		if !s.Add(i) {
			t.Fatalf("Add(%d) refused before Shut", i)
		}
	}
	s.Remove(1)
	if got := len(s.List()); got != 2 || s.Closed() {
		t.Fatalf("List: %d connections, closed %v", got, s.Closed())
	}
	if got := s.Shut(); len(got) != 2 || !s.Closed() {
		t.Fatalf("Shut: %v, closed %v", got, s.Closed())
	}
	if s.Add(4) {
		t.Fatal("Add after Shut accepted")
	}
}

// A handler that panics (a bug) closes its own connection with 1011 and
// nothing else: the server and other connections go on.
func TestHandlerPanicClosesOnlyItsConnection(t *testing.T) {
	t.Parallel()
	ts := newServer(t, wsconn.Options{}, func(c *wsconn.Conn, m wsconn.Message) {
		if string(m.Data) == "bug" {
			var p *wsconn.Message
			_ = p.Data // nil pointer dereference
		}
		echo(c, m)
	}, nil)
	bad, good := dial(t, ts.url), dial(t, ts.url)
	write(t, bad, "bug")
	_, _, err := bad.Read(ctx(t))
	closeOf(t, err, websocket.StatusInternalError, "internal error")
	write(t, good, "still here")
	if _, data, err := good.Read(ctx(t)); err != nil || string(data) != "still here" {
		t.Fatalf("the other connection: %q, %v", data, err)
	}
	again := dial(t, ts.url)
	write(t, again, "new")
	if _, data, err := again.Read(ctx(t)); err != nil || string(data) != "new" {
		t.Fatalf("a new connection: %q, %v", data, err)
	}
}
