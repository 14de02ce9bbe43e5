package sdk_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

var (
	repoRoot string // the module root
	binPath  string // the labelbridge binary built for this run
)

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	repoRoot = root
	dir, err := os.MkdirTemp("", "labelbridge-e2e-sdk-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	binPath = filepath.Join(dir, "labelbridge")
	if runtime.GOOS == "windows" {
		binPath += ".exe"
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	cmd := exec.Command(goBin, "build", "-o", binPath, "./app")
	cmd.Dir = repoRoot
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build ./app: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// need returns the path of a program the test needs. Without it the test
// fails in CI (CI=true) and is skipped elsewhere.
func need(tb testing.TB, names ...string) string {
	tb.Helper()
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	msg := fmt.Sprintf("%s is not installed (Debian: see scripts/deps/test-sdk.txt)", strings.Join(names, " or "))
	if os.Getenv("CI") == "true" {
		tb.Fatal(msg)
	}
	tb.Skip(msg)
	return ""
}

func freePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// syncBuffer collects a process's output.
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

// agentProc is a running `labelbridge serve`.
type agentProc struct {
	tb     testing.TB
	home   string
	port   int
	env    []string
	cmd    *exec.Cmd
	out    *syncBuffer
	exited chan struct{}
}

// agentConfig is written to <home>/config/config.json before the start.
type agentConfig map[string]any

// startAgent runs the real binary with everything under home, on port,
// allowing the given origins, and waits until /healthz answers.
func startAgent(tb testing.TB, home string, port int, cfg agentConfig, allowed ...string) *agentProc {
	tb.Helper()
	if cfg == nil {
		cfg = agentConfig{}
	}
	cfg["usb"] = false // hermetic: only the virtual printer
	data, _ := json.Marshal(cfg)
	if err := os.MkdirAll(filepath.Join(home, "config"), 0o700); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, "config", "config.json"), data, 0o600); err != nil {
		tb.Fatal(err)
	}
	a := &agentProc{tb: tb, home: home, port: port, env: append(os.Environ(),
		"LABELBRIDGE_HOME="+home,
		"LABELBRIDGE_PORT="+strconv.Itoa(port),
		"LABELBRIDGE_ALLOWED_ORIGINS="+strings.Join(allowed, ","),
		"LABELBRIDGE_POLICY="+filepath.Join(home, "no-policy.json"),
	)}
	a.start()
	tb.Cleanup(func() {
		a.stop()
		if tb.Failed() {
			tb.Logf("agent output:\n%s", a.out.String())
		}
	})
	return a
}

func (a *agentProc) start() {
	a.tb.Helper()
	a.out = &syncBuffer{}
	a.cmd = exec.Command(binPath, "serve")
	a.cmd.Env = a.env
	a.cmd.Stdout, a.cmd.Stderr = a.out, a.out
	if err := a.cmd.Start(); err != nil {
		a.tb.Fatal(err)
	}
	a.exited = make(chan struct{})
	go func(cmd *exec.Cmd, done chan struct{}) {
		_ = cmd.Wait()
		close(done)
	}(a.cmd, a.exited)
	deadline := time.Now().Add(30 * time.Second)
	for {
		if a.healthy() {
			return
		}
		select {
		case <-a.exited:
			a.tb.Fatalf("the agent exited at start:\n%s", a.out.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			a.tb.Fatalf("the agent did not answer /healthz within 30 s:\n%s", a.out.String())
		}
	}
}

func (a *agentProc) healthy() bool {
	c := http.Client{Timeout: time.Second}
	res, err := c.Get(fmt.Sprintf("http://127.0.0.1:%d/healthz", a.port))
	if err != nil {
		return false
	}
	defer res.Body.Close()
	var h struct{ Name string }
	return json.NewDecoder(res.Body).Decode(&h) == nil && h.Name == "labelbridge"
}

// kill stops the agent with SIGKILL (no chance to clean up) and waits.
func (a *agentProc) kill() {
	a.tb.Helper()
	_ = a.cmd.Process.Kill()
	select {
	case <-a.exited:
	case <-time.After(30 * time.Second):
		a.tb.Fatal("the killed agent did not exit")
	}
}

// stop asks the agent to stop and waits (killing it after 20 s).
func (a *agentProc) stop() {
	select {
	case <-a.exited:
		return
	default:
	}
	_ = a.cmd.Process.Signal(os.Interrupt)
	select {
	case <-a.exited:
	case <-time.After(20 * time.Second):
		_ = a.cmd.Process.Kill()
		<-a.exited
	}
}

func (a *agentProc) virtualDir() string { return filepath.Join(a.home, "data", "virtual") }

// printed returns the virtual printer's job files (job id → bytes), ignoring
// everything else (previews, logs, temporary files).
func (a *agentProc) printed() map[string]string {
	a.tb.Helper()
	out := map[string]string{}
	entries, err := os.ReadDir(a.virtualDir())
	if os.IsNotExist(err) {
		return out
	}
	if err != nil {
		a.tb.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		ext := filepath.Ext(name)
		if e.IsDir() || (ext != ".zpl" && ext != ".bin" && ext != ".tspl" && ext != ".epl" && ext != ".escpos") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(a.virtualDir(), name))
		if err != nil {
			a.tb.Fatal(err)
		}
		out[strings.TrimSuffix(name, ext)] = string(data)
	}
	return out
}

