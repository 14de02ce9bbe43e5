package sdk_test

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/labelbridge/labelbridge/client"
	"github.com/labelbridge/labelbridge/internal/porttest"
)

// qzTrayFiles make up the npm project of the unmodified qz-tray client;
// together they key its install in the user's cache directory.
var qzTrayFiles = []string{"package.json", "package-lock.json"}

// installQZTray installs qz-tray (e2e/sdk/qztray, pinned by its lockfile)
// into the user's cache directory, never into the tree, and returns the
// path of qz-tray.js. Concurrent test binaries race safely: each installs
// into its own temporary folder and renames it into place.
func installQZTray(tb testing.TB) string {
	tb.Helper()
	need(tb, "npm")
	cache, err := os.UserCacheDir()
	if err != nil {
		tb.Fatalf("qz-tray: no cache directory: %v", err)
	}
	h := sha256.New()
	contents := map[string][]byte{}
	for _, name := range qzTrayFiles {
		b, err := os.ReadFile(filepath.Join("qztray", name))
		if err != nil {
			tb.Fatal(err)
		}
		contents[name] = b
		fmt.Fprintf(h, "%s %d\n", name, len(b))
		h.Write(b)
	}
	dir := filepath.Join(cache, "labelbridge", "qz-tray", hex.EncodeToString(h.Sum(nil))[:16])
	js := filepath.Join(dir, "node_modules", "qz-tray", "qz-tray.js")
	if _, err := os.Stat(js); err == nil {
		return js
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		tb.Fatal(err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".install-")
	if err != nil {
		tb.Fatal(err)
	}
	defer os.RemoveAll(tmp) // a no-op once renamed
	for name, b := range contents {
		if err := os.WriteFile(filepath.Join(tmp, name), b, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
	cmd.Dir = tmp
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("npm ci for qz-tray (in %s): %v\n%s", tmp, err, out)
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, statErr := os.Stat(js); statErr != nil { // no other binary installed it first
			tb.Fatalf("qz-tray: install into %s: %v", dir, err)
		}
	}
	return js
}

// qzPage is a page as a QZ Tray user writes it: qz-tray.js in a script tag,
// nothing changed in it.
const qzPage = `<!doctype html><meta charset="utf-8"><title>QZ Tray page</title>
<script src="/qz-tray.js" onload="window.sdkLoaded = true" onerror="window.loadError = 'qz-tray.js failed to load'"></script>`

// qzSite serves qzPage and qz-tray.js from its own origin, over http or
// https (httptest's certificate).
type qzSite struct {
	origin string
	spki   string // https: the base64 SHA-256 of the certificate's public key
}

func newQZSite(tb testing.TB, qzJS string, secure bool) *qzSite {
	tb.Helper()
	lib, err := os.ReadFile(qzJS)
	if err != nil {
		tb.Fatal(err)
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		switch r.URL.Path {
		case "/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = io.WriteString(w, qzPage)
		case "/qz-tray.js":
			w.Header().Set("Content-Type", "text/javascript")
			_, _ = w.Write(lib)
		default:
			http.NotFound(w, r)
		}
	})
	var srv *httptest.Server
	if secure {
		srv = httptest.NewTLSServer(h)
	} else {
		srv = httptest.NewServer(h)
	}
	tb.Cleanup(srv.Close)
	s := &qzSite{origin: srv.URL}
	if secure {
		s.spki = spkiHash(srv.Certificate())
	}
	return s
}

func spkiHash(c *x509.Certificate) string {
	sum := sha256.Sum256(c.RawSubjectPublicKeyInfo)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// agentLeaf is the agent's own localhost certificate (tlsca's, in its
// config folder).
func agentLeaf(tb testing.TB, ag *agentProc) *x509.Certificate {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join(ag.home, "config", "tls", "localhost.pem"))
	if err != nil {
		tb.Fatalf("the agent's certificate: %v", err)
	}
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			tb.Fatal("the agent's certificate file has no certificate")
		}
		if b.Type == "CERTIFICATE" {
			c, err := x509.ParseCertificate(b.Bytes)
			if err != nil {
				tb.Fatal(err)
			}
			return c
		}
	}
}

