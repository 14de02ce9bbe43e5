package wsserver_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/labelbridge/labelbridge/client"
	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/wsserver"
)

// Replies and events leave in the order they were produced: a method that
// emits an event and then replies is seen event, reply, event, reply…
func TestRepliesAndEventsKeepProductionOrder(t *testing.T) {
	e := newEnv(t, nil)
	e.srv.AddAdminMethods(wsserver.AdminMethod{Name: "test.emit", Call: func(_ context.Context, raw json.RawMessage) (any, error) {
		var p struct{ K int }
		if err := json.Unmarshal(raw, &p); err != nil {
			return nil, err
		}
		e.srv.Notify("sites", "sites", map[string]int{"k": p.K})
		return map[string]int{"k": p.K}, nil
	}})
	ws := e.rawDial("")
	writeMsg(t, ws, `{"jsonrpc":"2.0","id":0,"method":"subscribe","params":{"topics":["sites"]}}`)
	readMsg(t, ws)
	const n = 300
	var b strings.Builder
	for k := 1; k <= n; k++ {
		b.Reset()
		fmt.Fprintf(&b, `{"jsonrpc":"2.0","id":%d,"method":"test.emit","params":{"k":%d}}`, k, k)
		writeMsg(t, ws, b.String())
	}
	for k := 1; k <= n; k++ {
		var ev, rep wireReply
		_ = json.Unmarshal(readMsg(t, ws), &ev)
		_ = json.Unmarshal(readMsg(t, ws), &rep)
		want := fmt.Sprintf(`{"k":%d}`, k)
		if ev.Method != "sites" || string(ev.Params) != want || string(rep.ID) != fmt.Sprint(k) || string(rep.Result) != want {
			t.Fatalf("message pair %d: event %s %s, reply id %s %s", k, ev.Method, ev.Params, rep.ID, rep.Result)
		}
	}
}

// smallBuffers makes accepted connections' socket buffers tiny, so a client
// that stops reading backs the server up after a few KB.
type smallBuffers struct{ net.Listener }

func (l smallBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetWriteBuffer(4 << 10)
		_ = tc.SetReadBuffer(4 << 10)
	}
	return c, err
}

// A subscriber that stops reading falls behind and gets a clean close with
// 1008 and a reason, after whole messages (never a frame cut in half).
func TestLaggingSubscriberGets1008(t *testing.T) {
	e := newEnvWith(t, func(o *wsserver.Options, _ *printing.Options) { o.EventBuffer = 4 },
		envWrap{listener: func(l net.Listener) net.Listener { return smallBuffers{l} }})
	dialer := &net.Dialer{Control: nil}
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dialer.DialContext(ctx, network, addr)
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetReadBuffer(4 << 10)
		}
		return c, err
	}}}
	ws, _, err := websocket.Dial(ctx(t), e.url, &websocket.DialOptions{HTTPClient: hc, HTTPHeader: http.Header{"Authorization": {"Bearer " + token}}})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	writeMsg(t, ws, `{"jsonrpc":"2.0","id":0,"method":"subscribe","params":{"topics":["sites"]}}`)
	readMsg(t, ws)
	pad := strings.Repeat("x", 16<<10)
	const sent = 300 // 4.8 MB: far more than the socket buffers and the queue hold
	for i := range sent {
		e.srv.Notify("sites", "sites", map[string]any{"i": i, "pad": pad})
	}
	got := 0
	for {
		_, data, err := ws.Read(ctx(t))
		if err != nil {
			if s := websocket.CloseStatus(err); s != websocket.StatusPolicyViolation {
				t.Fatalf("after %d events: %v (status %d), want a 1008 close", got, err, s)
			}
			var ce websocket.CloseError
			if !errors.As(err, &ce) || !strings.Contains(ce.Reason, "behind") {
				t.Fatalf("close reason %q should say the client fell behind", ce.Reason)
			}
			break
		}
		var r wireReply
		if err := json.Unmarshal(data, &r); err != nil || r.Method != "sites" {
			t.Fatalf("event %d is not a whole message: %v", got, err)
		}
		got++
	}
	// How many whole events arrive before the close depends on when the
	// connection's writer ran (none, on a busy machine); never all of them.
	if got >= sent {
		t.Fatalf("a lagging client got all %d events: it was never closed", sent)
	}
}

