package wsserver_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/labelbridge/labelbridge/client"
	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/printing/store"
	"github.com/labelbridge/labelbridge/sites"
	"github.com/labelbridge/labelbridge/wsserver"
)

const (
	pageOrigin = "http://localhost:3000"
	token      = "0123456789abcdef0123456789abcdef-test-token"
)

// sink is a transport that records bytes; block makes it hold every job.
type sink struct {
	mu    sync.Mutex
	data  []string
	block bool
}

func (s *sink) Send(ctx context.Context, _ printing.Job, data []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.block {
		return &printing.HoldError{Why: printing.ReasonPaperOut}
	}
	s.data = append(s.data, string(data))
	return nil
}

type env struct {
	t     testing.TB
	port  int
	url   string
	store *store.Store
	sp    *printing.Spooler
	sites *sites.Registry
	srv   *wsserver.Server
	sink  *sink
}

func newEnv(t testing.TB, mutate func(*wsserver.Options, *printing.Options)) *env {
	t.Helper()
	return newEnvWith(t, mutate, envWrap{})
}

// envWrap lets a test wrap the listener (e.g. small socket buffers) or the
// spooler the server sees (e.g. to record calls).
type envWrap struct {
	listener func(net.Listener) net.Listener
	spooler  func(*printing.Spooler) wsserver.Spooler
}

func newEnvWith(t testing.TB, mutate func(*wsserver.Options, *printing.Options), wrap envWrap) *env {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "jobs.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sopt := printing.Options{QueueDepth: 5, MaxJobBytes: 1 << 20, RetryMin: time.Hour}
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	wopt := wsserver.Options{Port: port, Version: "test", Token: token, MaxMessageBytes: 1 << 20}
	if mutate != nil {
		mutate(&wopt, &sopt)
	}
	sp := printing.New(st, nil, sopt)
	if err := sp.Start(); err != nil {
		t.Fatal(err)
	}
	reg, err := sites.New(sites.Options{Defaults: []string{"http://localhost:*", "http://127.0.0.1:*"}})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, port: port, url: client.URL(port), store: st, sp: sp, sites: reg, sink: &sink{}}
	sp.Attach(printing.Printer{ID: "virtual", Name: "Virtual", Connection: printing.ConnVirtual, Language: "zpl", DPI: 203}, e.sink)
	sp.Attach(printing.Printer{ID: "blocked", Name: "Blocked", Connection: printing.ConnNetwork, Language: "zpl"}, &sink{block: true})
	if _, err := sp.SetDefault("virtual"); err != nil {
		t.Fatal(err)
	}
	var wsp wsserver.Spooler = sp
	if wrap.spooler != nil {
		wsp = wrap.spooler(sp)
	}
	if wrap.listener != nil {
		l = wrap.listener(l)
	}
	e.srv = wsserver.New(wsp, reg, wopt)
	e.srv.Serve([]net.Listener{l})
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = e.srv.Shutdown(ctx)
		_ = sp.Stop(ctx)
		_ = st.Close()
	})
	return e
}

func (e *env) dial(opt client.Options) *client.Client {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := client.Dial(ctx, e.url, opt)
	if err != nil {
		e.t.Fatalf("dial: %v", err)
	}
	e.t.Cleanup(func() { c.Close() })
	return c
}

func (e *env) page() *client.Client { return e.dial(client.Options{Origin: pageOrigin}) }

func (e *env) jobCount() int {
	jobs, err := e.store.List(printing.JobFilter{})
	if err != nil {
		e.t.Fatal(err)
	}
	return len(jobs)
}

// waitState waits for a job event with the given state (Subscribe first).
func waitState(t *testing.T, c *client.Client, id string, state printing.JobState) {
	t.Helper()
	if j, err := c.Job(ctx(t), id); err == nil && j.State == state {
		return
	}
	deadline := time.After(10 * time.Second)
	for {
		select {
		case n, ok := <-c.Events():
			if !ok {
				t.Fatal("connection closed")
			}
			var j printing.Job
			if n.Method == "job" && json.Unmarshal(n.Params, &j) == nil && j.ID == id && j.State == state {
				return
			}
		case <-deadline:
			t.Fatalf("job %s never reached %s", id, state)
		}
	}
}

