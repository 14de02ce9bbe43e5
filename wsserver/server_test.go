package wsserver_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/coder/websocket"

	"github.com/labelbridge/labelbridge/client"
	"github.com/labelbridge/labelbridge/printing"
)

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
