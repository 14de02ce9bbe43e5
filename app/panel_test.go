package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	neturl "net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/labelbridge/labelbridge/client"
	"github.com/labelbridge/labelbridge/config"
	"github.com/labelbridge/labelbridge/internal/logging"
	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/printing/label"
	"github.com/labelbridge/labelbridge/sites"
)

// ---- helpers shared with tray_test.go ----

// needTool finds a program the test needs. Without it the test fails in CI
// (CI=true) and is skipped elsewhere.
func needTool(t *testing.T, names ...string) string {
	t.Helper()
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	msg := fmt.Sprintf("%s not found (scripts/deps/test-tray-panel.txt lists the Debian packages)", strings.Join(names, " or "))
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// syncBuffer collects a process's or logger's output safely.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// rawPrinterSink is a raw TCP "network printer": it accepts connections and hands
// each job's bytes to Jobs.
type rawPrinterSink struct {
	l    net.Listener
	Jobs chan []byte
}

func newSink(t *testing.T) *rawPrinterSink {
	t.Helper()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &rawPrinterSink{l: l, Jobs: make(chan []byte, 100)}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				data, _ := io.ReadAll(c)
				s.Jobs <- data
			}()
		}
	}()
	t.Cleanup(func() { l.Close() })
	return s
}

func (s *rawPrinterSink) Addr() string { return s.l.Addr().String() }

