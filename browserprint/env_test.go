// The test environment: a Browser Print handler over a real spooler and store,
// and helpers to call it and read what was printed.

package browserprint_test

import (
	"context"
	"io"
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