func ctx(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

func str(s string) *string { return &s }

func reasonOf(err error) string {
	var ce *client.Error
	if errors.As(err, &ce) {
		return ce.Reason
	}
	return ""
}

func TestPrintFlowWithEvents(t *testing.T) {
	e := newEnv(t, nil)
	c := e.page()
	cx := ctx(t)
	h, err := c.Hello(cx)
	if err != nil || h.Name != "labelbridge" || h.Protocol != 1 || h.Origin != pageOrigin || h.Admin || h.DefaultPrinter != "virtual" {
		t.Fatalf("hello = %+v, %v", h, err)
	}
	if err := c.Subscribe(cx, "jobs", "printers"); err != nil {
		t.Fatal(err)
	}
	job, err := c.Print(cx, client.PrintParams{Raw: &client.Raw{Language: "zpl", Data: str("^XA^FDhi^FS^XZ")}, Title: "hi"})
	if err != nil {
		t.Fatal(err)
	}
	if job.ID == "" || job.Printer != "virtual" || job.Origin != pageOrigin || job.Title != "hi" {
		t.Fatalf("print reply = %+v", job)
	}
	var states []printing.JobState
	for n := range c.Events() {
		if n.Method != "job" {
			continue
		}
		var j printing.Job
		if err := json.Unmarshal(n.Params, &j); err != nil {
			t.Fatal(err)
		}
		states = append(states, j.State)
		if j.State == printing.JobDone {
			break
		}
	}
	if got := fmt.Sprint(states); got != "[queued sending done]" {
		t.Fatalf("job events = %s", got)
	}
	e.sink.mu.Lock()
	got := e.sink.data
	e.sink.mu.Unlock()
	if len(got) != 1 || got[0] != "^XA^FDhi^FS^XZ" {
		t.Fatalf("printer got %q", got)
	}
}

func TestEveryMethod(t *testing.T) {
	e := newEnv(t, nil)
	c := e.page()
	cx := ctx(t)
	printers, err := c.Printers(cx)
	if err != nil || len(printers) != 2 || printers[0].ID != "virtual" || !printers[0].IsDefault {
		t.Fatalf("printers.list = %+v, %v", printers, err)
	}
	var got struct{ Printer printing.Printer }
	if err := c.Call(cx, "printers.get", map[string]string{"printer": "blocked"}, &got); err != nil || got.Printer.ID != "blocked" {
		t.Fatalf("printers.get = %+v, %v", got, err)
	}
	if err := e.dial(client.Options{Token: token}).Call(cx, "printers.setDefault", map[string]string{"printer": "blocked"}, &got); err != nil || !got.Printer.IsDefault {
		t.Fatalf("printers.setDefault = %+v, %v", got, err)
	}
	if err := c.Subscribe(cx, "jobs"); err != nil {
		t.Fatal(err)
	}
	held, err := c.Print(cx, client.PrintParams{Raw: &client.Raw{Base64: str("XlhBXlha")}})
	if err != nil || held.Printer != "blocked" {
		t.Fatalf("print to new default = %+v, %v", held, err)
	}
	waitState(t, c, held.ID, printing.JobHeld) // the paper-out printer holds it
	j, err := c.Job(cx, held.ID)
	if err != nil || j.ID != held.ID {
		t.Fatalf("jobs.get = %+v, %v", j, err)
	}
	var list struct{ Jobs []printing.Job }
	if err := c.Call(cx, "jobs.list", map[string]any{"printer": "blocked", "limit": 10}, &list); err != nil || len(list.Jobs) != 1 {
		t.Fatalf("jobs.list = %+v, %v", list, err)
	}
	canceled, err := c.Cancel(cx, held.ID)
	if err != nil || canceled.State != printing.JobCanceled {
		t.Fatalf("jobs.cancel = %+v, %v", canceled, err)
	}
	retried, err := c.Retry(cx, held.ID)
	if err != nil || retried.ID != held.ID || retried.State == printing.JobCanceled {
		t.Fatalf("jobs.retry = %+v, %v", retried, err)
	}
	var sub struct{ Topics []string }
	if err := c.Call(cx, "subscribe", map[string]any{"topics": []string{"printers"}}, &sub); err != nil || len(sub.Topics) != 2 {
		t.Fatalf("subscribe = %+v, %v", sub, err)
	}
	if err := c.Call(cx, "unsubscribe", nil, &sub); err != nil || len(sub.Topics) != 0 {
		t.Fatalf("unsubscribe = %+v, %v", sub, err)
	}
}

func TestErrorReasons(t *testing.T) {
	e := newEnv(t, nil)
	c := e.page()
	cx := ctx(t)
	big := strings.Repeat("x", 1<<20+1)
	cases := []struct {
		method string
		params any
		reason string
	}{
		{"printers.get", map[string]string{"printer": "nope"}, "printer_not_found"},
		{"printers.get", map[string]string{}, "invalid_params"},
		{"printers.get", map[string]any{"printer": 5}, "invalid_params"},
		{"printers.setDefault", map[string]string{"printer": "nope"}, "not_allowed"}, // admin-only
		{"print", map[string]any{"printer": "nope", "raw": map[string]string{"data": "x"}}, "printer_not_found"},
		{"print", map[string]any{}, "invalid_params"},
		{"print", map[string]any{"raw": map[string]string{"data": "x"}, "label": map[string]any{}}, "invalid_params"},
		{"print", map[string]any{"raw": map[string]string{"base64": "!!"}}, "invalid_params"},
		{"print", map[string]any{"raw": map[string]string{"data": "x"}, "colour": "red"}, "invalid_params"},
		{"print", map[string]any{"raw": map[string]string{"data": "x", "language": "tspl"}, "printer": "blocked"}, "language_mismatch"},
		{"print", map[string]any{"raw": map[string]string{"data": big[:1<<19]}, "copies": 3}, "payload_too_large"},
		{"jobs.get", map[string]string{"job": "nope"}, "job_not_found"},
		{"jobs.cancel", map[string]string{"job": "nope"}, "job_not_found"},
		{"jobs.retry", map[string]string{"job": "nope"}, "job_not_found"},
		{"jobs.list", map[string]any{"state": "flying"}, "invalid_params"},
		{"jobs.list", map[string]any{"origin": "http://other.example"}, "not_allowed"},
		{"subscribe", map[string]any{"topics": []string{"weather"}}, "invalid_params"},
		{"no.such.method", nil, "method_not_found"},
	}
	for _, tc := range cases {
		t.Run(tc.method+"/"+tc.reason, func(t *testing.T) {
			err := c.Call(cx, tc.method, tc.params, nil)
			if got := reasonOf(err); got != tc.reason {
				t.Fatalf("%s: err = %v, want reason %s", tc.method, err, tc.reason)
			}
		})
	}
	t.Run("queue_full", func(t *testing.T) {
		var err error
		for range 6 {
			if _, err = c.Print(cx, client.PrintParams{Printer: "blocked", Raw: &client.Raw{Data: str("x")}}); err != nil {
				break
			}
		}
		if reasonOf(err) != "queue_full" {
			t.Fatalf("6th job to a printer with a queue of 5: %v", err)
		}
	})
	t.Run("invalid_state", func(t *testing.T) {
		j, err := c.Print(cx, client.PrintParams{Raw: &client.Raw{Data: str("y")}, Printer: "virtual"})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Subscribe(cx, "jobs"); err != nil {
			t.Fatal(err)
		}
		if _, err := c.WaitJob(cx, j.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Cancel(cx, j.ID); reasonOf(err) != "invalid_state" {
			t.Fatalf("cancel a done job: %v", err)
		}
	})
}

// sendRaw writes one text message and reads one reply.
func sendRaw(t *testing.T, e *env, msg string) map[string]any {
	t.Helper()
	cx := ctx(t)
	ws, _, err := websocket.Dial(cx, e.url, &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {pageOrigin}}})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	if err := ws.Write(cx, websocket.MessageText, []byte(msg)); err != nil {
		t.Fatal(err)
	}
	_, data, err := ws.Read(cx)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(data, &out); err != nil {
		var arr []any
		if json.Unmarshal(data, &arr) == nil {
			return map[string]any{"batch": arr}
		}
		t.Fatalf("reply %s: %v", data, err)
	}
	return out
}