// waitPort waits until something accepts connections on the port.
func waitPort(tb testing.TB, port int) {
	tb.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := net.DialTimeout("tcp4", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("nothing listens on port %d after 20 s", port)
		}
		time.Sleep(20 * time.Millisecond) // polling a port for a condition, with a deadline
	}
}

// qzResult is what the page's script reports.
type qzResult struct {
	Printers []string `json:"printers"`
	Found    string   `json:"found"`
	Default  string   `json:"default"`
	Error    string   `json:"error"`
}

// qzScript connects (QZ's ports moved to the test's free ones, through
// connect's documented options), finds the printers, reads the default and
// prints raw data in the three flavors, twice (copies), as a named job;
// then prints a PNG the page draws on a canvas as a pixel print (a
// document job).
func qzScript(wsPort, wssPort int, zplHead, b64, hexTail string) string {
	return fmt.Sprintf(`(async () => {
	try {
		await qz.websocket.connect({ port: { insecure: [%d], secure: [%d] }, retries: 0 });
		const printers = await qz.printers.find();
		const found = await qz.printers.find("virtual");
		const def = await qz.printers.getDefault();
		const config = qz.configs.create(found, { copies: 2, jobName: "QZ e2e" });
		await qz.print(config, [%s,
			{ type: "raw", format: "command", flavor: "base64", data: %s },
			{ type: "raw", format: "command", flavor: "hex", data: %s }]);
		const canvas = document.createElement("canvas");
		canvas.width = 240; canvas.height = 120;
		const g = canvas.getContext("2d");
		g.fillStyle = "#fff"; g.fillRect(0, 0, 240, 120);
		g.fillStyle = "#000"; g.fillRect(60, 30, 120, 60);
		await qz.print(qz.configs.create(found, { jobName: "QZ pixel e2e" }),
			[{ type: "pixel", format: "image", flavor: "base64", data: canvas.toDataURL("image/png").split(",")[1] }]);
		await qz.websocket.disconnect();
		return { printers, found, default: def, error: "" };
	} catch (e) {
		return { printers: [], found: "", default: "", error: String(e && e.message || e) };
	}
})()`, wsPort, wssPort, js(zplHead), js(b64), js(hexTail))
}

func TestQZTrayPage(t *testing.T) {
	qzJS := installQZTray(t)
	httpSite := newQZSite(t, qzJS, false)
	httpsSite := newQZSite(t, qzJS, true)
	refused := newQZSite(t, qzJS, false)
	wsPort, wssPort := porttest.Free(t), porttest.Free(t)
	ag := startAgent(t, t.TempDir(), porttest.Free(t), agentConfig{"qzTray": map[string]any{"enabled": true, "port": wsPort, "securePort": wssPort}},
		httpSite.origin, httpsSite.origin)
	waitPort(t, wsPort)
	waitPort(t, wssPort)

	head, body, tail := "^XA^CI28^FO20,20^A0N,30,30^FD", "QZ 한글 ", "^FS^XZ"
	want := strings.Repeat(head+body+tail, 2)
	b64 := base64.StdEncoding.EncodeToString([]byte(body))
	hexTail := hex.EncodeToString([]byte(tail))

	// The https page and wss: the page's and the agent's certificates are
	// trusted by their keys only (a fresh profile, no trust store change).
	b := newBrowser(t, chromedp.Flag("ignore-certificate-errors-spki-list", httpsSite.spki+","+spkiHash(agentLeaf(t, ag))))
	printed := 0
	for _, site := range []*qzSite{httpSite, httpsSite} {
		t.Run(site.origin[:strings.Index(site.origin, ":")], func(t *testing.T) {
			b.open(site.origin + "/")
			r := eval[qzResult](b, qzScript(wsPort, wssPort, head, b64, hexTail))
			if r.Error != "" {
				t.Fatalf("the page failed: %s", r.Error)
			}
			if len(r.Printers) != 1 || r.Printers[0] != "Virtual printer" || r.Found != "Virtual printer" || r.Default != "Virtual printer" {
				t.Errorf("printers %q, find(\"virtual\") %q, default %q", r.Printers, r.Found, r.Default)
			}
			printed += 2 // the raw print and the pixel print
			jobs := waitDone(t, ag, printed)
			var mine []job
			for _, j := range jobs {
				if j.Origin == site.origin {
					mine = append(mine, j)
				}
			}
			if len(mine) != 2 {
				t.Fatalf("jobs from %s: %+v, want two", site.origin, mine)
			}
			raw, bitmap := 0, 0
			for _, j := range mine {
				switch got := ag.printed()[j.ID]; {
				case got == want:
					raw++
				case strings.Contains(got, "^GFA,") && strings.Contains(got, "^PW240"):
					bitmap++ // the 240×120 canvas, one pixel per dot, as a ZPL bitmap
				default:
					t.Errorf("job %s: the virtual printer got %q, want %q or a 240-dot ZPL bitmap label", j.ID, got[:min(len(got), 200)], want)
				}
			}
			if raw != 1 || bitmap != 1 {
				t.Errorf("%d raw and %d bitmap jobs, want one of each", raw, bitmap)
			}
		})
	}

	// A site that is not approved: QZ's own error text, nothing printed.
	b.open(refused.origin + "/")
	r := eval[qzResult](b, qzScript(wsPort, wssPort, head, b64, hexTail))
	if r.Error != "Connection blocked by client" {
		t.Errorf("refused site: error %q, want QZ Tray's \"Connection blocked by client\"", r.Error)
	}
	if n := len(agentJobs(t, ag)); n != printed {
		t.Errorf("%d jobs after the refused site, want %d", n, printed)
	}
}