// pages serves test pages from its own loopback origin.
type pages struct {
	origin string
	mu     sync.Mutex
	files  map[string]string
}

func newPages(tb testing.TB) *pages {
	p := &pages{files: map[string]string{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		body, ok := p.files[r.URL.Path]
		p.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = io.WriteString(w, body)
	}))
	tb.Cleanup(srv.Close)
	p.origin = srv.URL
	return p
}

func (p *pages) set(path, html string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.files[path] = html
	return p.origin + path
}

// modulePage imports the ES module from the agent (as a page on another
// origin would) and exposes it as window.LB.
func modulePage(agentPort int) string {
	return fmt.Sprintf(`<!doctype html><meta charset="utf-8"><title>SDK test</title>
<script>addEventListener("error", (e) => { window.loadError = String(e.message || (e.target && e.target.src) || e); }, true);</script>
<script type="module">
import * as LB from "http://127.0.0.1:%d/sdk/labelbridge.js";
window.LB = LB;
window.sdkLoaded = true;
</script>`, agentPort)
}

// classicPage loads the classic script with a plain <script src> (no CORS
// needed), which is how a site that may not be approved yet loads the SDK.
func classicPage(agentPort int) string {
	return fmt.Sprintf(`<!doctype html><meta charset="utf-8"><title>SDK test</title>
<script src="http://127.0.0.1:%d/sdk/labelbridge.global.js" onload="window.sdkLoaded = true" onerror="window.loadError = 'classic script failed'"></script>`, agentPort)
}

// browser is a headless Chromium tab.
type browser struct {
	tb  testing.TB
	ctx context.Context
}

// extra adds Chromium options (flags) to the standard ones.
func newBrowser(tb testing.TB, extra ...chromedp.ExecAllocatorOption) *browser {
	tb.Helper()
	path := need(tb, "chromium", "chromium-browser", "google-chrome")
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append([]chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.UserDataDir(tb.TempDir()),
	}, extra...)...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	tb.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		tb.Fatalf("start Chromium (%s): %v", path, err)
	}
	// Page console output goes to the test log (until the test ends).
	var mu sync.Mutex
	ended := false
	tb.Cleanup(func() {
		mu.Lock()
		ended = true
		mu.Unlock()
	})
	go func() {
		for m, err := range chromedp.Console(ctx) {
			if err != nil {
				return
			}
			mu.Lock()
			if !ended {
				tb.Logf("browser console: %s", m)
			}
			mu.Unlock()
		}
	}()
	return &browser{tb: tb, ctx: ctx}
}

