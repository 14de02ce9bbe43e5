package browserprint_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/browserprint"
	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/printing/store"
	"github.com/labelbridge/labelbridge/sites"
)

const (
	pageOrigin   = "https://wms.example.com"
	deniedOrigin = "https://evil.example.com"
	token        = "test-token-0123456789"
)

// sink is a transport that hands every job's bytes to the test.
type sink struct{ got chan []byte }

func (s *sink) Send(_ context.Context, _ printing.Job, data []byte) error {
	s.got <- data
	return nil
}

type env struct {
	t    *testing.T
	url  string
	host string
	sp   *printing.Spooler
	st   *store.Store
	sink *sink
	reg  *sites.Registry
}

// newEnv runs the handler over the real spooler and job store, with the
// virtual printer and a network printer whose id has colons.
func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvWith(t, nil)
}

// newEnvWith is newEnv with options adjusted by mutate.
func newEnvWith(t *testing.T, mutate func(*browserprint.Options)) *env {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "jobs.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	sp := printing.New(st, nil, printing.Options{})
	if err := sp.Start(); err != nil {
		t.Fatal(err)
	}
	sk := &sink{got: make(chan []byte, 64)}
	sp.Attach(printing.Printer{ID: "virtual", Name: "Virtual printer", Connection: printing.ConnVirtual, Language: "zpl", Vendor: "Labelbridge"}, sk)
	sp.Attach(printing.Printer{ID: "net:10.0.0.5:9100", Name: "Dock printer 10.0.0.5:9100", Connection: printing.ConnNetwork, Language: "tspl", Vendor: "TSC"}, &sink{got: make(chan []byte, 64)})
	if _, err := sp.SetDefault("virtual"); err != nil {
		t.Fatal(err)
	}
	reg, err := sites.New(sites.Options{User: []string{pageOrigin}, Denied: []string{deniedOrigin}})
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	opt := browserprint.Options{Port: port, Token: token, Version: "test"}
	if mutate != nil {
		mutate(&opt)
	}
	if opt.ApprovalWait > 0 {
		opt.SitesChanged = browserprint.SitesChanges(reg)
	}
	srv := httptest.NewUnstartedServer(browserprint.New(sp, reg, opt))
	srv.Listener = l
	srv.Start()
	t.Cleanup(func() {
		srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = sp.Stop(ctx)
		_ = st.Close()
	})
	return &env{t: t, url: srv.URL, host: "127.0.0.1:" + strconv.Itoa(port), sp: sp, st: st, sink: sk, reg: reg}
}

type reply struct {
	status int
	body   string
	header http.Header
}

// do sends a request as a page from origin ("" sends no Origin).
func (e *env) do(method, path, origin, body string, hdr ...string) reply {
	e.t.Helper()
	req, err := http.NewRequest(method, e.url+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "text/plain;charset=UTF-8") // as Zebra's SDK sends it
	}
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i] == "Host" {
			req.Host = hdr[i+1]
		} else {
			req.Header.Set(hdr[i], hdr[i+1])
		}
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return reply{status: res.StatusCode, body: string(data), header: res.Header}
}

func (e *env) ok(method, path, body string) string {
	e.t.Helper()
	r := e.do(method, path, pageOrigin, body)
	if r.status != http.StatusOK {
		e.t.Fatalf("%s %s: %d %s", method, path, r.status, r.body)
	}
	if got := r.header.Get("Access-Control-Allow-Origin"); got != pageOrigin {
		e.t.Fatalf("%s %s: Access-Control-Allow-Origin %q, want %q", method, path, got, pageOrigin)
	}
	return r.body
}

// printed waits for the next job's bytes at the virtual printer.
func (e *env) printed() string {
	e.t.Helper()
	select {
	case b := <-e.sink.got:
		return string(b)
	case <-time.After(10 * time.Second):
		e.t.Fatal("no job reached the printer within 10 s")
		return ""
	}
}

func (e *env) jobs() []printing.Job {
	e.t.Helper()
	jobs, err := e.sp.Jobs(printing.JobFilter{})
	if err != nil {
		e.t.Fatal(err)
	}
	return jobs
}

