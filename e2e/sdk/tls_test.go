package sdk_test

import (
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/labelbridge/labelbridge/internal/porttest"
)

// httpsPages serves test pages, and the SDK's module, over https with the
// test server's own certificate; spki is what Chromium is told to accept
// for it (--ignore-certificate-errors-spki-list), so the agent's
// certificate is trusted only through the NSS database.
type httpsPages struct {
	origin, spki string
	files        map[string]string
}

func newHTTPSPages(tb testing.TB) *httpsPages {
	tb.Helper()
	sdk, err := os.ReadFile(filepath.Join(repoRoot, "sdk", "dist", "labelbridge.js"))
	if err != nil {
		tb.Fatal(err)
	}
	p := &httpsPages{files: map[string]string{"/labelbridge.js": string(sdk)}}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := p.files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		ct := "text/html; charset=utf-8"
		if strings.HasSuffix(r.URL.Path, ".js") {
			ct = "text/javascript; charset=utf-8"
		}
		w.Header().Set("Content-Type", ct)
		_, _ = io.WriteString(w, body)
	}))
	srv.StartTLS()
	tb.Cleanup(srv.Close)
	sum := sha256.Sum256(srv.TLS.Certificates[0].Leaf.RawSubjectPublicKeyInfo)
	p.origin, p.spki = srv.URL, base64.StdEncoding.EncodeToString(sum[:])
	return p
}

const wssPage = `<!doctype html><meta charset="utf-8"><title>wss page</title>
<script type="module">
import * as LB from "/labelbridge.js";
window.LB = LB;
window.sdkLoaded = true;
</script>`

// nssHome makes a HOME with a fresh, empty NSS database (Chromium's).
func nssHome(tb testing.TB) string {
	tb.Helper()
	need(tb, "certutil")
	home := tb.TempDir()
	db := filepath.Join(home, ".pki", "nssdb")
	if err := os.MkdirAll(db, 0o700); err != nil {
		tb.Fatal(err)
	}
	if out, err := exec.Command("certutil", "-N", "-d", "sql:"+db, "--empty-password").CombinedOutput(); err != nil {
		tb.Fatalf("certutil -N: %v: %s", err, out)
	}
	return home
}

// trustCLI runs `labelbridge trust VERB` for the agent's user, with HOME.
func trustCLI(tb testing.TB, ag *agentProc, home string, args ...string) string {
	tb.Helper()
	cmd := exec.Command(binPath, append([]string{"trust"}, args...)...)
	cmd.Env = append(ag.env, "HOME="+home)
	out, err := cmd.CombinedOutput()
	if err != nil && args[0] != "status" {
		tb.Fatalf("labelbridge trust %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestHTTPSPagePrintsOverWSS: an https page asks the SDK for wss. Before
// the CA is trusted the SDK says so and what to run; after `labelbridge
// trust install` (into the fresh NSS database of Chromium's HOME) the same
// page prints over wss, and the job is the page's.
func TestHTTPSPagePrintsOverWSS(t *testing.T) {
	home := nssHome(t)
	site := newHTTPSPages(t)
	tlsPort := porttest.Free(t)
	ag := startAgent(t, t.TempDir(), porttest.Free(t), agentConfig{"tlsPort": tlsPort}, site.origin)
	url := site.origin + "/wss.html"
	site.files["/wss.html"] = wssPage
	opts := []chromedp.ExecAllocatorOption{chromedp.Env("HOME=" + home), chromedp.Flag("ignore-certificate-errors-spki-list", site.spki)}
	connect := fmt.Sprintf(`LB.connect({ ports: [%d], transport: "wss", reconnect: false })`, ag.port)

	b := newBrowser(t, opts...)
	b.open(url)
	type failure struct{ Reason, Message, Hint string }
	f := eval[failure](b, connect+`.then(() => ({ reason: "connected" }), (e) => ({ reason: e.reason, message: e.message, hint: e.hint }))`)
	if f.Reason != "certificate_not_trusted" || !strings.Contains(f.Message, fmt.Sprintf("https://127.0.0.1:%d", tlsPort)) || !strings.Contains(f.Hint, "labelbridge trust install") {
		t.Fatalf("before trust install: %+v, want certificate_not_trusted naming the wss port and what to run", f)
	}
	if out := trustCLI(t, ag, home, "status"); !strings.Contains(out, "not trusted") {
		t.Fatalf("trust status before install:\n%s", out)
	}

	trustCLI(t, ag, home, "install")
	if out := trustCLI(t, ag, home, "status"); strings.Contains(out, "not trusted") {
		t.Fatalf("trust status after install:\n%s", out)
	}
	b = newBrowser(t, opts...) // a browser started after the install, as a user's next start
	b.open(url)
	const zpl = "^XA^FO20,20^A0N,30,30^FDover wss^FS^XZ"
	id := eval[string](b, fmt.Sprintf(`(async () => {
		const lb = await %s;
		const job = await lb.print({ language: "zpl", data: %s }, { idempotencyKey: "wss-1" });
		lb.close();
		return job.id;
	})()`, connect, js(zpl)))
	jobs := waitDone(t, ag, 1)
	if jobs[0].ID != id || jobs[0].Origin != site.origin {
		t.Fatalf("job %+v, want %s from %s", jobs[0], id, site.origin)
	}
	if got := ag.printed()[id]; got != zpl {
		t.Fatalf("printed %q, want %q", got, zpl)
	}

	// Only the agent's wss port has the agent's certificate: the test's own
	// page server was trusted by its SPKI alone.
	c, err := tls.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", tlsPort), &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if cn := c.ConnectionState().PeerCertificates[1].Subject.CommonName; !strings.HasPrefix(cn, "Labelbridge local CA") {
		t.Fatalf("wss served a chain under %q", cn)
	}
}
