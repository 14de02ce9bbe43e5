// Package client is the Go client of the agent's JSON-RPC WebSocket API,
// used by the CLI verbs, the benchmarks and the tests. It speaks through
// package wire's shapes (method names, params, results, events).
package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/labelbridge/labelbridge/wire"
)

// Error is an error reply from the agent.
type Error struct {
	Code    int
	Message string
	Reason  string
	// Problems lists every problem of a label that does not validate
	// (data.problems); the message names the first.
	Problems []wire.Problem
}

func (e *Error) Error() string { return e.Message + " (" + e.Reason + ")" }

// RefusedError is a refused handshake (HTTP status and the agent's reason).
type RefusedError struct {
	Status int
	Reason string
	Msg    string
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("agent refused the connection (%d %s): %s", e.Status, e.Reason, e.Msg)
}

// ErrNotRunning means nothing answered on the port.
var ErrNotRunning = errors.New("no Labelbridge agent is running")

// Notification is an event from the agent.
type Notification struct {
	Method   string
	Params   json.RawMessage
	Received time.Time // when it arrived (for latency measurements)
}

// Options for Dial.
type Options struct {
	Token       string      // local CLI token (for programs without an Origin)
	Origin      string      // act as a page from this origin (tests)
	ReadLimit   int64       // default 64 MiB
	EventBuffer int         // notifications buffered before they are dropped (default 4096)
	Header      http.Header // more handshake headers (tests)
	// Subprotocols offered in the handshake (the panel's admin session:
	// edge.AdminProtocol and edge.SessionProtocol + secret).
	Subprotocols []string
}

// Client is one connection to the agent. Safe for concurrent use.
type Client struct {
	ws     *websocket.Conn
	nextID atomic.Int64
	events chan Notification
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}

	mu      sync.Mutex
	pending map[string]chan reply
	err     error
}

type reply struct {
	Result json.RawMessage
	Err    *Error
}

// URL returns the WebSocket URL on loopback for port.
func URL(port int) string { return "ws://127.0.0.1:" + strconv.Itoa(port) + "/ws" }

// Dial connects to the agent at url (ws://127.0.0.1:PORT/ws).
func Dial(ctx context.Context, url string, opt Options) (*Client, error) {
	h := opt.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	if opt.Token != "" {
		h.Set("Authorization", "Bearer "+opt.Token)
	}
	if opt.Origin != "" {
		h.Set("Origin", opt.Origin)
	}
	ws, resp, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: h, Subprotocols: opt.Subprotocols})
	if err != nil {
		if resp != nil && resp.StatusCode != http.StatusSwitchingProtocols {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
			var r struct{ Error, Reason string }
			_ = json.Unmarshal(body, &r)
			return nil, &RefusedError{Status: resp.StatusCode, Reason: r.Reason, Msg: r.Error}
		}
		if resp == nil {
			return nil, fmt.Errorf("%w at %s: %v", ErrNotRunning, url, err)
		}
		return nil, fmt.Errorf("connect %s: %w", url, err)
	}
	if opt.ReadLimit == 0 {
		opt.ReadLimit = 64 << 20
	}
	if opt.EventBuffer == 0 {
		opt.EventBuffer = 4096
	}
	ws.SetReadLimit(opt.ReadLimit)
	c := &Client{ws: ws, events: make(chan Notification, opt.EventBuffer), pending: map[string]chan reply{}, done: make(chan struct{})}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	go c.readLoop()
	return c, nil
}

// Events delivers notifications (after Subscribe). It is closed when the
// connection ends. Notifications beyond the buffer are dropped.
func (c *Client) Events() <-chan Notification { return c.events }

// Err is why the connection ended (nil while it is open).
func (c *Client) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// Close closes the connection normally.
func (c *Client) Close() error {
	err := c.ws.Close(websocket.StatusNormalClosure, "")
	c.cancel()
	<-c.done
	return err
}

func (c *Client) readLoop() {
	defer close(c.done)
	defer close(c.events)
	for {
		_, data, err := c.ws.Read(c.ctx)
		if err != nil {
			c.mu.Lock()
			c.err = err
			for id, ch := range c.pending {
				close(ch)
				delete(c.pending, id)
			}
			c.mu.Unlock()
			return
		}
		c.handle(data)
	}
}

func (c *Client) handle(data []byte) {
	if data[0] == '[' { // batch reply
		var items []json.RawMessage
		if json.Unmarshal(data, &items) == nil {
			for _, it := range items {
				c.handle(it)
			}
		}
		return
	}
	var msg wire.Message
	if err := json.Unmarshal(data, &msg); err != nil {
		return
	}
	if msg.Method != "" && msg.ID == nil {
		select {
		case c.events <- Notification{Method: msg.Method, Params: msg.Params, Received: time.Now()}:
		default:
		}
		return
	}
	r := reply{Result: msg.Result}
	if msg.Error != nil {
		r.Err = &Error{Code: msg.Error.Code, Message: msg.Error.Message, Reason: msg.Error.Data.Reason, Problems: msg.Error.Data.Problems}
	}
	c.mu.Lock()
	ch, ok := c.pending[string(msg.ID)]
	delete(c.pending, string(msg.ID))
	c.mu.Unlock()
	if ok {
		ch <- r
	}
}