func TestProtocolErrors(t *testing.T) {
	e := newEnv(t, nil)
	cases := []struct {
		msg    string
		code   float64
		reason string
	}{
		{`{not json`, -32700, "parse_error"},
		{`{"jsonrpc":"1.0","id":1,"method":"hello"}`, -32600, "invalid_request"},
		{`{"jsonrpc":"2.0","id":1}`, -32600, "invalid_request"},
		{`[]`, -32600, "invalid_request"},
		{`{"jsonrpc":"2.0","id":1,"method":"printers.list","params":{"x":1}}`, -32602, "invalid_params"},
	}
	for _, tc := range cases {
		r := sendRaw(t, e, tc.msg)
		errObj, _ := r["error"].(map[string]any)
		if errObj == nil {
			t.Fatalf("%s: reply %v has no error", tc.msg, r)
		}
		data, _ := errObj["data"].(map[string]any)
		if errObj["code"] != tc.code || data["reason"] != tc.reason {
			t.Errorf("%s: error %v, want code %v reason %s", tc.msg, errObj, tc.code, tc.reason)
		}
	}
	r := sendRaw(t, e, `[{"jsonrpc":"2.0","id":1,"method":"hello"},{"jsonrpc":"2.0","method":"hello"},{"jsonrpc":"2.0","id":"b","method":"printers.list"}]`)
	batch, _ := r["batch"].([]any)
	if len(batch) != 2 {
		t.Fatalf("batch of 2 requests + 1 notification: got %v", r)
	}
}

