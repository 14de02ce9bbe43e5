package sdk_test

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
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

// installZebraHTTPS fetches the wrapper pinned by zebrahttps/lock.json with
// `npm pack` into the user's cache directory (keyed by the lock file),
// checks its integrity and returns its lib folder.
func installZebraHTTPS(tb testing.TB) string {
	tb.Helper()
	npm := need(tb, "npm")
	lockData, err := os.ReadFile(filepath.Join("zebrahttps", "lock.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var lock struct{ Package, Version, Integrity string }
	if err := json.Unmarshal(lockData, &lock); err != nil {
		tb.Fatal(err)
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		tb.Fatal(err)
	}
	sum := sha256.Sum256(lockData)
	dir := filepath.Join(cache, "labelbridge", "zebrahttps", hex.EncodeToString(sum[:])[:16])
	lib := filepath.Join(dir, "package", "lib")
	if _, err := os.Stat(filepath.Join(lib, "index.js")); err == nil {
		return lib
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		tb.Fatal(err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".install-")
	if err != nil {
		tb.Fatal(err)
	}
	defer os.RemoveAll(tmp) // a no-op once renamed
	cmd := exec.Command(npm, "pack", "--silent", lock.Package+"@"+lock.Version)
	cmd.Dir = tmp
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("npm pack %s@%s: %v", lock.Package, lock.Version, err)
	}
	tgz, err := os.ReadFile(filepath.Join(tmp, strings.TrimSpace(string(out))))
	if err != nil {
		tb.Fatal(err)
	}
	h := sha512.Sum512(tgz)
	if got := "sha512-" + base64.StdEncoding.EncodeToString(h[:]); got != lock.Integrity {
		tb.Fatalf("%s@%s: integrity %s, want %s (lock.json)", lock.Package, lock.Version, got, lock.Integrity)
	}
	if err := untar(tgz, tmp); err != nil {
		tb.Fatal(err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, serr := os.Stat(filepath.Join(lib, "index.js")); serr != nil {
			tb.Fatalf("install into %s: %v", dir, err)
		}
	}
	return lib
}

// untar extracts the regular files of a .tgz under dst.
func untar(tgz []byte, dst string) error {
	zr, err := gzip.NewReader(strings.NewReader(string(tgz)))
	if err != nil {
		return err
	}
	tr := tar.NewReader(zr)
	for {
		hd, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		name := filepath.Clean(hd.Name)
		if hd.Typeflag != tar.TypeReg || strings.HasPrefix(name, "..") || filepath.IsAbs(name) {
			continue
		}
		p := filepath.Join(dst, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		data, err := io.ReadAll(io.LimitReader(tr, 1<<20))
		if err != nil {
			return err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return err
		}
	}
}

// zebraWrapperPage loads the wrapper's CommonJS files, unmodified, with a
// minimal require, as a bundler would.
const zebraWrapperPage = `<!doctype html><meta charset="utf-8"><title>zebra https wrapper</title>
<script>
(async () => {
	const mods = {};
	const load = async (name) => {
		const src = await (await fetch("/zebra/" + name + ".js")).text();
		const module = { exports: {} };
		new Function("exports", "require", "module", src)(module.exports, (n) => mods[n.replace("./", "")], module);
		mods[name] = module.exports;
	};
	await load("constants");
	await load("index");
	window.Wrapper = mods.index.default;
	window.sdkLoaded = true;
})().catch((e) => { window.loadError = String(e); });
</script>`

// TestZebraHTTPSWrapperPrints: the unmodified zebra-browser-print-wrapper-https
// (which talks to https://localhost:9101 only) prints from an https page once
// the local CA is trusted; a second site's write, which the wrapper sends
// without looking at the answer's status, is held while the site waits for
// approval and prints when the user approves it.
func TestZebraHTTPSWrapperPrints(t *testing.T) {
	const zebraTLSPort = 9101 // hard-coded in the wrapper
	if l, err := net.Listen("tcp4", fmt.Sprintf("127.0.0.1:%d", zebraTLSPort)); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("port %d (the wrapper's) is taken: %v", zebraTLSPort, err)
		}
		t.Skipf("port %d (the wrapper's) is taken: %v", zebraTLSPort, err)
	} else {
		l.Close()
	}
	lib := installZebraHTTPS(t)
	home := nssHome(t)
	site, other := newHTTPSPages(t), newHTTPSPages(t)
	for _, p := range []*httpsPages{site, other} {
		for _, name := range []string{"constants", "index"} {
			src, err := os.ReadFile(filepath.Join(lib, name+".js"))
			if err != nil {
				t.Fatal(err)
			}
			p.files["/zebra/"+name+".js"] = string(src)
		}
		p.files["/zebra.html"] = zebraWrapperPage
	}
	ag := startAgent(t, t.TempDir(), porttest.Free(t), agentConfig{
		"tlsPort":      -1,
		"browserPrint": map[string]any{"enabled": true, "port": porttest.Free(t), "tlsPort": zebraTLSPort, "approvalWait": "30s"},
	}, site.origin)
	trustCLI(t, ag, home, "install")
	waitHTTPS(t, ag, zebraTLSPort)

	opts := []chromedp.ExecAllocatorOption{chromedp.Env("HOME=" + home), chromedp.Flag("ignore-certificate-errors-spki-list", site.spki+","+other.spki)}
	b := newBrowser(t, opts...)
	b.open(site.origin + "/zebra.html")
	const zpl = "^XA^FO20,20^A0N,30,30^FDwrapper https^FS^XZ"
	type result struct {
		Printers int
		Default  string
	}
	r := eval[result](b, fmt.Sprintf(`(async () => {
		const w = new Wrapper();
		const printers = await w.getAvailablePrinters();
		const def = await w.getDefaultPrinter();
		w.setPrinter(def);
		await w.write(%s);
		return { printers: printers.length, default: def.uid };
	})()`, js(zpl)))
	if r.Printers != 1 || r.Default != "virtual" {
		t.Fatalf("wrapper saw %+v, want the virtual printer as the one and default printer", r)
	}
	jobs := waitDone(t, ag, 1)
	if jobs[0].Origin != site.origin || ag.printed()[jobs[0].ID] != zpl {
		t.Fatalf("job %+v printed %q", jobs[0], ag.printed()[jobs[0].ID])
	}

	// A new site: its write waits for approval instead of "succeeding" with a 403.
	b.open(other.origin + "/zebra.html")
	const zpl2 = "^XA^FDheld until approved^FS^XZ"
	eval[bool](b, fmt.Sprintf(`(() => {
		window.done = false;
		const w = new Wrapper();
		w.setPrinter({ uid: "virtual", name: "Virtual printer", connection: "driver", deviceType: "printer", provider: "com.labelbridge.provider", manufacturer: "Labelbridge", version: 0 });
		w.write(%s).then(() => { window.done = true; });
		return true;
	})()`, js(zpl2)))
	approveWhenPending(t, ag, other.origin)
	b.waitFor(`window.done === true`, 30*time.Second)
	jobs = waitDone(t, ag, 2)
	var held *job
	for i := range jobs {
		if jobs[i].Origin == other.origin {
			held = &jobs[i]
		}
	}
	if held == nil || ag.printed()[held.ID] != zpl2 {
		t.Fatalf("the held write did not print once approved: %+v", jobs)
	}
}

// adminCall calls an admin method with the agent's local token.
func adminCall(tb testing.TB, ag *agentProc, method string, params, out any) {
	tb.Helper()
	tok, err := os.ReadFile(filepath.Join(ag.home, "config", "token"))
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := client.Dial(ctx, client.URL(ag.port), client.Options{Token: strings.TrimSpace(string(tok))})
	if err != nil {
		tb.Fatal(err)
	}
	defer c.Close()
	if err := c.Call(ctx, method, params, out); err != nil {
		tb.Fatalf("%s: %v", method, err)
	}
}

// approveWhenPending waits until origin waits for approval (its held
// request put it there), then approves it as the user would in the tray.
func approveWhenPending(tb testing.TB, ag *agentProc, origin string) {
	tb.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var out struct {
			Sites []struct{ Origin, State string }
		}
		adminCall(tb, ag, "sites.list", nil, &out)
		for _, s := range out.Sites {
			if s.Origin == origin && s.State == "pending" {
				adminCall(tb, ag, "sites.approve", map[string]any{"origin": origin}, nil)
				return
			}
		}
		if time.Now().After(deadline) {
			tb.Fatalf("%s never waited for approval: %+v", origin, out.Sites)
		}
		time.Sleep(20 * time.Millisecond) // polling the agent for a condition, with a deadline
	}
}

// waitHTTPS waits until port serves TLS with the agent's certificate.
func waitHTTPS(tb testing.TB, ag *agentProc, port int) {
	tb.Helper()
	pemData, err := os.ReadFile(filepath.Join(ag.home, "config", "tls", "labelbridge-ca.crt"))
	if err != nil {
		tb.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pemData)
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := tls.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port), &tls.Config{RootCAs: roots})
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("https on port %d: %v\n%s", port, err, ag.out.String())
		}
		time.Sleep(20 * time.Millisecond) // polling a port for a condition, with a deadline
	}
}