// TestQZTrayPortClash: QZ Tray itself holding the port (here: this test)
// is a log line naming the holder and a state the panel shows, never a
// crash; the panel's switch turns the listener off and saves it.
func TestQZTrayPortClash(t *testing.T) {
	held, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	wsPort := held.Addr().(*net.TCPAddr).Port
	ag := startAgent(t, t.TempDir(), porttest.Free(t), agentConfig{"qzTray": map[string]any{"enabled": true, "port": wsPort, "securePort": -1}})
	self := filepath.Base(os.Args[0])
	logLine := fmt.Sprintf(`port %d is in use by \"%s\"`, wsPort, self) // portowner quotes the name; the log escapes it
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(ag.out.String(), logLine) {
		if time.Now().After(deadline) {
			t.Fatalf("no log line naming %s as the holder of port %d:\n%s", self, wsPort, ag.out.String())
		}
		time.Sleep(20 * time.Millisecond) // polling the log for a line, with a deadline
	}
	c := adminClient(t, ag)
	type state struct {
		Enabled, Listening, Locked bool
		Port, SecurePort           int
		Error                      string
	}
	var s state
	if err := c.Call(t.Context(), "qzTray.get", nil, &s); err != nil {
		t.Fatal(err)
	}
	if !s.Enabled || s.Listening || s.Port != wsPort || s.SecurePort != -1 || !strings.Contains(s.Error, `in use by "`+self+`"`) {
		t.Errorf("qzTray.get with the port held: %+v", s)
	}
	if !ag.healthy() {
		t.Fatal("the agent stopped answering")
	}
	s = state{} // the reply omits an empty error
	if err := c.Call(t.Context(), "qzTray.set", map[string]any{"enabled": false}, &s); err != nil || s.Enabled || s.Listening || s.Error != "" {
		t.Fatalf("qzTray.set off: %+v %v", s, err)
	}
	data, err := os.ReadFile(filepath.Join(ag.home, "config", "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	var saved struct {
		QZTray map[string]any `json:"qzTray"`
	}
	if err := json.Unmarshal(data, &saved); err != nil || saved.QZTray["enabled"] != nil || saved.QZTray["port"] != float64(wsPort) {
		t.Errorf("config file after the switch: %s", data)
	}
	if err := c.Call(t.Context(), "qzTray.set", map[string]any{"enable": true}, nil); err == nil || !strings.Contains(err.Error(), "enable") {
		t.Errorf("a misspelt key: %v, want an invalid_params error naming it", err)
	}
}

// adminClient connects to the agent with the local token (as the CLI does).
func adminClient(tb testing.TB, ag *agentProc) *client.Client {
	tb.Helper()
	tok, err := os.ReadFile(filepath.Join(ag.home, "config", "token"))
	if err != nil {
		tb.Fatal(err)
	}
	c, err := client.Dial(tb.Context(), client.URL(ag.port), client.Options{Token: strings.TrimSpace(string(tok))})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = c.Close() })
	return c
}
