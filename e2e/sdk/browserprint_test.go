package sdk_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/client"
	"github.com/labelbridge/labelbridge/internal/porttest"
)

// zebraPage calls the Browser Print API the way Zebra's SDK does: XHR with
// a string body (sent as text/plain, so no CORS preflight), success only on
// 200, the response text handed to the error callback otherwise.
const zebraPage = `<!doctype html><meta charset="utf-8"><title>Browser Print page</title>
<script>
window.bp = (method, url, body) => new Promise((resolve, reject) => {
	const x = new XMLHttpRequest();
	x.open(method, url, true);
	x.onreadystatechange = () => {
		if (x.readyState !== XMLHttpRequest.DONE) return;
		if (x.status === 200) resolve(x.responseText);
		else reject(new Error(x.status + " " + x.responseText));
	};
	x.send(body);
});
window.sdkLoaded = true;
</script>`

type device struct {
	Name         string `json:"name"`
	UID          string `json:"uid"`
	Connection   string `json:"connection"`
	DeviceType   string `json:"deviceType"`
	Provider     string `json:"provider"`
	Manufacturer string `json:"manufacturer"`
}

// startWithBrowserPrint starts an agent with the compatible endpoint on and
// waits until it answers.
func startWithBrowserPrint(t *testing.T, allowed ...string) (*agentProc, int) {
	t.Helper()
	bpPort := porttest.Free(t)
	ag := startAgent(t, t.TempDir(), porttest.Free(t), agentConfig{"browserPrint": map[string]any{"enabled": true, "port": bpPort, "tlsPort": -1, "approvalWait": "0s"}}, allowed...)
	waitListening(t, bpPort, true)
	return ag, bpPort
}

// waitListening waits until the Browser Print port accepts (or refuses)
// connections.
func waitListening(tb testing.TB, port int, want bool) {
	tb.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		c := http.Client{Timeout: time.Second}
		res, err := c.Get(fmt.Sprintf("http://127.0.0.1:%d/available", port))
		if err == nil {
			res.Body.Close()
		}
		if (err == nil) == want {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("Browser Print port %d: listening=%v after 20 s, want %v", port, err == nil, want)
		}
		time.Sleep(20 * time.Millisecond) // polling a port for a condition, with a deadline
	}
}

func TestBrowserPrintFromAPage(t *testing.T) {
	site := newPages(t)
	refused := newPages(t)
	ag, bpPort := startWithBrowserPrint(t, site.origin)
	b := newBrowser(t)
	b.open(site.set("/zebra.html", zebraPage))

	label := "^XA^CI28^FO40,40^A0N,40,40^FDBrowser Print 한글^FS^XZ"
	type result struct {
		Available map[string][]device `json:"available"`
		Default   device              `json:"default"`
		Status    string              `json:"status"`
		Again     string              `json:"again"`
	}
	r := eval[result](b, fmt.Sprintf(`(async () => {
		const base = "http://127.0.0.1:%[1]d/";
		const available = JSON.parse(await bp("GET", base + "available"));
		const def = JSON.parse(await bp("GET", "http://localhost:%[1]d/default?type=printer"));
		await bp("POST", base + "write", JSON.stringify({ device: def, data: %[2]s }));
		await bp("POST", base + "write", JSON.stringify({ device: def, data: "~HQES" }));
		const status = await bp("POST", base + "read", JSON.stringify({ device: def }));
		const again = await bp("POST", base + "read", JSON.stringify({ device: def }));
		return { available, default: def, status, again };
	})()`, bpPort, js(label)))

	want := device{Name: "Virtual printer", UID: "virtual", Connection: "driver", DeviceType: "printer", Provider: "com.labelbridge.provider", Manufacturer: "Labelbridge"}
	if len(r.Available["printer"]) != 1 || r.Available["printer"][0] != want {
		t.Errorf("available: %+v", r.Available)
	}
	if r.Default != want {
		t.Errorf("default: %+v", r.Default)
	}
	// Zebra's sample status code reads these characters of the ~HQES answer.
	if len(r.Status) < 89 || r.Status[70] != '0' || r.Status[84] != '0' || r.Status[87] != '0' || r.Status[88] != '0' {
		t.Errorf("~HQES answer for a ready printer: %q", r.Status)
	}
	if r.Again != "" {
		t.Errorf("a second read returned %q, want nothing", r.Again)
	}
	jobs := waitDone(t, ag, 1) // the status query made no job
	if jobs[0].Origin != site.origin {
		t.Errorf("job origin %q, want the page's %q", jobs[0].Origin, site.origin)
	}
	if got := ag.printed()[jobs[0].ID]; got != label {
		t.Errorf("stored %q, want %q", got, label)
	}

	// A site that is not allowed can read why (and nothing prints).
	b.open(refused.set("/zebra.html", zebraPage))
	msg := eval[string](b, fmt.Sprintf(`bp("POST", "http://127.0.0.1:%d/write", JSON.stringify({ data: "^XA^XZ" })).then(() => "printed", (e) => e.message)`, bpPort))
	if !strings.HasPrefix(msg, "403 ") || !strings.Contains(msg, refused.origin) || !strings.Contains(msg, "approve") {
		t.Errorf("refused site: %q, want a readable 403 naming the site and the approval", msg)
	}
	if n := len(ag.printed()); n != 1 {
		t.Errorf("%d jobs after the refused write, want 1", n)
	}
}