// Each hostile handshake is refused with 403 and never makes a job.
func TestHostileHandshakes(t *testing.T) {
	e := newEnv(t, nil)
	cases := []struct {
		name   string
		host   string
		header http.Header
		reason string
	}{
		{"foreign origin", "", http.Header{"Origin": {"https://evil.example"}}, "origin_not_allowed"},
		{"null origin", "", http.Header{"Origin": {"null"}}, "origin_invalid"},
		{"scheme mismatch", "", http.Header{"Origin": {"https://localhost:3000"}}, "origin_not_allowed"},
		{"rebinding host", "evil.com:" + "PORT", http.Header{"Origin": {pageOrigin}}, "host_not_allowed"},
		{"rebinding origin equals host", "rebind.evil:" + "PORT", http.Header{"Origin": {"http://rebind.evil:PORT"}}, "host_not_allowed"},
		{"missing origin, no token", "", http.Header{}, "origin_missing"},
		{"missing origin, wrong token", "", http.Header{"Authorization": {"Bearer nope"}}, "origin_missing"},
		{"allowed origin but a token does not widen it", "", http.Header{"Origin": {"https://evil.example"}, "Authorization": {"Bearer " + token}}, "origin_not_allowed"},
	}
	port := strconv.Itoa(e.port)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range tc.header {
				h[k] = []string{strings.ReplaceAll(v[0], "PORT", port)}
			}
			req, _ := http.NewRequest("GET", "http://127.0.0.1:"+port+"/ws", nil)
			req.Header = h
			req.Header.Set("Connection", "Upgrade")
			req.Header.Set("Upgrade", "websocket")
			req.Header.Set("Sec-WebSocket-Version", "13")
			req.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
			if tc.host != "" {
				req.Host = strings.ReplaceAll(tc.host, "PORT", port)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			var r struct{ Reason, Error string }
			_ = json.Unmarshal(body, &r)
			if resp.StatusCode != http.StatusForbidden || r.Reason != tc.reason || r.Error == "" {
				t.Fatalf("status %d body %s: want 403 %s", resp.StatusCode, body, tc.reason)
			}
		})
	}
	if n := e.jobCount(); n != 0 {
		t.Fatalf("%d jobs exist after hostile handshakes", n)
	}
	pending := 0
	for _, s := range e.sites.List() {
		if s.State == "pending" {
			pending++
			if s.Origin != "https://evil.example" && s.Origin != "https://localhost:3000" {
				t.Errorf("unexpected pending site %s", s.Origin)
			}
		}
	}
	if pending != 2 {
		t.Fatalf("pending sites = %d, want the 2 refused real origins", pending)
	}
}