func writeTestConfig(t *testing.T, home string, c config.Config) {
	t.Helper()
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(home, "config"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, "config", "config.json"), data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func readTestConfig(t *testing.T, home string) config.Config {
	t.Helper()
	var c config.Config
	data, err := os.ReadFile(filepath.Join(home, "config", "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// startTestAgent runs a real agent in this process on a free loopback port
// with LABELBRIDGE_HOME in a temporary folder holding cfg.
func startTestAgent(t *testing.T, cfg config.Config) (*agent, string) {
	t.Helper()
	home := t.TempDir()
	writeTestConfig(t, home, cfg)
	t.Setenv("LABELBRIDGE_HOME", home)
	t.Setenv("LABELBRIDGE_POLICY", filepath.Join(home, "no-policy.json"))
	loaded, err := loadConfig(0)
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	log, closer, err := logging.New("info", "", logs)
	if err != nil {
		t.Fatal(err)
	}
	a, err := startAgent(loaded, log, agentOptions{AnyPort: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := stopAgent(a); err != nil {
			t.Errorf("stop agent: %v", err)
		}
		closer.Close()
		if t.Failed() {
			t.Logf("agent log:\n%s", logs.String())
		}
	})
	return a, home
}

// adminClient connects with the local CLI token (an admin, like the panel).
func adminClient(t *testing.T, port int, token string) *client.Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := client.Dial(ctx, client.URL(port), client.Options{Token: token})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// ---- admin methods, without a browser ----

func TestPanelAdminMethods(t *testing.T) {
	printer := newSink(t)
	a, home := startTestAgent(t, config.Config{})
	c := adminClient(t, a.port, a.token)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	t.Run("printers.add attaches and persists a network printer", func(t *testing.T) {
		var r struct{ Printer printing.Printer }
		if err := c.Call(ctx, "printers.add", map[string]any{"name": "Dock", "address": printer.Addr(), "language": "zpl", "dpi": 300}, &r); err != nil {
			t.Fatal(err)
		}
		want := "net:" + printer.Addr()
		if r.Printer.ID != want || r.Printer.Connection != "network" || r.Printer.DPI != 300 || !r.Printer.Configured {
			t.Fatalf("added printer = %+v", r.Printer)
		}
		saved := readTestConfig(t, home).NetworkPrinters
		if len(saved) != 1 || saved[0].Address != printer.Addr() || saved[0].Name != "Dock" {
			t.Fatalf("config networkPrinters = %+v", saved)
		}
		job, err := c.Print(ctx, client.PrintParams{Printer: want, Raw: &client.Raw{Language: "zpl", Data: strp("^XA^FDhello^FS^XZ")}})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Subscribe(ctx, "jobs"); err != nil {
			t.Fatal(err)
		}
		if j, err := c.WaitJob(ctx, job.ID); err != nil || j.State != printing.JobDone {
			t.Fatalf("job on the added printer: %+v, %v", j, err)
		}
		select {
		case got := <-printer.Jobs:
			if string(got) != "^XA^FDhello^FS^XZ" {
				t.Fatalf("printer got %q", got)
			}
		case <-ctx.Done():
			t.Fatal("the network printer got nothing")
		}
		// Adding it did not make it the default: a print that names no
		// printer still goes to the virtual printer.
		other, err := c.Print(ctx, client.PrintParams{Raw: &client.Raw{Language: "zpl", Data: strp("^XA^FDno printer^FS^XZ")}})
		if err != nil || other.Printer != printing.VirtualPrinterID || a.spooler.DefaultPrinter() != printing.VirtualPrinterID {
			t.Fatalf("after printers.add a print naming no printer went to %q (%v), default %q: want the virtual printer",
				other.Printer, err, a.spooler.DefaultPrinter())
		}
	})

	t.Run("printers.add without a port uses 9100", func(t *testing.T) {
		var r struct{ Printer printing.Printer }
		if err := c.Call(ctx, "printers.add", map[string]any{"address": "192.0.2.10", "language": "tspl"}, &r); err != nil {
			t.Fatal(err)
		}
		if r.Printer.ID != "net:192.0.2.10:9100" || r.Printer.Name != "Network printer 192.0.2.10:9100" {
			t.Fatalf("printer = %+v", r.Printer)
		}
	})

	bad := []struct {
		method, params, reason, says string
	}{
		{"printers.add", `{"address":""}`, "invalid_params", "address: required"},
		{"printers.add", `{"address":"10.0.0.1","language":"pcl"}`, "invalid_params", "language"},
		{"printers.add", `{"address":"10.0.0.1:99999"}`, "invalid_params", "is not a host or host:port"},
		{"printers.add", `{"address":"10.0.0.1","dpi":42}`, "invalid_params", "dpi"},
		{"printers.add", `{"address":"10.0.0.1","colour":"red"}`, "invalid_params", "colour"},
		{"printers.add", `{"address":"192.0.2.10"}`, "invalid_params", "already set up"},
		{"printers.remove", `{"printer":"virtual"}`, "printer_not_found", "only those can be removed"},
		{"printers.remove", `{}`, "invalid_params", "printer: required"},
		{"printers.testPrint", `{"printer":"nope"}`, "printer_not_found", "nope"},
		{"jobs.preview", `{"job":"nope"}`, "job_not_found", "nope"},
		{"jobs.preview", `{"job":"x","dpi":5000}`, "invalid_params", "dpi"},
		{"sites.approve", `{"origin":"not a url"}`, "invalid_params", "not a url"},
		{"sites.approve", `{}`, "invalid_params", "origin: required"},
		{"sites.revoke", `{"origin":"https://never.example"}`, "invalid_params", "not an approved site"},
		{"printing.pause", `{"now":true}`, "invalid_params", "now"},
		{"printing.pause", `[1]`, "invalid_params", "params"},
	}
	for _, b := range bad {
		t.Run("refuses "+b.method+" "+b.params, func(t *testing.T) {
			err := c.Call(ctx, b.method, json.RawMessage(b.params), nil)
			var ce *client.Error
			if !errors.As(err, &ce) {
				t.Fatalf("got %v, want an error reply", err)
			}
			if ce.Reason != b.reason || !strings.Contains(ce.Message, b.says) {
				t.Fatalf("got %q (%s), want reason %s mentioning %q", ce.Message, ce.Reason, b.reason, b.says)
			}
		})
	}

	t.Run("printers.remove detaches, forgets and moves the default", func(t *testing.T) {
		id := "net:" + printer.Addr()
		if _, err := a.spooler.SetDefault(id); err != nil {
			t.Fatal(err)
		}
		if err := c.Call(ctx, "printers.remove", map[string]string{"printer": id}, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := a.spooler.Printer(id); err == nil {
			t.Fatal("removed printer is still listed")
		}
		for _, np := range readTestConfig(t, home).NetworkPrinters {
			if np.PrinterID() == id {
				t.Fatal("removed printer is still in the config file")
			}
		}
		if d := a.spooler.DefaultPrinter(); d == id {
			t.Fatal("the default printer is still the removed one")
		}
	})

	t.Run("pause and resume", func(t *testing.T) {
		var st struct{ Paused bool }
		if err := c.Call(ctx, "printing.pause", nil, &st); err != nil || !st.Paused || !a.spooler.Paused() {
			t.Fatalf("pause: %+v %v", st, err)
		}
		if err := c.Call(ctx, "printing.resume", nil, &st); err != nil || st.Paused || a.spooler.Paused() {
			t.Fatalf("resume: %+v %v", st, err)
		}
	})

	t.Run("sites: pending, approve, revoke, deny", func(t *testing.T) {
		const site = "https://wms.example.com"
		_, err := client.Dial(ctx, client.URL(a.port), client.Options{Origin: site})
		var refused *client.RefusedError
		if !errors.As(err, &refused) || refused.Reason != "origin_not_allowed" {
			t.Fatalf("unknown site: %v", err)
		}
		var r sitesResult
		if err := c.Call(ctx, "sites.list", nil, &r); err != nil {
			t.Fatal(err)
		}
		if r.Pending != 1 || !hasSite(r, site, "pending") {
			t.Fatalf("sites.list = %+v", r)
		}
		if err := c.Call(ctx, "sites.approve", map[string]string{"origin": site}, &r); err != nil || !hasSite(r, site, "allowed") {
			t.Fatalf("approve: %+v %v", r, err)
		}
		page, err := client.Dial(ctx, client.URL(a.port), client.Options{Origin: site})
		if err != nil {
			t.Fatalf("approved site cannot connect: %v", err)
		}
		page.Close()
		if !slices.Contains(readTestConfig(t, home).AllowedOrigins, site) {
			t.Fatal("approval not saved")
		}
		if err := c.Call(ctx, "sites.revoke", map[string]string{"origin": site}, &r); err != nil || hasSite(r, site, "allowed") {
			t.Fatalf("revoke: %+v %v", r, err)
		}
		if err := c.Call(ctx, "sites.deny", map[string]string{"origin": site}, &r); err != nil || !hasSite(r, site, "denied") {
			t.Fatalf("deny: %+v %v", r, err)
		}
		_, err = client.Dial(ctx, client.URL(a.port), client.Options{Origin: site})
		if !errors.As(err, &refused) || refused.Reason != "origin_denied" {
			t.Fatalf("denied site: %v", err)
		}
	})

	t.Run("jobs.preview of a raw job says there is nothing to draw", func(t *testing.T) {
		job, err := c.Print(ctx, client.PrintParams{Printer: "virtual", Raw: &client.Raw{Language: "zpl", Data: strp("^XA^XZ")}})
		if err != nil {
			t.Fatal(err)
		}
		var r struct{ PNG, Reason string }
		if err := c.Call(ctx, "jobs.preview", map[string]string{"job": job.ID}, &r); err != nil {
			t.Fatal(err)
		}
		if r.PNG != "" || r.Reason != "raw" {
			t.Fatalf("preview of a raw job = %+v", r)
		}
	})

	t.Run("admin methods are refused to web pages", func(t *testing.T) {
		page, err := client.Dial(ctx, client.URL(a.port), client.Options{Origin: "http://127.0.0.1:8080"})
		if err != nil {
			t.Fatal(err)
		}
		defer page.Close()
		for _, m := range []string{"sites.approve", "printing.pause", "printers.add", "printers.remove", "jobs.preview", "sites.list"} {
			if err := page.Call(ctx, m, map[string]string{}, nil); err == nil {
				t.Errorf("a web page could call %s", m)
			}
		}
		if a.spooler.Paused() {
			t.Fatal("a web page paused printing")
		}
	})
}

func hasSite(r sitesResult, origin, state string) bool {
	return slices.ContainsFunc(r.Sites, func(s sites.Site) bool { return s.Origin == origin && s.State == state })
}

func strp[T any](v T) *T { return &v }

func TestPanelPolicyLocks(t *testing.T) {
	home := t.TempDir()
	writeTestConfig(t, home, config.Config{})
	policy := filepath.Join(home, "policy.json")
	if err := os.WriteFile(policy, []byte(`{"allowedOrigins":["https://wms.example.com"],"lockAllowedOrigins":true,"networkPrinters":[]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("LABELBRIDGE_HOME", home)
	t.Setenv("LABELBRIDGE_POLICY", policy)
	cfg, err := loadConfig(0)
	if err != nil {
		t.Fatal(err)
	}
	log, closer, _ := logging.New("error", "", io.Discard)
	defer closer.Close()
	a, err := startAgent(cfg, log, agentOptions{AnyPort: true})
	if err != nil {
		t.Fatal(err)
	}
	defer stopAgent(a)
	c := adminClient(t, a.port, a.token)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var r sitesResult
	if err := c.Call(ctx, "sites.list", nil, &r); err != nil {
		t.Fatal(err)
	}
	if !r.Locked || len(r.Sites) != 1 || !r.Sites[0].Locked {
		t.Fatalf("sites under a locking policy = %+v", r)
	}
	for _, call := range []struct{ method, params, says string }{
		{"sites.approve", `{"origin":"https://other.example"}`, "admin policy"},
		{"sites.revoke", `{"origin":"https://wms.example.com"}`, "admin policy"},
		{"printers.add", `{"address":"10.0.0.9"}`, "admin policy"},
	} {
		err := c.Call(ctx, call.method, json.RawMessage(call.params), nil)
		if err == nil || !strings.Contains(err.Error(), call.says) {
			t.Errorf("%s under policy: %v, want an error about the %s", call.method, err, call.says)
		}
	}
}

// ---- serving the page ----

// testCookieName is the panel session cookie's name for agent a.
func testCookieName(a *agent) string { return a.auth.CookieName() }

// panelBrowser is an HTTP client with a cookie jar, like a browser.
func panelBrowser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: 10 * time.Second}
}

func fetch(t *testing.T, c *http.Client, url string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(body)
}

func TestPanelServesPagesAndHeaders(t *testing.T) {
	a, _ := startTestAgent(t, config.Config{})
	base := fmt.Sprintf("http://127.0.0.1:%d", a.port)
	get := func(path, host string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		if host != "" {
			req.Host = host
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	// Without a session, / says how to open the panel and holds no panel.
	resp := get("/", "")
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(string(body), "labelbridge panel") || strings.Contains(string(body), "panel.js") {
		t.Fatalf("GET / without a session = %d:\n%s", resp.StatusCode, body)
	}
	for k, want := range map[string]string{
		"X-Frame-Options": "DENY", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
	} {
		if got := resp.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"frame-ancestors 'none'", "script-src 'self'", fmt.Sprintf("connect-src 'self' ws://127.0.0.1:%d", a.port)} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	for path, want := range map[string]int{
		"/panel/panel.js": 200, "/panel/panel.css": 200, "/panel/favicon.png": 200,
		"/panel/index.html": 404, "/panel/login.html": 404, "/panel/nope.js": 404, "/panel/../config/token": 404, "/nope": 404,
	} {
		if got := get(path, "").StatusCode; got != want {
			t.Errorf("GET %s = %d, want %d", path, got, want)
		}
	}
	if ct := get("/panel/panel.js", "").Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") {
		t.Errorf("panel.js Content-Type = %q", ct)
	}
	if got := get("/", "evil.example:80").StatusCode; got != http.StatusForbidden {
		t.Errorf("GET / with a foreign Host (DNS rebinding) = %d, want 403", got)
	}
	if got := get("/login?code="+a.auth.NewCode(), "evil.example:80").StatusCode; got != http.StatusForbidden {
		t.Errorf("GET /login with a foreign Host (DNS rebinding) = %d, want 403", got)
	}

	// The login link signs a browser in: the panel, then admin on /ws with
	// the cookie and the own Origin.
	browser := panelBrowser(t)
	link := a.panelLoginURL()
	resp, body2 := fetch(t, browser, link)
	if resp.StatusCode != 200 || resp.Request.URL.String() != base+"/" || !strings.Contains(body2, "/panel/panel.js") {
		t.Fatalf("following the login link: %d at %s:\n%s", resp.StatusCode, resp.Request.URL, body2)
	}
	if resp, again := fetch(t, panelBrowser(t), link); resp.StatusCode != http.StatusForbidden || !strings.Contains(again, "labelbridge panel") {
		t.Fatalf("the login link used a second time: %d\n%s", resp.StatusCode, again)
	}
	u, _ := neturl.Parse(base)
	var cookie string
	for _, c := range browser.Jar.Cookies(u) {
		cookie = c.Name + "=" + c.Value
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	own := http.Header{"Origin": {base}, "Cookie": {cookie}}
	if admin, err := wsHello(ctx, client.URL(a.port)+"?admin=1", own); err != nil || !admin {
		t.Fatalf("the signed-in panel on /ws?admin=1: admin %v, %v", admin, err)
	}
	// The same cookie from a page on another port of the host (the
	// browser sends it there: same site) is only that page.
	other := http.Header{"Origin": {"http://127.0.0.1:8080"}, "Cookie": {cookie}}
	if admin, err := wsHello(ctx, client.URL(a.port)+"?admin=1", other); err != nil || admin {
		t.Fatalf("another localhost port with the panel cookie: admin %v, %v", admin, err)
	}
	// The demo (own origin, no admin opt-in) stays an ordinary page.
	if admin, err := wsHello(ctx, client.URL(a.port), own); err != nil || admin {
		t.Fatalf("own origin with the cookie but no ?admin=1: admin %v, %v", admin, err)
	}
}

func freePortForTest(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func TestTestLabelIsAValidLabel(t *testing.T) {
	t.Parallel()
	for _, p := range []printing.Printer{
		{ID: "virtual", Name: "Virtual printer", Language: "zpl", DPI: 203},
		{ID: "usb:1", Name: "상품 라벨 프린터 with a very long name that goes on and on", Language: "tspl", DPI: 300},
		{ID: "net:x"},
	} {
		raw := testLabel(p, time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC))
		if _, err := label.Parse(raw); err != nil {
			t.Errorf("test label for %s: %v\n%s", p.ID, err, raw)
		}
	}
}

func TestNormalizeAddress(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"10.0.0.5": "10.0.0.5:9100", " printer.local:9101 ": "printer.local:9101", "[fe80::1]:9100": "[fe80::1]:9100",
		"fe80::2": "", "": "", "a b": "", "host:0": "", "http://x": "",
	} {
		got, err := normalizeAddress(in)
		if want == "" && in == "fe80::2" {
			// A bare IPv6 address is taken as a host.
			if err != nil || got != "[fe80::2]:9100" {
				t.Errorf("normalizeAddress(%q) = %q, %v", in, got, err)
			}
			continue
		}
		if (err != nil) != (want == "") || got != want {
			t.Errorf("normalizeAddress(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

// ---- the panel in a real browser ----

// startChromium starts headless Chromium with the flags that keep it off the
// network.
func startChromium(t *testing.T) context.Context {
	t.Helper()
	exe := needTool(t, "chromium", "chromium-browser")
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1360, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelBrowser(); cancelAlloc() })
	if err := chromedp.Do(bctx); err != nil { // start it now
		t.Fatalf("start chromium: %v", err)
	}
	return bctx
}

// artifactsDir is where screenshots go: $ARTIFACTS_DIR/panel or a temp dir.
func artifactsDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if d := os.Getenv("ARTIFACTS_DIR"); d != "" {
		dir = filepath.Join(d, "panel")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func saveScreenshot(t *testing.T, ctx context.Context, dir, name string) string {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
	return path
}

// bringToFront makes a tab the active one again (a window left behind
// another gets no animation frames).
var bringToFront = chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
	_, err := cdp.Call(ctx, t, page.BringToFront, cdp.Empty{})
	return err
})

// failureShots is where browserStep saves a screenshot when it fails.
var failureShots = os.TempDir()

// browserStep runs browser actions with a deadline and names the step on failure.
func browserStep(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(sctx, actions...); err != nil {
		// Show what the page looked like when the step failed.
		shot, serr := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if serr == nil {
			path := filepath.Join(failureShots, strings.NewReplacer(" ", "-", "/", "-").Replace(t.Name())+".png")
			if os.WriteFile(path, shot, 0o644) == nil {
				t.Logf("screenshot of the failure: %s", path)
			}
		}
		t.Fatalf("%s: %v", what, err)
	}
}

// sitePage is a tiny page of another web site: it prints over the
// WebSocket API when its button is clicked, and says what happened.
const sitePage = `<!doctype html><html><head><title>Warehouse orders</title></head><body>
<h1>Order 1001</h1><button id="print">Print label</button> <button id="steal">Read the panel</button>
<pre id="status" data-state="idle">idle</pre><pre id="steal-status">idle</pre>
<script>
const agent = "127.0.0.1:%d";
const status = document.getElementById("status");
function say(state, text) { status.dataset.state = state; status.textContent = text; }
document.getElementById("print").onclick = () => {
  say("connecting", "connecting");
  const ws = new WebSocket("ws://" + agent + "/ws");
  ws.onopen = () => ws.send(JSON.stringify({jsonrpc: "2.0", id: 1, method: "print", params: {
    printer: "virtual", title: "Order 1001 from the site", raw: {language: "zpl", data: "^XA^FO40,40^A0N,40,40^FDOrder 1001^FS^XZ"}}}));
  ws.onmessage = (e) => {
    const m = JSON.parse(e.data);
    if (m.id !== 1) return;
    if (m.result) say("printed", m.result.job.id); else say("error", m.error.data.reason);
    ws.close();
  };
  ws.onerror = () => fetch("http://" + agent + "/healthz").then((r) => r.json())
    .then((h) => say("refused-" + h.originStatus, "refused: " + h.originStatus));
};
document.getElementById("steal").onclick = () => {
  const out = document.getElementById("steal-status");
  fetch("http://" + agent + "/").then((r) => r.text()).then((t) => { out.dataset.state = "read"; out.textContent = t; })
    .catch(() => { out.dataset.state = "blocked"; out.textContent = "blocked"; });
};
</script></body></html>`

func TestPanelInBrowser(t *testing.T) {
	dock := newSink(t)
	a, home := startTestAgent(t, config.Config{
		// Only the company's site is allowed, so a page on another
		// loopback port is an unknown site that must be approved.
		AllowedOrigins:  []string{"https://wms.example.com"},
		NetworkPrinters: []config.NetworkPrinter{{Name: "Dock printer", Address: dock.Addr(), Language: "zpl"}},
		DefaultPrinter:  "virtual",
	})
	dockID := "net:" + dock.Addr()
	cli := adminClient(t, a.port, a.token)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := cli.Subscribe(ctx, "jobs", "printers"); err != nil {
		t.Fatal(err)
	}
	shots := artifactsDir(t)
	failureShots = shots
	bctx := startChromium(t)
	panelURL := fmt.Sprintf("http://127.0.0.1:%d/", a.port)

	browserStep(t, bctx, "without a login the panel says how to open it",
		chromedp.Navigate(panelURL),
		chromedp.WaitVisible(chromedp.CSS(`#login-needed`)),
	)
	browserStep(t, bctx, "open the panel with a login link, as the tray does",
		chromedp.Navigate(a.panelLoginURL()+"#printers"),
		chromedp.WaitVisible(chromedp.CSS(`#conn[data-state="open"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.printer-card[data-printer="virtual"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.printer-card[data-printer="virtual"][data-default="true"]`)),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`.printer-card[data-printer=%q]`, dockID))),
	)

	t.Run("set the default printer", func(t *testing.T) {
		browserStep(t, bctx, "click Set as default on the dock printer",
			chromedp.Click(chromedp.CSS(fmt.Sprintf(`.printer-card[data-printer=%q] [data-action="set-default"]`, dockID))),
			chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`.printer-card[data-printer=%q][data-default="true"]`, dockID))),
		)
		h, err := cli.Hello(ctx)
		if err != nil || h.DefaultPrinter != dockID {
			t.Fatalf("default printer through the API = %q, %v", h.DefaultPrinter, err)
		}
		if got := readTestConfig(t, home).DefaultPrinter; got != dockID {
			t.Fatalf("saved default printer = %q", got)
		}
		saveScreenshot(t, bctx, shots, "printers.png")
	})

	t.Run("test print", func(t *testing.T) {
		browserStep(t, bctx, "click Test print on the dock printer",
			chromedp.Click(chromedp.CSS(fmt.Sprintf(`.printer-card[data-printer=%q] [data-action="test-print"]`, dockID))),
		)
		select {
		case data := <-dock.Jobs:
			if len(data) == 0 {
				t.Fatal("the test label was empty")
			}
		case <-ctx.Done():
			t.Fatal("the dock printer got no test label")
		}
	})

	t.Run("a job goes from queued to done live", func(t *testing.T) {
		browserStep(t, bctx, "open the queue", chromedp.Click(chromedp.CSS(`a[data-tab="queue"]`)),
			chromedp.WaitVisible(chromedp.CSS(`#tab-queue`)))
		label := json.RawMessage(`{"width":60,"height":40,"unit":"mm","elements":[
			{"type":"box","x":1,"y":1,"width":58,"height":38,"thickness":0.5},
			{"type":"text","x":4,"y":4,"text":"Order 1002","size":4},
			{"type":"barcode","symbology":"code128","x":4,"y":14,"data":"ORD-1002","height":12}]}`)
		job, err := cli.Print(ctx, client.PrintParams{Printer: "virtual", Label: label, Title: "Order 1002", Copies: 2})
		if err != nil {
			t.Fatal(err)
		}
		row := fmt.Sprintf(`tr.job[data-job=%q]`, job.ID)
		browserStep(t, bctx, "the job shows up and finishes", chromedp.WaitVisible(chromedp.CSS(row+`[data-state="done"]`)))
		states, err := chromedp.Run(bctx, chromedp.AttributeValue(chromedp.CSS(row), "data-states"))
		if err != nil {
			t.Fatal(err)
		}
		seen := strings.Fields(states.Value)
		if len(seen) < 2 || seen[0] != "queued" || seen[len(seen)-1] != "done" {
			t.Fatalf("the panel saw the job go %v, want queued … done", seen)
		}
		browserStep(t, bctx, "its label preview is shown", chromedp.WaitVisible(chromedp.CSS(row+` img.thumb`)))
	})

	t.Run("cancel a held job", func(t *testing.T) {
		browserStep(t, bctx, "pause printing",
			chromedp.Click(chromedp.CSS(`#pause-toggle`)),
			chromedp.WaitVisible(chromedp.CSS(`#pause-toggle[data-paused="true"]`)),
			chromedp.WaitVisible(chromedp.CSS(`#paused-banner`)),
		)
		if !a.spooler.Paused() {
			t.Fatal("the spooler is not paused")
		}
		job, err := cli.Print(ctx, client.PrintParams{Printer: dockID, Title: "Pallet 7", Raw: &client.Raw{Language: "zpl", Data: strp("^XA^FDPallet 7^FS^XZ")}})
		if err != nil {
			t.Fatal(err)
		}
		row := fmt.Sprintf(`tr.job[data-job=%q]`, job.ID)
		browserStep(t, bctx, "the job is held",
			chromedp.WaitVisible(chromedp.CSS(row+`[data-state="held"]`)))
		saveScreenshot(t, bctx, shots, "queue-held.png")
		browserStep(t, bctx, "cancel it",
			chromedp.Click(chromedp.CSS(row+` [data-action="cancel"]`)),
			chromedp.WaitVisible(chromedp.CSS(row+`[data-state="canceled"]`)),
		)
		if j, err := cli.Job(ctx, job.ID); err != nil || j.State != printing.JobCanceled {
			t.Fatalf("job through the API: %+v %v", j, err)
		}
		browserStep(t, bctx, "resume printing",
			chromedp.Click(chromedp.CSS(`#pause-toggle`)),
			chromedp.WaitVisible(chromedp.CSS(`#pause-toggle[data-paused="false"]`)),
		)
		if a.spooler.Paused() {
			t.Fatal("the spooler is still paused")
		}
	})

	t.Run("approve a pending site and see it print", func(t *testing.T) {
		site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, sitePage, a.port)
		}))
		defer site.Close()
		origin := site.URL // http://127.0.0.1:PORT, another loopback origin
		tab, closeTab := chromedp.NewContext(bctx)
		defer closeTab()
		// The first run opens the tab, which lives as long as that run's
		// context: give it no deadline.
		if err := chromedp.Do(tab); err != nil {
			t.Fatal(err)
		}
		browserStep(t, tab, "the unknown site is refused",
			chromedp.Navigate(site.URL),
			chromedp.Click(chromedp.CSS(`#print`)),
			chromedp.WaitVisible(chromedp.CSS(`#status[data-state="refused-pending"]`)),
		)
		browserStep(t, tab, "the site cannot read the panel page",
			chromedp.Click(chromedp.CSS(`#steal`)),
		)
		browserStep(t, tab, "the site cannot read the panel page",
			chromedp.WaitVisible(chromedp.CSS(`#steal-status[data-state="blocked"]`)),
		)
		pendingRow := fmt.Sprintf(`.site[data-origin=%q][data-state="pending"]`, origin)
		browserStep(t, bctx, "the panel lists it as waiting",
			chromedp.Click(chromedp.CSS(`a[data-tab="sites"]`)),
			chromedp.WaitVisible(chromedp.CSS(pendingRow)),
			chromedp.WaitVisible(chromedp.CSS(`#sites-count`)),
		)
		saveScreenshot(t, bctx, shots, "sites-pending.png")
		browserStep(t, bctx, "allow it",
			chromedp.Click(chromedp.CSS(pendingRow+` [data-action="allow"]`)),
			chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`.site[data-origin=%q][data-state="allowed"]`, origin))),
		)
		browserStep(t, tab, "the site prints on its next connection",
			chromedp.Click(chromedp.CSS(`#print`)),
			chromedp.WaitVisible(chromedp.CSS(`#status[data-state="printed"]`)),
		)
		id, err := chromedp.Run(tab, chromedp.Text(chromedp.CSS(`#status`)))
		if err != nil {
			t.Fatal(err)
		}
		j, err := cli.WaitJob(ctx, strings.TrimSpace(id))
		if err != nil || j.State != printing.JobDone || j.Origin != origin {
			t.Fatalf("the site's job: %+v, %v", j, err)
		}
		closeTab()
		browserStep(t, bctx, "the site's job shows in the queue",
			bringToFront,
			chromedp.Click(chromedp.CSS(`a[data-tab="queue"]`)),
			chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`tr.job[data-job=%q][data-state="done"]`, j.ID))),
		)
	})

	t.Run("add and remove a network printer", func(t *testing.T) {
		shelf := newSink(t)
		shelfID := "net:" + shelf.Addr()
		card := fmt.Sprintf(`.printer-card[data-printer=%q]`, shelfID)
		browserStep(t, bctx, "add it with the form",
			chromedp.Click(chromedp.CSS(`a[data-tab="printers"]`)),
			chromedp.SendKeys(chromedp.CSS(`#add-printer input[name="name"]`), "Shelf printer"),
			chromedp.SendKeys(chromedp.CSS(`#add-printer input[name="address"]`), shelf.Addr()),
			chromedp.Click(chromedp.CSS(`#add-printer button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS(card)),
		)
		if !slices.ContainsFunc(readTestConfig(t, home).NetworkPrinters, func(np config.NetworkPrinter) bool { return np.PrinterID() == shelfID }) {
			t.Fatal("the added printer is not in the config file")
		}
		job, err := cli.Print(ctx, client.PrintParams{Printer: shelfID, Raw: &client.Raw{Language: "zpl", Data: strp("^XA^XZ")}})
		if err != nil {
			t.Fatal(err)
		}
		if j, err := cli.WaitJob(ctx, job.ID); err != nil || j.State != printing.JobDone {
			t.Fatalf("job on the added printer: %+v %v", j, err)
		}
		saveScreenshot(t, bctx, shots, "printers-added.png")
		// The page asks "Remove …?" with confirm(): accept it.
		if _, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`(window.confirm = () => true, true)`)); err != nil {
			t.Fatal(err)
		}
		browserStep(t, bctx, "remove it",
			chromedp.Click(chromedp.CSS(card+` [data-action="remove"]`)),
			chromedp.WaitNotPresent(chromedp.CSS(card)),
		)
		if slices.ContainsFunc(readTestConfig(t, home).NetworkPrinters, func(np config.NetworkPrinter) bool { return np.PrinterID() == shelfID }) {
			t.Fatal("the removed printer is still in the config file")
		}
	})

	// The picture for docs/panel.md: the queue after all of the above,
	// without the notices of the last clicks.
	browserStep(t, bctx, "show the queue", chromedp.Click(chromedp.CSS(`a[data-tab="queue"]`)),
		chromedp.WaitVisible(chromedp.CSS(`tr.job[data-state="canceled"]`)))
	if _, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`(document.getElementById("toasts").replaceChildren(), true)`)); err != nil {
		t.Fatal(err)
	}
	shot := saveScreenshot(t, bctx, shots, "queue.png")
	if os.Getenv("LABELBRIDGE_UPDATE_DOCS") != "" {
		data, err := os.ReadFile(shot)
		if err == nil {
			err = os.WriteFile(filepath.Join("..", "docs", "img", "panel.png"), data, 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// ---- the admin boundary: nothing a GET returns makes anyone admin ----

// agentGETs are every page and file the agent serves to a plain GET.
var agentGETs = []string{
	"/", "/panel/panel.js", "/panel/panel.css", "/panel/favicon.png", "/panel/login.html",
	"/demo", "/demo/", "/demo/demo.js", "/demo/demo.css",
	"/sdk/labelbridge.js", "/sdk/labelbridge.global.js", "/sdk/labelbridge.d.ts",
	"/healthz", "/login", "/login?code=", "/nope",
}

// secretLike finds strings that could be a secret: long runs of base64url
// or hex characters with at least one digit.
var secretLike = regexp.MustCompile(`[A-Za-z0-9_\-]{24,}`)

// wsHello opens /ws at url with hdr and reports whether the connection is
// admin: hello says so, or an admin method answers.
func wsHello(ctx context.Context, url string, hdr http.Header) (admin bool, err error) {
	ws, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: hdr})
	if err != nil {
		return false, err
	}
	defer ws.CloseNow()
	var hello struct {
		Result struct{ Admin bool }
	}
	var sites struct {
		Result json.RawMessage
		Error  *struct{ Code int }
	}
	for i, call := range []struct {
		method string
		out    any
	}{{"hello", &hello}, {"sites.list", &sites}} {
		if err := wsjson.Write(ctx, ws, map[string]any{"jsonrpc": "2.0", "id": i + 1, "method": call.method}); err != nil {
			return false, err
		}
		if err := wsjson.Read(ctx, ws, call.out); err != nil {
			return false, err
		}
	}
	return hello.Result.Admin || (sites.Error == nil && len(sites.Result) > 0), nil
}

// probeAdmin does what a local program of anyone who can reach the port
// can do: GET everything the agent serves, then try every string in it as
// a panel token, a login code or a session cookie, with the agent's own
// Origin forged. It returns the ways that gave admin rights.
func probeAdmin(ctx context.Context, port int, cookieName string) ([]string, error) {
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	found := map[string]bool{}
	for _, p := range agentGETs {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+p, nil)
		resp, err := noRedirect.Do(req)
		if err != nil {
			return nil, fmt.Errorf("GET %s: %w", p, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		text := string(body)
		for k, vs := range resp.Header {
			text += "\n" + k + ": " + strings.Join(vs, " ")
		}
		for _, s := range secretLike.FindAllString(text, -1) {
			if strings.ContainsAny(s, "0123456789") {
				found[s] = true
			}
		}
	}
	var got []string
	try := func(what, url string, hdr http.Header) {
		if admin, err := wsHello(ctx, url, hdr); err == nil && admin {
			got = append(got, what)
		}
	}
	ws := fmt.Sprintf("ws://127.0.0.1:%d/ws", port)
	for _, own := range []string{base, fmt.Sprintf("http://localhost:%d", port), fmt.Sprintf("http://[::1]:%d", port)} {
		try("own Origin "+own, ws, http.Header{"Origin": {own}})
		try("own Origin "+own+" asking for admin", ws+"?admin=1", http.Header{"Origin": {own}})
	}
	for s := range found {
		hdr := func(cookie string) http.Header {
			h := http.Header{"Origin": {base}}
			if cookie != "" {
				h.Set("Cookie", cookieName+"="+cookie)
			}
			return h
		}
		try("?panel="+s, ws+"?panel="+s, hdr(""))
		try("cookie "+s, ws+"?admin=1", hdr(s))
		try("bearer "+s, ws, http.Header{"Authorization": {"Bearer " + s}})
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/login?code="+s, nil)
		if resp, err := noRedirect.Do(req); err == nil {
			resp.Body.Close()
			for _, c := range resp.Cookies() {
				try("login code "+s, ws+"?admin=1", hdr(c.Value))
			}
		}
	}
	return got, nil
}

// TestNoSecretInAnyGET: anyone who can reach the port (another OS user, a
// program, a page on another localhost port) can GET every page; nothing
// in them, with a forged own Origin, makes an admin connection.
func TestNoSecretInAnyGET(t *testing.T) {
	a, _ := startTestAgent(t, config.Config{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	got, err := probeAdmin(ctx, a.port, testCookieName(a))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) > 0 {
		t.Fatalf("a program with only what GET returns became admin: %v", got)
	}
	for _, p := range agentGETs {
		resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d%s", a.port, p))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.Contains(string(body), a.token) {
			t.Errorf("GET %s contains the CLI token", p)
		}
	}
}

// TestDemoLoadsNoForeignCode: the demo runs in the agent's own origin, so
// it must not load code from anywhere else (no ?agent=PORT script), and a
// CSP allows only the agent's own scripts.
func TestDemoLoadsNoForeignCode(t *testing.T) {
	a, _ := startTestAgent(t, config.Config{})
	scriptTag := regexp.MustCompile(`(?is)<script\b([^>]*)>`)
	srcAttr := regexp.MustCompile(`(?i)\bsrc="([^"]*)"`)
	for _, p := range []string{"/demo", "/demo/", "/demo/?agent=1", "/demo/index.html"} {
		resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d%s", a.port, p))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s = %d", p, resp.StatusCode)
		}
		csp := resp.Header.Get("Content-Security-Policy")
		for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "base-uri 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("GET %s: CSP %q lacks %q", p, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("GET %s: CSP %q allows inline or eval'd code", p, csp)
		}
		for _, m := range scriptTag.FindAllStringSubmatch(string(body), -1) {
			src := srcAttr.FindStringSubmatch(m[1])
			if src == nil || !strings.HasPrefix(src[1], "/") || strings.HasPrefix(src[1], "//") {
				t.Errorf("GET %s: script tag <script%s> is not a file of the agent's own origin", p, m[1])
			}
		}
	}
	for _, p := range []string{"/demo/demo.js", "/sdk/labelbridge.global.js"} {
		resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d%s", a.port, p))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s = %d", p, resp.StatusCode)
		}
		for _, bad := range []string{`createElement("script")`, `createElement('script')`, `params.get("agent")`, "import("} {
			if strings.Contains(string(body), bad) {
				t.Errorf("%s loads code dynamically (%s)", p, bad)
			}
		}
		if resp.Header.Get("Content-Security-Policy") == "" {
			t.Errorf("%s has no Content-Security-Policy", p)
		}
	}
}

