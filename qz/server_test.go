package qz_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/labelbridge/labelbridge/edge"
	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/printing/store"
	"github.com/labelbridge/labelbridge/qz"
	"github.com/labelbridge/labelbridge/sites"
)

const (
	pageOrigin   = "https://wms.example.com"
	deniedOrigin = "https://evil.example.com"
)

// sink is a transport that hands every job's bytes to the test.
type sink struct{ got chan []byte }

func (s *sink) Send(_ context.Context, _ printing.Job, data []byte) error {
	s.got <- data
	return nil
}

type env struct {
	t    *testing.T
	port int
	sp   *printing.Spooler
	reg  *sites.Registry
	sink *sink
	tls  *tls.Config // the client's, when the listener is wss
}

// newEnv runs a listener on a loopback port over the real spooler, job
// store and sites registry; with secure, the test talks to its wss:// port
// (a throwaway certificate).
func newEnv(t *testing.T, secure bool, mutate func(*qz.Options)) *env {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "jobs.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	sp := printing.New(st, docCompiler{}, printing.Options{}) // pixel_server_test.go
	if err := sp.Start(); err != nil {
		t.Fatal(err)
	}
	sk := &sink{got: make(chan []byte, 64)}
	sp.Attach(printing.Printer{ID: "virtual", Name: "Virtual printer", Connection: printing.ConnVirtual, Language: "zpl"}, sk)
	if _, err := sp.SetDefault("virtual"); err != nil {
		t.Fatal(err)
	}
	reg, err := sites.New(sites.Options{User: []string{pageOrigin}, Denied: []string{deniedOrigin}})
	if err != nil {
		t.Fatal(err)
	}
	ls, err := edge.Listen(0)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, port: ls[0].Addr().(*net.TCPAddr).Port, sp: sp, reg: reg, sink: sk}
	opt := qz.Options{Port: e.port, AgentVersion: "test"}
	if mutate != nil {
		mutate(&opt)
	}
	srv := qz.New(sp, reg, opt)
	srv.Serve(ls)
	if secure { // the same listener's wss:// on a second port
		tlsLs, err := edge.Listen(0)
		if err != nil {
			t.Fatal(err)
		}
		var server *tls.Config
		server, e.tls = selfSigned(t)
		srv.ServeTLS(tlsLs, server)
		e.port = tlsLs[0].Addr().(*net.TCPAddr).Port
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		_ = sp.Stop(ctx)
		_ = st.Close()
	})
	return e
}

// selfSigned is a server config for localhost and a client config that
// trusts it.
func selfSigned(t *testing.T) (*tls.Config, *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}},
		&tls.Config{RootCAs: pool, ServerName: "localhost"}
}

// dial connects as a page from origin, the way qz-tray.js does (no path).
func (e *env) dial(origin, host string) (*websocket.Conn, *http.Response, error) {
	scheme, client := "ws", http.DefaultClient
	if e.tls != nil {
		scheme, client = "wss", &http.Client{Transport: &http.Transport{TLSClientConfig: e.tls}}
	}
	if host == "" {
		host = fmt.Sprintf("localhost:%d", e.port)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	hdr := http.Header{}
	if origin != "" {
		hdr.Set("Origin", origin)
	}
	return websocket.Dial(ctx, fmt.Sprintf("%s://127.0.0.1:%d", scheme, e.port), &websocket.DialOptions{HTTPClient: client, HTTPHeader: hdr, Host: host})
}

func (e *env) mustDial(origin string) *websocket.Conn {
	e.t.Helper()
	c, res, err := e.dial(origin, "")
	if err != nil {
		body := ""
		if res != nil {
			b, _ := io.ReadAll(res.Body)
			body = string(b)
		}
		e.t.Fatalf("dial: %v %s", err, body)
	}
	e.t.Cleanup(func() { _ = c.CloseNow() })
	return c
}

// call sends a message and returns the next reply.
func call(t *testing.T, c *websocket.Conn, msg string) map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
		t.Fatalf("write: %v", err)
	}
	_, data, err := c.Read(ctx)
	if err != nil {
		t.Fatalf("read the reply to %s: %v", msg, err)
	}
	var r map[string]any
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatalf("reply %s: %v", data, err)
	}
	return r
}

