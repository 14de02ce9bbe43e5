package wsserver_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/coder/websocket"

	"github.com/labelbridge/labelbridge/client"
	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/wire"
	"github.com/labelbridge/labelbridge/wsserver"
)

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
	for _, topic := range wire.AdminTopics() { // sites, fleet
		if err := e.page().Subscribe(cx, topic); reasonOf(err) != "not_allowed" {
			t.Fatalf("a page subscribing to %s: %v, want not_allowed", topic, err)
		}
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