// A request body that stops arriving is cut off with 408 after the body
// timeout, on the main listener (the WebSocket routes are not affected).
func TestSlowBodyTimesOut(t *testing.T) {
	e := newEnv(t, func(o *wsserver.Options, _ *printing.Options) { o.BodyTimeout = 100 * time.Millisecond })
	conn, err := net.Dial("tcp4", fmt.Sprintf("127.0.0.1:%d", e.port))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second)) // a failing test must not hang
	fmt.Fprintf(conn, "POST /healthz HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Length: 1000\r\n\r\nx", e.port)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to a stalled body: %v", err)
	}
	defer resp.Body.Close()
	var body struct{ Reason, Error string }
	_ = json.NewDecoder(resp.Body).Decode(&body)
	if resp.StatusCode != http.StatusRequestTimeout || body.Reason != "request_timeout" || !strings.Contains(body.Error, "100ms") {
		t.Fatalf("stalled body: %d %+v, want 408 request_timeout", resp.StatusCode, body)
	}
	// The WebSocket is long-lived and idle: no body timeout applies to it.
	c := e.page()
	if _, err := c.Hello(ctx(t)); err != nil {
		t.Fatal(err)
	}
}

// recordingSpooler records the filters jobs.list hands to the core.
type recordingSpooler struct {
	*printing.Spooler
	mu      sync.Mutex
	filters []printing.JobFilter
}

func (r *recordingSpooler) Jobs(f printing.JobFilter) ([]printing.Job, error) {
	r.mu.Lock()
	r.filters = append(r.filters, f)
	r.mu.Unlock()
	return r.Spooler.Jobs(f)
}

// jobs.list hands its state, printer and limit to the core (which reads
// only what it needs), with the page's own origin and a capped limit.
func TestJobsListPassesFilters(t *testing.T) {
	rec := &recordingSpooler{}
	e := newEnvWith(t, nil, envWrap{spooler: func(sp *printing.Spooler) wsserver.Spooler { rec.Spooler = sp; return rec }})
	c := e.page()
	cx := ctx(t)
	if err := c.Call(cx, "jobs.list", map[string]any{"state": "held", "printer": "blocked", "limit": 7}, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Call(cx, "jobs.list", nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Call(cx, "jobs.list", map[string]any{"limit": 5000}, nil); reasonOf(err) != "invalid_params" {
		t.Fatalf("limit 5000: %v", err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	want := []printing.JobFilter{
		{State: printing.JobHeld, Printer: "blocked", Origin: pageOrigin, Limit: 7},
		{Origin: pageOrigin, Limit: 100},
	}
	if fmt.Sprint(rec.filters) != fmt.Sprint(want) {
		t.Fatalf("filters = %+v, want %+v", rec.filters, want)
	}
}

// BenchmarkLargestBatch measures the largest batch the limits allow: 100
// jobs.list of up to 1000 jobs each, over a history of 300 jobs with long
// titles and keys (about 200 KB a reply), so the batch's reply is cut at
// the 16 MiB reply limit. Reported: time and bytes allocated per batch.
func BenchmarkLargestBatch(b *testing.B) {
	e := newEnv(b, func(o *wsserver.Options, _ *printing.Options) { o.MaxMessageBytes = 16 << 20 })
	c := e.page()
	long := strings.Repeat("t", 250)
	for i := range 300 {
		if _, err := c.Print(ctx(b), client.PrintParams{Printer: "virtual", Title: long, IdempotencyKey: fmt.Sprintf("%s-%d", long[:200], i), Raw: &client.Raw{Data: str("^XA^XZ")}}); err != nil {
			b.Fatal(err)
		}
	}
	ws := e.rawDial(pageOrigin)
	var sb strings.Builder
	sb.WriteString("[")
	for i := range 100 {
		if i > 0 {
			sb.WriteString(",")
		}
		fmt.Fprintf(&sb, `{"jsonrpc":"2.0","id":%d,"method":"jobs.list","params":{"limit":1000}}`, i)
	}
	sb.WriteString("]")
	msg := sb.String()
	b.ReportAllocs()
	b.ResetTimer()
	size := 0
	for range b.N {
		writeMsg(b, ws, msg)
		size = len(readMsg(b, ws))
	}
	b.ReportMetric(float64(size), "reply-bytes")
}
