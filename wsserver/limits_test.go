package wsserver_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/labelbridge/labelbridge/client"
	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/wsserver"
)

// fakePreviewer stands in for the renderer: each call reports that it
// started, then waits for release or (unless it ignores it) for its context.
type fakePreviewer struct {
	started   chan struct{}
	release   chan struct{}
	ended     chan error // the context error a call saw
	ignoreCtx bool       // a render that never looks at its context

	mu    sync.Mutex
	calls int
}

func newFakePreviewer() *fakePreviewer {
	return &fakePreviewer{started: make(chan struct{}, 64), release: make(chan struct{}, 64), ended: make(chan error, 64)}
}

func (f *fakePreviewer) PreviewLabel(ctx context.Context, _ json.RawMessage, _ int) ([]byte, error) {
	f.mu.Lock()
	f.calls++
	f.mu.Unlock()
	f.started <- struct{}{}
	if f.ignoreCtx {
		<-f.release
		return []byte("png"), nil
	}
	select {
	case <-f.release:
		return []byte("png"), nil
	case <-ctx.Done():
		f.ended <- ctx.Err()
		return nil, fmt.Errorf("preview: %w", ctx.Err())
	}
}

func (f *fakePreviewer) callCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
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

// rawDial opens a bare WebSocket (a page, or the CLI when origin is "").
func (e *env) rawDial(origin string) *websocket.Conn {
	e.t.Helper()
	h := http.Header{}
	if origin == "" {
		h.Set("Authorization", "Bearer "+token)
	} else {
		h.Set("Origin", origin)
	}
	ws, _, err := websocket.Dial(ctx(e.t), e.url, &websocket.DialOptions{HTTPHeader: h})
	if err != nil {
		e.t.Fatalf("dial: %v", err)
	}
	ws.SetReadLimit(256 << 20)
	e.t.Cleanup(func() { ws.CloseNow() })
	return ws
}

func writeMsg(t testing.TB, ws *websocket.Conn, msg string) {
	t.Helper()
	if err := ws.Write(ctx(t), websocket.MessageText, []byte(msg)); err != nil {
		t.Fatalf("write: %v", err)
	}
}

func readMsg(t testing.TB, ws *websocket.Conn) []byte {
	t.Helper()
	_, data, err := ws.Read(ctx(t))
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return data
}

type wireReply struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Params json.RawMessage `json:"params"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
		Data    struct {
			Reason string `json:"reason"`
		} `json:"data"`
	} `json:"error"`
}

func (r wireReply) reason() string {
	if r.Error == nil {
		return ""
	}
	return r.Error.Data.Reason
}

const previewMsg = `{"jsonrpc":"2.0","id":1,"method":"labels.preview","params":{"label":{"width":10,"height":10,"elements":[]}}}`

func (e *env) printMany(n int, title string) {
	e.t.Helper()
	c := e.page()
	for range n {
		if _, err := c.Print(ctx(e.t), client.PrintParams{Printer: "virtual", Title: title, Raw: &client.Raw{Data: str("^XA^XZ")}}); err != nil {
			e.t.Fatal(err)
		}
	}
}

// A batch of thousands of requests is refused before any of them runs, with
// too_complex naming the count and the limit, and without the memory its
// replies would take (a 72 KB batch of jobs.list once took 2.3 GB).
func TestHugeBatchIsRefusedWithBoundedMemory(t *testing.T) {
	e := newEnv(t, nil)
	e.printMany(20, strings.Repeat("t", 200))
	ws := e.rawDial(pageOrigin)
	var b strings.Builder
	b.WriteString("[")
	for i := range 5000 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"jsonrpc":"2.0","id":%d,"method":"jobs.list","params":{"limit":1000}}`, i)
	}
	b.WriteString("]")
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	writeMsg(t, ws, b.String())
	data := readMsg(t, ws)
	runtime.ReadMemStats(&after)
	var r wireReply
	if err := json.Unmarshal(data, &r); err != nil || r.reason() != "too_complex" {
		t.Fatalf("reply to a batch of 5000 (%d bytes): want one too_complex error, got %.200s", len(data), data)
	}
	if !strings.Contains(r.Error.Message, "5000") || !strings.Contains(r.Error.Message, "100") {
		t.Errorf("message %q should name the batch size and the limit", r.Error.Message)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 32<<20 {
		t.Fatalf("refusing the batch allocated %d MB", alloc>>20)
	}
}