func TestPrintOverWSAndWSS(t *testing.T) {
	for _, secure := range []bool{false, true} {
		t.Run(map[bool]string{false: "ws", true: "wss"}[secure], func(t *testing.T) {
			e := newEnv(t, secure, nil)
			c := e.mustDial(pageOrigin)
			// The keep-alive "ping" is not answered: the next reply is getVersion's.
			if err := c.Write(context.Background(), websocket.MessageText, []byte("ping")); err != nil {
				t.Fatal(err)
			}
			if r := call(t, c, `{"call":"getVersion","uid":"v1","timestamp":1}`); r["uid"] != "v1" || r["result"] != qz.Version {
				t.Fatalf("getVersion: %v", r)
			}
			if r := call(t, c, `{"certificate":null,"uid":"c1"}`); r["uid"] != "c1" || r["error"] != nil {
				t.Fatalf("certificate: %v", r)
			}
			if r := call(t, c, `{"call":"printers.find","params":{"query":"virtual"},"uid":"f1","signature":""}`); r["result"] != "Virtual printer" {
				t.Fatalf("find: %v", r)
			}
			msg := `{"call":"print","params":{"printer":{"name":"Virtual printer"},"options":{"copies":2,"jobName":"QZ test"},` +
				`"data":["^XA",{"type":"raw","format":"command","flavor":"base64","data":"XkZEaGleRlM="},{"flavor":"hex","data":"5e585a"}]},"uid":"p1","timestamp":123}`
			if r := call(t, c, msg); r["uid"] != "p1" || r["error"] != nil {
				t.Fatalf("print: %v", r)
			}
			select {
			case got := <-e.sink.got:
				if want := strings.Repeat("^XA^FDhi^FS^XZ", 2); string(got) != want {
					t.Errorf("printed %q, want %q", got, want)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("nothing printed")
			}
			// The same message again (a resend) is the same job: nothing more prints.
			if r := call(t, c, msg); r["error"] != nil {
				t.Fatalf("resend: %v", r)
			}
			jobs, err := e.sp.Jobs(printing.JobFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if len(jobs) != 1 || jobs[0].Origin != pageOrigin || jobs[0].Title != "QZ test" {
				t.Errorf("jobs after a resend: %+v, want one from %s titled \"QZ test\"", jobs, pageOrigin)
			}
		})
	}
}

func TestRefusedSites(t *testing.T) {
	e := newEnv(t, false, nil)
	for _, origin := range []string{"https://new.example.com", deniedOrigin, ""} {
		t.Run(origin, func(t *testing.T) {
			c := e.mustDial(origin)
			if r := call(t, c, `{"call":"getVersion","uid":"v"}`); r["result"] != qz.Version {
				t.Fatalf("getVersion: %v", r)
			}
			if r := call(t, c, `{"call":"print","params":{"printer":{"name":"Virtual printer"},"data":["x"]},"uid":"p"}`); r["error"] != qz.ErrRequestBlocked {
				t.Fatalf("print before the certificate: %v", r)
			}
			if r := call(t, c, `{"certificate":null,"uid":"c"}`); r["error"] != qz.ErrBlocked {
				t.Fatalf("certificate: %v", r)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if _, _, err := c.Read(ctx); websocket.CloseStatus(err) != websocket.StatusPolicyViolation {
				t.Errorf("after the refusal: %v, want a 1008 close", err)
			}
		})
	}
	if jobs, _ := e.sp.Jobs(printing.JobFilter{}); len(jobs) != 0 {
		t.Errorf("%d jobs printed by refused sites", len(jobs))
	}
	pending := false
	for _, s := range e.reg.List() {
		pending = pending || (s.Origin == "https://new.example.com" && s.State == "pending")
	}
	if !pending {
		t.Errorf("the unknown site is not pending approval: %+v", e.reg.List())
	}
	// Once approved, the same page connects.
	if err := e.reg.Approve("https://new.example.com"); err != nil {
		t.Fatal(err)
	}
	c := e.mustDial("https://new.example.com")
	if r := call(t, c, `{"certificate":null,"uid":"c"}`); r["error"] != nil {
		t.Fatalf("approved site: %v", r)
	}
}

func TestHostAndFrames(t *testing.T) {
	e := newEnv(t, false, func(o *qz.Options) { o.MaxMessageBytes = 64 << 10 })
	if _, res, err := e.dial(pageOrigin, fmt.Sprintf("evil.example:%d", e.port)); err == nil || res == nil || res.StatusCode != http.StatusForbidden {
		t.Errorf("foreign Host: err %v, want 403", err)
	}
	for _, host := range []string{"127.0.0.1", "[::1]"} {
		c, _, err := e.dial(pageOrigin, fmt.Sprintf("%s:%d", host, e.port))
		if err != nil {
			t.Errorf("Host %s: %v", host, err)
			continue
		}
		_ = c.CloseNow()
	}
	c := e.mustDial(pageOrigin)
	tests := []struct{ send, want string }{
		{`not json`, `"type":"LABELBRIDGE_ERROR"`},
		{`{"call":"getVersion"}`, `the message has no uid`},
		{`{"call":7,"uid":"x"}`, `{"uid":"x","error":"call: must be a string"}`},
		{`{"call":"serial.openPort","uid":"s"}`, `serial ports are not supported`},
	}
	for _, tt := range tests {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_ = c.Write(ctx, websocket.MessageText, []byte(tt.send))
		_, data, err := c.Read(ctx)
		cancel()
		if err != nil || !strings.Contains(string(data), tt.want) {
			t.Errorf("%s: got %s %v, want %s", tt.send, data, err, tt.want)
		}
	}
	// A message over the read limit closes the connection (1009), not the agent.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = c.Write(ctx, websocket.MessageText, []byte(`{"call":"print","uid":"big","params":"`+strings.Repeat("x", 70<<10)+`"}`))
	if _, _, err := c.Read(ctx); websocket.CloseStatus(err) != websocket.StatusMessageTooBig {
		t.Errorf("oversized message: %v, want a 1009 close", err)
	}
	c2 := e.mustDial(pageOrigin)
	if r := call(t, c2, `{"call":"getVersion","uid":"v"}`); r["result"] != qz.Version {
		t.Errorf("after an oversized message, a new connection: %v", r)
	}
}

// A plain GET (no upgrade) says what the port is; it carries no data.
func TestPlainGET(t *testing.T) {
	e := newEnv(t, false, nil)
	res, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/", e.port))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("status %d", res.StatusCode)
	}
}