// Call sends a request and decodes the result into result (if not nil).
func (c *Client) Call(ctx context.Context, method string, params, result any) error {
	id := strconv.FormatInt(c.nextID.Add(1), 10)
	ch := make(chan reply, 1)
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return fmt.Errorf("connection closed: %w", c.err)
	}
	c.pending[id] = ch
	c.mu.Unlock()
	// wire.Request with params not yet encoded (the outer Params wins).
	req := struct {
		wire.Request
		Params any `json:"params,omitempty"`
	}{Request: wire.Request{JSONRPC: wire.JSONRPC, ID: json.RawMessage(id), Method: method}, Params: params}
	data, err := json.Marshal(req)
	if err != nil {
		return fmt.Errorf("encode %s: %w", method, err)
	}
	if err := c.ws.Write(ctx, websocket.MessageText, data); err != nil {
		c.forget(id)
		return fmt.Errorf("send %s: %w", method, err)
	}
	select {
	case r, ok := <-ch:
		if !ok {
			return fmt.Errorf("%s: connection closed: %w", method, c.Err())
		}
		if r.Err != nil {
			return r.Err
		}
		if result != nil {
			if err := json.Unmarshal(r.Result, result); err != nil {
				return fmt.Errorf("decode %s result: %w", method, err)
			}
		}
		return nil
	case <-ctx.Done():
		c.forget(id)
		return ctx.Err()
	}
}

func (c *Client) forget(id string) {
	c.mu.Lock()
	delete(c.pending, id)
	c.mu.Unlock()
}

// Hello is the agent's self-description (hello's result).
type Hello = wire.HelloResult

// Hello calls hello.
func (c *Client) Hello(ctx context.Context) (Hello, error) {
	var h Hello
	err := c.Call(ctx, wire.MethodHello, wire.HelloParams{Client: "labelbridge-go"}, &h)
	return h, err
}

// Printers calls printers.list.
func (c *Client) Printers(ctx context.Context) ([]wire.Printer, error) {
	var r wire.PrintersResult
	err := c.Call(ctx, wire.MethodPrintersList, nil, &r)
	return r.Printers, err
}

// Raw is raw printer data for PrintParams.
type Raw = wire.Raw

// PrintParams are the print method's params.
type PrintParams = wire.PrintParams

// Print calls print and returns the stored job.
func (c *Client) Print(ctx context.Context, p PrintParams) (wire.Job, error) {
	var r wire.PrintResult
	err := c.Call(ctx, wire.MethodPrint, p, &r)
	return r.Job, err
}

// Job calls jobs.get.
func (c *Client) Job(ctx context.Context, id string) (wire.Job, error) {
	return c.jobCall(ctx, wire.MethodJobsGet, id)
}

// Cancel calls jobs.cancel.
func (c *Client) Cancel(ctx context.Context, id string) (wire.Job, error) {
	return c.jobCall(ctx, wire.MethodJobsCancel, id)
}

// Retry calls jobs.retry.
func (c *Client) Retry(ctx context.Context, id string) (wire.Job, error) {
	return c.jobCall(ctx, wire.MethodJobsRetry, id)
}

func (c *Client) jobCall(ctx context.Context, method, id string) (wire.Job, error) {
	var r wire.JobResult
	err := c.Call(ctx, method, wire.JobParams{Job: id}, &r)
	return r.Job, err
}

// Subscribe calls subscribe (wire.TopicJobs, wire.TopicPrinters, …).
func (c *Client) Subscribe(ctx context.Context, topics ...string) error {
	return c.Call(ctx, wire.MethodSubscribe, wire.TopicsParams{Topics: topics}, nil)
}

// WaitJob waits until job id reaches a terminal state, using job events
// (Subscribe to "jobs" first) and a jobs.get to close the race.
func (c *Client) WaitJob(ctx context.Context, id string) (wire.Job, error) {
	j, err := c.Job(ctx, id)
	if err != nil || j.State.Terminal() {
		return j, err
	}
	for {
		select {
		case n, ok := <-c.events:
			if !ok {
				return j, fmt.Errorf("connection closed while waiting for job %s: %w", id, c.Err())
			}
			if n.Method != wire.EventJob {
				continue
			}
			var ev wire.Job
			if json.Unmarshal(n.Params, &ev) == nil && ev.ID == id && ev.State.Terminal() {
				return ev, nil
			}
		case <-ctx.Done():
			return j, ctx.Err()
		}
	}
}