// TestOtherOSUserCannotBecomeAdmin runs a probe as the OS user nobody (as
// another user of a shared or RDP PC would) against a running agent: it
// cannot read the token file, and nothing it can GET makes it admin.
func TestOtherOSUserCannotBecomeAdmin(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to run a process as the user nobody")
	}
	setpriv := needTool(t, "setpriv")
	a, _ := startTestAgent(t, config.Config{})
	// The test binary, copied where nobody may run it.
	dir, err := os.MkdirTemp("", "labelbridge-nobody-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "probe.test")
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups",
		bin, "-test.run=^TestNobodyProbe$", "-test.v", "-test.count=1")
	cmd.Dir = dir
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + dir, "TMPDIR=" + dir,
		"LABELBRIDGE_PROBE_PORT=" + strconv.Itoa(a.port),
		"LABELBRIDGE_PROBE_TOKEN_FILE=" + a.cfg.Paths.TokenFile,
		"LABELBRIDGE_PROBE_COOKIE=" + testCookieName(a)}
	out, err := cmd.CombinedOutput()
	t.Logf("probe as nobody:\n%s", out)
	if err != nil {
		t.Fatalf("the probe run as nobody failed (it found a way in, or could not run): %v", err)
	}
	if !strings.Contains(string(out), "probe done: no admin") {
		t.Fatal("the probe did not run to its end")
	}
}

// TestNobodyProbe is the probe TestOtherOSUserCannotBecomeAdmin runs as
// another OS user; on its own it skips.
func TestNobodyProbe(t *testing.T) {
	port, err := strconv.Atoi(os.Getenv("LABELBRIDGE_PROBE_PORT"))
	if err != nil {
		t.Skip("run by TestOtherOSUserCannotBecomeAdmin as another OS user")
	}
	t.Logf("running as uid %d", os.Getuid())
	if os.Getuid() == 0 {
		t.Fatal("the probe runs as root, not as another user")
	}
	if tok, err := os.ReadFile(os.Getenv("LABELBRIDGE_PROBE_TOKEN_FILE")); err == nil {
		t.Fatalf("another user read the token file (%d bytes)", len(tok))
	} else if !errors.Is(err, os.ErrPermission) {
		t.Fatalf("reading the token file: %v, want permission denied", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	got, err := probeAdmin(ctx, port, os.Getenv("LABELBRIDGE_PROBE_COOKIE"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) > 0 {
		t.Fatalf("another OS user became admin: %v", got)
	}
	fmt.Println("probe done: no admin")
}