func TestAvailableAndDefaultDescribePrintersAsDevices(t *testing.T) {
	e := newEnv(t)
	var avail map[string][]browserprint.Device
	if err := json.Unmarshal([]byte(e.ok("GET", "/available", "")), &avail); err != nil {
		t.Fatal(err)
	}
	want := map[string]browserprint.Device{
		"virtual":           {Name: "Virtual printer", UID: "virtual", Connection: "driver", DeviceType: "printer", Version: 3, Provider: browserprint.Provider, Manufacturer: "Labelbridge"},
		"net_10.0.0.5_9100": {Name: "Dock printer 10.0.0.5:9100", UID: "net_10.0.0.5_9100", Connection: "network", DeviceType: "printer", Version: 3, Provider: browserprint.Provider, Manufacturer: "TSC"},
	}
	if len(avail["printer"]) != len(want) {
		t.Fatalf("available: %+v", avail)
	}
	for _, d := range avail["printer"] {
		if d != want[d.UID] {
			t.Errorf("device %+v, want %+v", d, want[d.UID])
		}
	}

	var def browserprint.Device
	if err := json.Unmarshal([]byte(e.ok("GET", "/default?type=printer", "")), &def); err != nil {
		t.Fatal(err)
	}
	if def != want["virtual"] {
		t.Errorf("default: %+v", def)
	}
	if got := e.ok("GET", "/default?type=scanner", ""); got != "" {
		t.Errorf("default scanner: %q, want an empty body", got)
	}
	// Without a type: the tab-separated text some wrappers split on "\n\t"
	// and then on ":".
	parts := strings.Split(e.ok("GET", "/default", ""), "\n\t")
	if len(parts) != 7 {
		t.Fatalf("default text has %d parts: %q", len(parts), parts)
	}
	for i, want := range []string{"", "Virtual printer", "printer", "driver", "virtual", browserprint.Provider, "Labelbridge"} {
		if i == 0 {
			continue
		}
		if got := strings.TrimSpace(strings.Split(parts[i], ":")[1]); got != want {
			t.Errorf("default text part %d = %q, want %q", i, got, want)
		}
	}
}

func TestDefaultIsEmptyWithoutPrinters(t *testing.T) {
	e := newEnv(t)
	e.sp.Detach("virtual")
	e.sp.Detach("net:10.0.0.5:9100")
	if got := e.ok("GET", "/default?type=printer", ""); got != "" {
		t.Errorf("default with no printers: %q, want an empty body", got)
	}
}

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

func TestStatusQueriesAreAnsweredByRead(t *testing.T) {
	e := newEnv(t)
	dev := `{"uid":"virtual"}`
	write := func(data string) {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"device": json.RawMessage(dev), "data": data})
		e.ok("POST", "/write", string(body))
	}
	read := func() string {
		t.Helper()
		return e.ok("POST", "/read", `{"device":`+dev+`}`)
	}
	if got := read(); got != "" {
		t.Errorf("read before any query: %q", got)
	}
	write("~HQES")
	st := read()
	if st[70] != '0' || st[84] != '0' || st[87] != '0' || st[88] != '0' {
		t.Errorf("ready printer: flags %q %q %q %q in %q", st[70], st[84], st[87], st[88], st)
	}
	if got := read(); got != "" {
		t.Errorf("second read: %q, want nothing (answers are read once)", got)
	}
	write("! U1 getvar \"device.languages\"\r\n~HS")
	if got := read(); !strings.HasPrefix(got, `"zpl"`+"\x02030,0,0,") {
		t.Errorf("getvar + ~HS: %q", got)
	}
	if n := len(e.jobs()); n != 0 {
		t.Fatalf("queries alone made %d jobs, want none", n)
	}

	// A label with a query prints and answers.
	e.sp.SetStatus("virtual", printing.Status{State: printing.PrinterError, Reasons: []string{printing.ReasonPaperOut}})
	write("^XA^FDx^FS^XZ\n~HQES")
	st = read()
	if st[70] != '1' || st[88] != '1' {
		t.Errorf("paper out: error flag %q, media %q in %q", st[70], st[88], st)
	}
	if n := len(e.jobs()); n != 1 {
		t.Errorf("label + query made %d jobs, want 1", n)
	}
}

func TestHQESLayout(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name                    string
		st                      printing.Status
		flag, pause, head, medi byte
	}{
		{"ready", printing.Status{State: "ready"}, '0', '0', '0', '0'},
		{"paper out", printing.Status{State: "error", Reasons: []string{"paper_out"}}, '1', '0', '0', '1'},
		{"ribbon out and head open", printing.Status{State: "error", Reasons: []string{"ribbon_out", "head_open"}}, '1', '0', '0', '6'},
		{"paused", printing.Status{State: "ready", Reasons: []string{"paused"}}, '1', '1', '0', '0'},
		{"offline", printing.Status{State: "offline", Reasons: []string{"disconnected"}}, '1', '0', '0', '0'},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := string(browserprint.HQES(c.st))
			if s[0] != '\x02' || s[len(s)-1] != '\x03' || !strings.Contains(s, "PRINTER STATUS") {
				t.Fatalf("not framed like a printer's reply: %q", s)
			}
			got := []byte{s[70], s[84], s[87], s[88]}
			want := []byte{c.flag, c.pause, c.head, c.medi}
			if !bytes.Equal(got, want) {
				t.Errorf("chars 70,84,87,88 = %q, want %q in %q", got, want, s)
			}
		})
	}
}