func TestBrowserPrintFromGo(t *testing.T) {
	const origin = "https://wms.example.com"
	ag, bpPort := startWithBrowserPrint(t, origin)
	base := fmt.Sprintf("http://127.0.0.1:%d", bpPort)
	tok, err := os.ReadFile(filepath.Join(ag.home, "config", "token"))
	if err != nil {
		t.Fatal(err)
	}
	do := func(method, path, body string, hdr ...string) (int, string, http.Header) {
		t.Helper()
		req, err := http.NewRequest(method, base+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
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
			t.Fatal(err)
		}
		defer res.Body.Close()
		data, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(data), res.Header
	}
	dev := `{"name":"Virtual printer","uid":"virtual","connection":"driver","deviceType":"printer","version":3,"provider":"com.labelbridge.provider","manufacturer":"Labelbridge"}`
	cases := []struct {
		name, method, path, body string
		hdr                      []string
		status                   int
		contains                 string
	}{
		{"available", "GET", "/available", "", []string{"Origin", origin}, 200, `"uid":"virtual"`},
		{"default", "GET", "/default?type=printer", "", []string{"Origin", origin}, 200, `"deviceType":"printer"`},
		{"write", "POST", "/write", `{"device":` + dev + `,"data":"^XA^FDfrom Go^FS^XZ"}`, []string{"Origin", origin, "Content-Type", "text/plain;charset=UTF-8"}, 200, ""},
		{"status query", "POST", "/write", `{"device":` + dev + `,"data":"! U1 getvar \"device.languages\"\r\n"}`, []string{"Origin", origin}, 200, ""},
		{"read", "POST", "/read", `{"device":` + dev + `}`, []string{"Origin", origin}, 200, `"zpl"`},
		{"program with the local token", "GET", "/available", "", []string{"Authorization", "Bearer " + strings.TrimSpace(string(tok))}, 200, `"uid":"virtual"`},
		{"unknown site", "POST", "/write", `{"data":"^XA^XZ"}`, []string{"Origin", "https://other.example.com"}, 403, "approve"},
		{"no Origin", "GET", "/available", "", nil, 403, "no Origin"},
		{"DNS rebinding Host", "GET", "/available", "", []string{"Origin", origin, "Host", fmt.Sprintf("evil.example:%d", bpPort)}, 403, "Host"},
		{"unknown printer", "POST", "/write", `{"device":{"uid":"ZD420"},"data":"^XA^XZ"}`, []string{"Origin", origin}, 404, "not found"},
		{"bad JSON", "POST", "/write", `{"device":`, []string{"Origin", origin}, 400, "not JSON"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body, _ := do(c.method, c.path, c.body, c.hdr...)
			if status != c.status || !strings.Contains(body, c.contains) {
				t.Errorf("got %d %q, want %d containing %q", status, body, c.status, c.contains)
			}
		})
	}
	jobs := waitDone(t, ag, 1)
	if got := ag.printed()[jobs[0].ID]; got != "^XA^FDfrom Go^FS^XZ" {
		t.Errorf("stored %q", got)
	}
}

// TestBrowserPrintSwitch turns the endpoint off and on through the admin
// methods the panel uses, and checks the choice is saved.
func TestBrowserPrintSwitch(t *testing.T) {
	ag, bpPort := startWithBrowserPrint(t)
	tok, err := os.ReadFile(filepath.Join(ag.home, "config", "token"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := client.Dial(ctx, client.URL(ag.port), client.Options{Token: strings.TrimSpace(string(tok))})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	type state struct {
		Enabled, Listening bool
		Port               int
		Error              string
	}
	call := func(method string, params any) state {
		t.Helper()
		var s state
		if err := c.Call(ctx, method, params, &s); err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		return s
	}
	if s := call("browserPrint.get", nil); !s.Enabled || !s.Listening || s.Port != bpPort {
		t.Fatalf("at start: %+v", s)
	}
	if s := call("browserPrint.set", map[string]any{"enabled": false}); s.Enabled || s.Listening {
		t.Fatalf("after turning it off: %+v", s)
	}
	waitListening(t, bpPort, false)
	other := porttest.Free(t)
	if s := call("browserPrint.set", map[string]any{"enabled": true, "port": other}); !s.Enabled || !s.Listening || s.Port != other {
		t.Fatalf("after turning it on at %d: %+v", other, s)
	}
	waitListening(t, other, true)
	var saved struct {
		BrowserPrint struct {
			Enabled bool
			Port    int
		}
	}
	data, err := os.ReadFile(filepath.Join(ag.home, "config", "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &saved); err != nil || !saved.BrowserPrint.Enabled || saved.BrowserPrint.Port != other {
		t.Errorf("config file after the switch: %s (%v)", data, err)
	}
	var rpcErr *client.Error
	if err := c.Call(ctx, "browserPrint.set", map[string]any{"enabled": true, "port": ag.port}, nil); err == nil || !errorAs(err, &rpcErr) || rpcErr.Reason != "invalid_params" {
		t.Errorf("using the agent's own port: %v, want invalid_params", err)
	}
}

func errorAs(err error, target **client.Error) bool {
	e, ok := err.(*client.Error)
	if ok {
		*target = e
	}
	return ok
}