func TestApprovedSiteCanConnect(t *testing.T) {
	e := newEnv(t, nil)
	cx := ctx(t)
	const origin = "https://wms.example.com"
	_, err := client.Dial(cx, e.url, client.Options{Origin: origin})
	var refused *client.RefusedError
	if !errors.As(err, &refused) || refused.Reason != "origin_not_allowed" {
		t.Fatalf("unknown site: %v", err)
	}
	if err := e.sites.Approve(origin); err != nil {
		t.Fatal(err)
	}
	c := e.dial(client.Options{Origin: origin})
	if _, err := c.Print(cx, client.PrintParams{Raw: &client.Raw{Data: str("x")}}); err != nil {
		t.Fatalf("approved site print: %v", err)
	}
}

func TestTokenClientIsAdmin(t *testing.T) {
	e := newEnv(t, nil)
	cx := ctx(t)
	page := e.page()
	j, err := page.Print(cx, client.PrintParams{Printer: "blocked", Raw: &client.Raw{Data: str("x")}})
	if err != nil {
		t.Fatal(err)
	}
	cli := e.dial(client.Options{Token: token})
	h, err := cli.Hello(cx)
	if err != nil || !h.Admin || h.Origin != "cli" {
		t.Fatalf("token hello = %+v, %v", h, err)
	}
	if got, err := cli.Job(cx, j.ID); err != nil || got.Origin != pageOrigin {
		t.Fatalf("admin jobs.get of a page's job = %+v, %v", got, err)
	}
	other := e.dial(client.Options{Origin: "http://127.0.0.1:8080"})
	if _, err := other.Job(cx, j.ID); reasonOf(err) != "job_not_found" {
		t.Fatalf("another site reading the job: %v, want job_not_found", err)
	}
	if _, err := other.Cancel(cx, j.ID); reasonOf(err) != "job_not_found" {
		t.Fatalf("another site canceling the job: %v, want job_not_found", err)
	}
}

func TestAdminMethodsNeedAdmin(t *testing.T) {
	e := newEnv(t, nil)
	e.srv.AddAdminMethods(wsserver.AdminMethod{Name: "sites.list", Call: func(context.Context, json.RawMessage) (any, error) {
		return map[string]any{"sites": e.sites.List()}, nil
	}})
	cx := ctx(t)
	if err := e.page().Call(cx, "sites.list", nil, nil); reasonOf(err) != "not_allowed" {
		t.Fatalf("page calling an admin method: %v", err)
	}
	if err := e.dial(client.Options{Token: token}).Call(cx, "sites.list", nil, nil); err != nil {
		t.Fatalf("CLI calling an admin method: %v", err)
	}
}