func TestRefusalsAndErrors(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		name, method, path, origin, body string
		hdr                              []string
		status                           int
		text                             string
		cors                             bool // the refusal is readable by the page
	}{
		{"foreign Host (DNS rebinding)", "GET", "/available", pageOrigin, "", []string{"Host", "evil.example:9100"}, 403, "Host", false},
		{"wrong port in Host", "GET", "/available", pageOrigin, "", []string{"Host", "127.0.0.1:1"}, 403, "Host", false},
		{"no Origin, no token", "GET", "/available", "", "", nil, 403, "no Origin", false},
		{"unknown site", "GET", "/available", "https://other.example", "", nil, 403, "approve it", true},
		{"denied site", "POST", "/write", deniedOrigin, `{"data":"^XA^XZ"}`, nil, 403, "denied", true},
		{"opaque origin", "GET", "/available", "null", "", nil, 403, "cannot be allowed", false},
		{"unknown path", "GET", "/status", pageOrigin, "", nil, 404, "not part of the Browser Print API", true},
		{"wrong method", "GET", "/write", pageOrigin, "", nil, 405, "needs POST", true},
		{"sendUrl", "POST", "/write", pageOrigin, `{"device":{"uid":"virtual"},"url":"https://x/label.zpl"}`, nil, 501, "sendUrl", true},
		{"convert", "POST", "/convert", pageOrigin, `{}`, nil, 501, "not supported", true},
		{"not JSON", "POST", "/write", pageOrigin, `^XA^XZ`, nil, 400, "not JSON", true},
		{"empty body", "POST", "/write", pageOrigin, ``, nil, 400, "empty body", true},
		{"wrong type", "POST", "/write", pageOrigin, `{"data":5}`, nil, 400, "data must be string", true},
		{"no data", "POST", "/write", pageOrigin, `{"device":{"uid":"virtual"}}`, nil, 400, "data: missing", true},
		{"unknown printer", "POST", "/write", pageOrigin, `{"device":{"uid":"zebra-x","name":"ZD420"},"data":"^XA^XZ"}`, nil, 404, `"ZD420"`, true},
		{"unknown printer on read", "POST", "/read", pageOrigin, `{"device":{"uid":"zebra-x"}}`, nil, 404, "not found", true},
		{"body too large", "POST", "/write", pageOrigin, `{"data":"` + strings.Repeat("A", 17<<20) + `"}`, nil, 413, "over the limit", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.do(c.method, c.path, c.origin, c.body, c.hdr...)
			if r.status != c.status || !strings.Contains(r.body, c.text) {
				t.Errorf("got %d %q, want %d containing %q", r.status, r.body, c.status, c.text)
			}
			if got := r.header.Get("Access-Control-Allow-Origin") != ""; got != c.cors {
				t.Errorf("Access-Control-Allow-Origin present = %v, want %v", got, c.cors)
			}
		})
	}
	if n := len(e.jobs()); n != 0 {
		t.Errorf("refused requests made %d jobs", n)
	}
}

func TestTokenAndPreflight(t *testing.T) {
	e := newEnv(t)
	if r := e.do("GET", "/available", "", "", "Authorization", "Bearer "+token); r.status != 200 {
		t.Errorf("with the local token: %d %s", r.status, r.body)
	}
	if r := e.do("GET", "/available", "", "", "Authorization", "Bearer wrong"); r.status != 403 {
		t.Errorf("with a wrong token: %d", r.status)
	}
	r := e.do("OPTIONS", "/write", pageOrigin, "", "Access-Control-Request-Method", "POST", "Access-Control-Request-Private-Network", "true")
	if r.status != http.StatusNoContent || r.header.Get("Access-Control-Allow-Origin") != pageOrigin ||
		!strings.Contains(r.header.Get("Access-Control-Allow-Methods"), "POST") || r.header.Get("Access-Control-Allow-Private-Network") != "true" {
		t.Errorf("preflight: %d %v", r.status, r.header)
	}
	r = e.do("GET", "/available", "", "", "Authorization", "Bearer "+token, "Host", "localhost:"+strings.Split(e.host, ":")[1])
	if r.status != 200 {
		t.Errorf("Host localhost:PORT: %d", r.status)
	}
	var cfg struct {
		Application struct {
			Version  string `json:"version"`
			APILevel int    `json:"apiLevel"`
		} `json:"application"`
	}
	if err := json.Unmarshal([]byte(e.ok("GET", "/config", "")), &cfg); err != nil || cfg.Application.APILevel == 0 || !strings.Contains(cfg.Application.Version, "Labelbridge") {
		t.Errorf("config: %+v %v", cfg, err)
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
