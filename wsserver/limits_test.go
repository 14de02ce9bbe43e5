package wsserver_test

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/wsserver"
)

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