// A reply over the reply limit becomes payload_too_large; a batch stops
// running requests once its reply reaches the limit.
func TestReplySizeIsBounded(t *testing.T) {
	const limit = 16 << 10
	e := newEnv(t, func(o *wsserver.Options, _ *printing.Options) { o.MaxMessageBytes = limit })
	e.printMany(40, strings.Repeat("t", 200))
	ws := e.rawDial(pageOrigin)

	writeMsg(t, ws, `{"jsonrpc":"2.0","id":1,"method":"jobs.list","params":{"limit":100}}`)
	var r wireReply
	data := readMsg(t, ws)
	if err := json.Unmarshal(data, &r); err != nil || r.reason() != "payload_too_large" || !strings.Contains(r.Error.Message, "jobs.list") {
		t.Fatalf("jobs.list of 40 big jobs over a %d-byte limit: %.300s", limit, data)
	}

	var b strings.Builder
	b.WriteString("[")
	for i := range 20 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"jsonrpc":"2.0","id":%d,"method":"jobs.list","params":{"limit":5}}`, i)
	}
	b.WriteString("]")
	writeMsg(t, ws, b.String())
	data = readMsg(t, ws)
	var batch []wireReply
	if err := json.Unmarshal(data, &batch); err != nil || len(batch) != 20 {
		t.Fatalf("batch reply: %v, %.300s", err, data)
	}
	if len(data) > limit+20*400 {
		t.Fatalf("batch reply is %d bytes, limit %d", len(data), limit)
	}
	ok, refused := 0, 0
	for i, r := range batch {
		switch {
		case r.Error == nil:
			if refused > 0 {
				t.Fatalf("item %d ran after an item was refused", i)
			}
			ok++
		case r.reason() == "payload_too_large":
			refused++
		default:
			t.Fatalf("item %d: %+v", i, r.Error)
		}
	}
	if ok == 0 || refused == 0 {
		t.Fatalf("batch of 20 × ~3 KB under a 16 KB limit: %d answered, %d refused", ok, refused)
	}
}

// Closing the connection stops the render it started.
func TestClosingConnectionStopsItsRender(t *testing.T) {
	fp := newFakePreviewer()
	e := newEnv(t, func(o *wsserver.Options, _ *printing.Options) { o.Previewer = fp })
	ws := e.rawDial(pageOrigin)
	writeMsg(t, ws, previewMsg)
	wait(t, fp.started, "the render to start")
	ws.CloseNow()
	if err := wait(t, fp.ended, "the render to see its context end"); err != context.Canceled {
		t.Fatalf("render ended with %v, want context.Canceled", err)
	}
}

// The connection keeps answering pings while one of its requests renders.
func TestPingAnsweredWhileRendering(t *testing.T) {
	fp := newFakePreviewer()
	e := newEnv(t, func(o *wsserver.Options, _ *printing.Options) { o.Previewer = fp })
	ws := e.rawDial(pageOrigin)
	writeMsg(t, ws, previewMsg)
	wait(t, fp.started, "the render to start")
	replies := make(chan []byte, 1)
	go func() { // a reader, so the client sees the pong
		_, data, _ := ws.Read(context.Background())
		replies <- data
	}()
	pctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := ws.Ping(pctx); err != nil {
		t.Fatalf("ping while a request renders: %v", err)
	}
	fp.release <- struct{}{}
	var r wireReply
	if data := wait(t, replies, "the preview reply"); json.Unmarshal(data, &r) != nil || r.Error != nil {
		t.Fatalf("preview reply: %s", data)
	}
}

// A request that runs past the request timeout is answered with an error
// that names the timeout, and its work is stopped.
func TestRequestTimeout(t *testing.T) {
	fp := newFakePreviewer()
	e := newEnv(t, func(o *wsserver.Options, _ *printing.Options) {
		o.Previewer = fp
		o.RequestTimeout = 100 * time.Millisecond
	})
	ws := e.rawDial(pageOrigin)
	writeMsg(t, ws, previewMsg)
	var r wireReply
	if data := readMsg(t, ws); json.Unmarshal(data, &r) != nil || r.reason() != "too_complex" || !strings.Contains(r.Error.Message, "100ms") {
		t.Fatalf("reply to a render past its timeout: %s", data)
	}
	if err := wait(t, fp.ended, "the render to stop"); err != context.DeadlineExceeded {
		t.Fatalf("render ended with %v", err)
	}
}

// Renders from every connection share one bounded pool: with 2 workers
// busy, a third connection's preview waits (and here times out) instead of
// rendering alongside.
func TestRenderPoolIsShared(t *testing.T) {
	fp := newFakePreviewer()
	fp.ignoreCtx = true
	e := newEnv(t, func(o *wsserver.Options, _ *printing.Options) {
		o.Previewer = fp
		o.Workers = 2
		o.RequestTimeout = 200 * time.Millisecond
	})
	replies := make(chan wireReply, 4)
	for range 4 {
		ws := e.rawDial(pageOrigin)
		writeMsg(t, ws, previewMsg)
		go func() {
			_, data, err := ws.Read(context.Background())
			var r wireReply
			if err == nil {
				_ = json.Unmarshal(data, &r)
			}
			replies <- r
		}()
	}
	wait(t, fp.started, "a first render")
	wait(t, fp.started, "a second render")
	for range 2 {
		if r := wait(t, replies, "a waiting request's reply"); r.reason() != "unavailable" || !strings.Contains(r.Error.Message, "workers") {
			t.Fatalf("request waiting for a render worker: %+v", r.Error)
		}
	}
	fp.release <- struct{}{}
	fp.release <- struct{}{}
	wait(t, replies, "a render's reply")
	wait(t, replies, "a render's reply")
	if n := fp.callCount(); n != 2 {
		t.Fatalf("%d renders ran with 2 workers", n)
	}
}

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
	if got == 0 || got >= sent {
		t.Fatalf("a lagging client got %d of %d events before the close", got, sent)
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