// navigate loads url and waits for its load event.
func (b *browser) navigate(url string) {
	b.tb.Helper()
	if err := chromedp.Do(b.ctx, chromedp.Navigate(url)); err != nil {
		b.tb.Fatalf("open %s: %v", url, err)
	}
}

// open navigates to a test page and waits until its SDK is loaded.
func (b *browser) open(url string) {
	b.tb.Helper()
	b.navigate(url)
	b.waitFor(`window.sdkLoaded === true || window.loadError !== undefined`, 30*time.Second)
	if e := eval[string](b, `String(window.loadError || "")`); e != "" {
		b.tb.Fatalf("the page could not load the SDK: %s", e)
	}
}

// eval runs JavaScript in the page (awaiting a promise) and decodes the result.
func eval[T any](b *browser, expr string) T {
	b.tb.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 2*time.Minute)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.tb.Fatalf("in the page: %v\nscript: %s", err, expr)
	}
	return v
}

// waitFor waits until the page expression is truthy. Errors right after a
// navigation (the old page's context is gone) are retried until the deadline.
func (b *browser) waitFor(expr string, timeout time.Duration) {
	b.tb.Helper()
	deadline := time.Now().Add(timeout)
	var last error
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("!!("+expr+")"))
		cancel()
		if err == nil && ok {
			return
		}
		last = err
		time.Sleep(10 * time.Millisecond) // polling the page for a condition, with a deadline
	}
	b.tb.Fatalf("waiting for %s: not true after %v (last error: %v)", expr, timeout, last)
}

// js quotes a Go value for a script.
func js(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		panic(err) // test values only
	}
	return string(data)
}

// relay is a loopback TCP relay between the page and the agent that can
// lose the agent's replies (drop), the way a connection that dies after a
// request was stored but before its reply arrived does. It rewrites the Host
// of each HTTP request head to the agent's port (the agent checks it).
type relay struct {
	tb     testing.TB
	l      net.Listener
	port   int
	target int

	mu    sync.Mutex
	drop  bool
	conns []net.Conn
}

func newRelay(tb testing.TB, target int) *relay {
	tb.Helper()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	r := &relay{tb: tb, l: l, port: l.Addr().(*net.TCPAddr).Port, target: target}
	go r.serve()
	tb.Cleanup(func() {
		_ = l.Close()
		r.mu.Lock()
		defer r.mu.Unlock()
		for _, c := range r.conns {
			_ = c.Close()
		}
	})
	return r
}

// dropReplies makes the relay discard everything the agent sends.
func (r *relay) dropReplies(on bool) {
	r.mu.Lock()
	r.drop = on
	r.mu.Unlock()
}

func (r *relay) dropping() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.drop
}

func (r *relay) serve() {
	for {
		c, err := r.l.Accept()
		if err != nil {
			return
		}
		go r.handle(c)
	}
}

func (r *relay) handle(page net.Conn) {
	agent, err := net.Dial("tcp4", fmt.Sprintf("127.0.0.1:%d", r.target))
	if err != nil {
		_ = page.Close()
		return
	}
	r.mu.Lock()
	r.conns = append(r.conns, page, agent)
	r.mu.Unlock()
	closeBoth := func() { _ = page.Close(); _ = agent.Close() }
	go func() { // agent → page
		defer closeBoth()
		buf := make([]byte, 32<<10)
		for {
			n, err := agent.Read(buf)
			if n > 0 && !r.dropping() {
				if _, werr := page.Write(buf[:n]); werr != nil {
					return
				}
			}
			if err != nil {
				return
			}
		}
	}()
	defer closeBoth() // page → agent: request heads with the Host rewritten, then raw after an upgrade
	br := bufio.NewReader(page)
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		req.Host = fmt.Sprintf("127.0.0.1:%d", r.target)
		if err := req.Write(agent); err != nil {
			return
		}
		if strings.EqualFold(req.Header.Get("Upgrade"), "websocket") {
			_, _ = io.Copy(agent, br)
			return
		}
	}
}