// An oversize message closes only that connection, with 1009.
func TestMessageTooBig(t *testing.T) {
	e := newEnv(t, func(o *wsserver.Options, _ *printing.Options) { o.MaxMessageBytes = 64 << 10 })
	cx := ctx(t)
	bystander := e.page()
	ws, _, err := websocket.Dial(cx, e.url, &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {pageOrigin}}})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	msg := `{"jsonrpc":"2.0","id":1,"method":"print","params":{"raw":{"data":"` + strings.Repeat("x", 70<<10) + `"}}}`
	_ = ws.Write(cx, websocket.MessageText, []byte(msg))
	_, _, err = ws.Read(cx)
	if got := websocket.CloseStatus(err); got != websocket.StatusMessageTooBig {
		t.Fatalf("close status = %v (%v), want 1009", got, err)
	}
	if _, err := bystander.Hello(cx); err != nil {
		t.Fatalf("another client after the oversize message: %v", err)
	}
	if n := e.jobCount(); n != 0 {
		t.Fatalf("oversize message made %d jobs", n)
	}
}

func TestHealthz(t *testing.T) {
	e := newEnv(t, nil)
	get := func(origin, host string) (*http.Response, map[string]any) {
		req, _ := http.NewRequest("GET", fmt.Sprintf("http://127.0.0.1:%d/healthz", e.port), nil)
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		if host != "" {
			req.Host = host
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&body)
		return resp, body
	}
	resp, body := get("https://shop.example", "")
	if resp.StatusCode != 200 || body["name"] != "labelbridge" || body["protocol"] != float64(1) || body["originAllowed"] != false {
		t.Fatalf("healthz from unknown site: %d %v", resp.StatusCode, body)
	}
	if resp.Header.Get("Access-Control-Allow-Origin") != "https://shop.example" {
		t.Fatalf("healthz CORS header = %q", resp.Header.Get("Access-Control-Allow-Origin"))
	}
	if _, body := get(pageOrigin, ""); body["originAllowed"] != true {
		t.Fatalf("healthz from allowed page: %v", body)
	}
	if e.sites.PendingCount() != 0 {
		t.Fatalf("healthz must not record pending sites")
	}
	if resp, _ := get("", "evil.com"); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("healthz with a foreign Host: %d", resp.StatusCode)
	}
}

// A page sees only its own jobs' events; the CLI sees all.
func TestJobEventsAreScopedToOrigin(t *testing.T) {
	e := newEnv(t, nil)
	cx := ctx(t)
	a := e.page()
	b := e.dial(client.Options{Origin: "http://127.0.0.1:9999"})
	admin := e.dial(client.Options{Token: token})
	for _, c := range []*client.Client{a, b, admin} {
		if err := c.Subscribe(cx, "jobs"); err != nil {
			t.Fatal(err)
		}
	}
	ja, err := a.Print(cx, client.PrintParams{Raw: &client.Raw{Data: str("a")}})
	if err != nil {
		t.Fatal(err)
	}
	jb, err := b.Print(cx, client.PrintParams{Raw: &client.Raw{Data: str("b")}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.WaitJob(cx, ja.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.WaitJob(cx, jb.ID); err != nil {
		t.Fatal(err)
	}
	// b's own job finishing proves b's stream has caught up past a's events.
	seen := map[string]bool{}
	for n := range b.Events() {
		var j printing.Job
		_ = json.Unmarshal(n.Params, &j)
		seen[j.ID] = true
		if j.ID == jb.ID && j.State == printing.JobDone {
			break
		}
	}
	if seen[ja.ID] {
		t.Fatalf("site b received events about site a's job")
	}
}

func TestSitesTopicIsForAdmins(t *testing.T) {
	e := newEnv(t, nil)
	cx := ctx(t)
	if err := e.page().Subscribe(cx, "sites"); reasonOf(err) != "not_allowed" {
		t.Fatalf("a page subscribing to sites: %v, want not_allowed", err)
	}
	admin := e.dial(client.Options{Token: token})
	if err := admin.Subscribe(cx, "sites"); err != nil {
		t.Fatal(err)
	}
	e.srv.Notify("sites", "sites", map[string]any{"pending": 1})
	var n client.Notification
	select {
	case n = <-admin.Events():
	case <-cx.Done():
		t.Fatal("no sites notification")
	}
	if n.Method != "sites" || !strings.Contains(string(n.Params), `"pending":1`) {
		t.Fatalf("notification = %s %s", n.Method, n.Params)
	}
}
