package wsserver_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/labelbridge/labelbridge/client"
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
