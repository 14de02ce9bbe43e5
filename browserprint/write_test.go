// POST /write: raw and multipart jobs, language checks, slow bodies.

package browserprint_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/browserprint"
	"github.com/labelbridge/labelbridge/printing"
)

func TestWriteStoresARawJobWithThePageOrigin(t *testing.T) {
	e := newEnv(t)
	zpl := "^XA^CI28^FO20,20^A0N,30,30^FD한국어 라벨^FS^XZ"
	cases := []struct {
		name, device string
	}{
		{"by uid", `{"uid":"virtual","name":"whatever"}`},
		{"by name", `{"name":"Virtual printer"}`},
		{"default printer", `null`},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := zpl + strconv.Itoa(i)
			body, _ := json.Marshal(map[string]any{"device": json.RawMessage(c.device), "data": data})
			if got := e.ok("POST", "/write", string(body)); got != "" {
				t.Errorf("write answered %q, want an empty body", got)
			}
			if got := e.printed(); got != data {
				t.Errorf("printer got %q, want %q", got, data)
			}
		})
	}
	jobs := e.jobs()
	if len(jobs) != len(cases) {
		t.Fatalf("%d jobs, want %d", len(jobs), len(cases))
	}
	for _, j := range jobs {
		if j.Origin != pageOrigin || j.Printer != "virtual" || j.Language != "zpl" || j.Title != "Browser Print" {
			t.Errorf("job %+v", j)
		}
	}
}

func TestWriteZPLToAPrinterOfAnotherLanguageIsRefused(t *testing.T) {
	e := newEnv(t)
	r := e.do("POST", "/write", pageOrigin, `{"device":{"uid":"net_10.0.0.5_9100"},"data":"^XA^FDx^FS^XZ"}`)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "tspl") {
		t.Errorf("got %d %q, want 422 naming the printer's language", r.status, r.body)
	}
}

func TestSendFileMultipart(t *testing.T) {
	e := newEnv(t)
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("json", `{"device":{"uid":"virtual"}}`)
	fw, _ := mw.CreateFormFile("blob", "label.zpl")
	_, _ = fw.Write([]byte("^XA^FDfile^FS^XZ"))
	_ = mw.Close()
	r := e.do("POST", "/write", pageOrigin, buf.String(), "Content-Type", mw.FormDataContentType())
	if r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if got := e.printed(); got != "^XA^FDfile^FS^XZ" {
		t.Errorf("printer got %q", got)
	}
}

// A /write body that stops arriving is cut off with 408 after the body
// timeout, and nothing is printed.
func TestSlowBodyTimesOut(t *testing.T) {
	e := newEnvWith(t, func(o *browserprint.Options) { o.BodyTimeout = 100 * time.Millisecond })
	conn, err := net.Dial("tcp4", e.host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second)) // a failing test must not hang
	fmt.Fprintf(conn, "POST /write HTTP/1.1\r\nHost: %s\r\nOrigin: %s\r\nContent-Length: 1000\r\n\r\n{\"data\":\"^XA", e.host, pageOrigin)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to a stalled body: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusRequestTimeout || !strings.Contains(string(body), "100ms") {
		t.Fatalf("stalled body: %d %q, want 408 naming the timeout", resp.StatusCode, body)
	}
	if jobs, _ := e.st.List(printing.JobFilter{}); len(jobs) != 0 {
		t.Fatalf("a stalled body made %d jobs", len(jobs))
	}
}
