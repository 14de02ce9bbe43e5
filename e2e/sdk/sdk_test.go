package sdk_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/client"
	"github.com/labelbridge/labelbridge/internal/porttest"
)

// zpl is a raw job whose bytes the virtual printer must store unchanged.
func zpl(tag string) string {
	return "^XA^CI28^FO30,30^A0N,40,40^FD한국어 라벨 " + tag + "^FS^XZ\n"
}

func readLabel(tb testing.TB, name string) string {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, "testdata", "labels", name))
	if err != nil {
		tb.Fatal(err)
	}
	return string(data)
}

type job struct {
	ID             string `json:"id"`
	State          string `json:"state"`
	Printer        string `json:"printer"`
	Origin         string `json:"origin"`
	Copies         int    `json:"copies"`
	IdempotencyKey string `json:"idempotencyKey"`
}

func TestPageOnAnotherOriginListsPrintersAndPrints(t *testing.T) {
	port := porttest.Free(t)
	site := newPages(t)
	url := site.set("/print.html", modulePage(port))
	ag := startAgent(t, t.TempDir(), port, nil, site.origin)
	b := newBrowser(t)
	b.open(url)

	type result struct {
		Printers []struct {
			ID         string `json:"id"`
			Connection string `json:"connection"`
		} `json:"printers"`
		Info struct {
			Origin string `json:"origin"`
		} `json:"info"`
		Raw, RawDone, Label, LabelDone job
	}
	r := eval[result](b, fmt.Sprintf(`(async () => {
		const lb = await LB.connect({ ports: [%d] });
		const printers = await lb.printers();
		const raw = await lb.print(%s, { printer: "virtual" });
		const rawDone = await lb.waitJob(raw.id);
		const label = await lb.print(%s, { printer: "virtual", copies: 2 });
		const labelDone = await lb.waitJob(label.id);
		const info = lb.info;
		lb.close();
		return { printers, info, raw, rawDone, label, labelDone };
	})()`, port, js(zpl("raw")), readLabel(t, "product-ko.json")))

	if len(r.Printers) == 0 || r.Printers[0].ID != "virtual" || r.Printers[0].Connection != "virtual" {
		t.Errorf("printers: %+v", r.Printers)
	}
	if r.Info.Origin != site.origin {
		t.Errorf("the agent saw origin %q, want %q", r.Info.Origin, site.origin)
	}
	for _, j := range []job{r.Raw, r.Label} {
		if j.Origin != site.origin || j.Printer != "virtual" || j.IdempotencyKey == "" {
			t.Errorf("job %+v: want the page's origin, the virtual printer and a generated idempotency key", j)
		}
	}
	if r.RawDone.State != "done" || r.LabelDone.State != "done" {
		t.Fatalf("jobs ended %q and %q, want done", r.RawDone.State, r.LabelDone.State)
	}
	got := ag.printed()
	if got[r.Raw.ID] != zpl("raw") {
		t.Errorf("stored raw job = %q, want %q", got[r.Raw.ID], zpl("raw"))
	}
	label := got[r.Label.ID]
	if !strings.HasPrefix(label, "^XA") || !strings.Contains(label, "^PQ2") || !strings.Contains(label, "^XZ") {
		t.Errorf("stored label job is not ZPL for 2 copies: %.200q", label)
	}
	if len(got) != 2 {
		t.Errorf("%d jobs stored, want 2: %v", len(got), keys(got))
	}
}

// TestReconnectPrintsEachJobOnce kills the agent (SIGKILL) while a page holds
// prints in every state a reconnect must handle: stored by the agent but not
// acknowledged (a relay between page and agent loses the replies), sent at
// the moment of the kill, and queued in the page while the agent is down.
// After the restart every print must be stored and printed exactly once.
func TestReconnectPrintsEachJobOnce(t *testing.T) {
	const unacked, atKill, whileDown = 40, 10, 10
	const total = unacked + atKill + whileDown
	port := porttest.Free(t)
	home := t.TempDir()
	site := newPages(t)
	ag := startAgent(t, home, port, nil, site.origin)
	rl := newRelay(t, port)
	b := newBrowser(t)
	b.open(site.set("/burst.html", modulePage(port)))

	eval[bool](b, fmt.Sprintf(`(async () => {
		window.lb = await LB.connect({ ports: [%d], backoffMin: 50, backoffMax: 400, printTimeout: 120000 });
		window.acked = []; window.failed = []; window.states = [];
		lb.on("status", (s) => states.push(s.state));
		window.zpl = (n) => "^XA^CI28^FO30,30^A0N,40,40^FD재연결 " + n + "^FS^XZ\n";
		window.fire = (from, to) => { for (let n = from; n < to; n++) lb.print(zpl(n), { printer: "virtual" }).then((j) => acked.push({ n, id: j.id }), (e) => failed.push(n + ": " + e.message)); };
		return true;
	})()`, rl.port))

	// 1. The agent stores these, but the page never hears back.
	rl.dropReplies(true)
	eval[bool](b, fmt.Sprintf(`(fire(0, %d), true)`, unacked))
	waitStored(t, ag, unacked)
	// 2. These are on their way when the agent dies.
	eval[bool](b, fmt.Sprintf(`(fire(%d, %d), true)`, unacked, unacked+atKill))
	ag.kill()
	rl.dropReplies(false)
	if n := eval[int](b, `acked.length`); n != 0 {
		t.Fatalf("%d prints were acknowledged through a relay that drops replies", n)
	}
	b.waitFor(`lb.state === "reconnecting"`, 30*time.Second)
	// 3. These wait in the page.
	eval[bool](b, fmt.Sprintf(`(fire(%d, %d), true)`, unacked+atKill, total))

	ag.start() // same home, same port
	b.waitFor(fmt.Sprintf(`acked.length + failed.length === %d`, total), 2*time.Minute)
	if failed := eval[[]string](b, `failed`); len(failed) > 0 {
		t.Fatalf("prints failed: %v", failed)
	}
	t.Logf("status went %v", eval[[]string](b, `states`))
	states := eval[[]string](b, `(async () => (await Promise.all(acked.map((a) => lb.waitJob(a.id, { timeout: 60000 })))).map((j) => j.state))()`)
	for i, s := range states {
		if s != "done" {
			t.Errorf("job %d ended %s", i, s)
		}
	}

	// Each print: one job id, one stored file, one copy of its content.
	if n := len(unique(eval[[]string](b, `acked.map((a) => a.id)`))); n != total {
		t.Errorf("%d distinct job ids for %d prints", n, total)
	}
	byContent := map[string]int{}
	for _, data := range ag.printed() {
		byContent[data]++
	}
	for n := 0; n < total; n++ {
		want := fmt.Sprintf("^XA^CI28^FO30,30^A0N,40,40^FD재연결 %d^FS^XZ\n", n)
		if byContent[want] != 1 {
			t.Errorf("print %d was stored %d times, want once", n, byContent[want])
		}
		delete(byContent, want)
	}
	if len(byContent) > 0 {
		t.Errorf("unexpected jobs in the virtual printer: %d", len(byContent))
	}
	if n := len(agentJobs(t, ag)); n != total {
		t.Errorf("the agent has %d jobs, want %d", n, total)
	}
}

// agentJobs lists every job through the agent's API (with the local token).
func agentJobs(tb testing.TB, ag *agentProc) []job {
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
	var out struct{ Jobs []job }
	if err := c.Call(ctx, "jobs.list", map[string]any{"limit": 1000}, &out); err != nil {
		tb.Fatal(err)
	}
	return out.Jobs
}

// waitDone waits until the agent has n jobs, all done, and returns them.
func waitDone(tb testing.TB, ag *agentProc, n int) []job {
	tb.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		jobs := agentJobs(tb, ag)
		done := 0
		for _, j := range jobs {
			if j.State == "done" {
				done++
			}
		}
		if len(jobs) == n && done == n {
			return jobs
		}
		if time.Now().After(deadline) {
			tb.Fatalf("the agent has %d jobs, %d done, after 30 s; want %d done", len(jobs), done, n)
		}
		time.Sleep(20 * time.Millisecond) // polling the agent for a condition, with a deadline
	}
}

// waitStored waits until the agent has stored n jobs.
func waitStored(tb testing.TB, ag *agentProc, n int) {
	tb.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for len(agentJobs(tb, ag)) < n {
		if time.Now().After(deadline) {
			tb.Fatalf("the agent did not store %d jobs within 30 s", n)
		}
		time.Sleep(20 * time.Millisecond) // polling the agent for a condition, with a deadline
	}
}

func TestRefusedOriginGetsAClearErrorAndNothingPrints(t *testing.T) {
	port := porttest.Free(t)
	allowed := newPages(t)
	refused := newPages(t)
	ag := startAgent(t, t.TempDir(), port, nil, allowed.origin)
	b := newBrowser(t)
	b.open(refused.set("/refused.html", classicPage(port)))

	type failure struct {
		Reason  string `json:"reason"`
		Message string `json:"message"`
		Hint    string `json:"hint"`
		Name    string `json:"name"`
	}
	connectErr := func(opts string) failure {
		t.Helper()
		return eval[failure](b, fmt.Sprintf(`Labelbridge.connect(%s).then(
			() => ({ reason: "connected" }),
			(e) => ({ reason: e.reason, message: e.message, hint: e.hint, name: e.name }))`, opts))
	}

	f := connectErr(fmt.Sprintf(`{ ports: [%d] }`, port))
	if f.Reason != "origin_not_allowed" || f.Name != "LabelbridgeError" {
		t.Fatalf("refused site: got %+v, want reason origin_not_allowed", f)
	}
	for _, want := range []string{refused.origin, "not allowed", "Approve", fmt.Sprintf("http://127.0.0.1:%d/", port)} {
		if !strings.Contains(f.Message, want) {
			t.Errorf("message %q does not mention %q", f.Message, want)
		}
	}

	// The ES module is served with CORS to allowed sites only, so a refused
	// site cannot import it (the classic script above loads anyway).
	if got := eval[string](b, fmt.Sprintf(`import("http://127.0.0.1:%d/sdk/labelbridge.js").then(() => "imported", () => "blocked")`, port)); got != "blocked" {
		t.Errorf("refused site importing the ES module: %s, want blocked", got)
	}

	// A page that skips the SDK and opens the WebSocket itself gets nowhere.
	if got := eval[string](b, fmt.Sprintf(`new Promise((resolve) => {
		const ws = new WebSocket("ws://127.0.0.1:%d/ws");
		ws.onopen = () => { ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "print", params: { raw: { data: "^XA^XZ" } } })); resolve("opened"); };
		ws.onclose = (e) => resolve("closed " + e.code);
	})`, port)); got != "closed 1006" {
		t.Errorf("raw WebSocket from the refused site: %s, want closed 1006", got)
	}

	// Nothing listens on another port: agent not running, with the install hint.
	f = connectErr(fmt.Sprintf(`{ ports: [%d], installUrl: "https://it.example.com/labelbridge" }`, porttest.Free(t)))
	if f.Reason != "agent_not_running" || !strings.Contains(f.Message, "https://it.example.com/labelbridge") {
		t.Errorf("no agent: got %+v, want agent_not_running naming the install URL", f)
	}

	if got := ag.printed(); len(got) != 0 {
		t.Errorf("a refused site printed %d jobs", len(got))
	}
}

func TestDemoPagePrintsBothLabels(t *testing.T) {
	port := porttest.Free(t)
	site := newPages(t)
	agentOrigin := fmt.Sprintf("http://127.0.0.1:%d", port)
	ag := startAgent(t, t.TempDir(), port, nil, site.origin, agentOrigin)
	b := newBrowser(t)

	cases := []struct{ name, url string }{
		// The demo runs in the agent's own origin and talks only to the
		// agent that served it (no ?agent=PORT, no copies on other sites).
		{"served by the agent", agentOrigin + "/demo"},
		{"served by the agent, spelled localhost", fmt.Sprintf("http://localhost:%d/demo/", port)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := &browser{tb: t, ctx: b.ctx}
			before := len(ag.printed())
			b.navigate(c.url)
			b.waitFor(`window.demo !== undefined || window.demoError !== undefined`, 30*time.Second)
			if e := eval[string](b, `JSON.stringify(window.demoError || "")`); e != `""` {
				t.Fatalf("the demo could not connect: %s", e)
			}
			b.waitFor(`!document.getElementById("print-product").disabled`, 10*time.Second)
			eval[bool](b, `(document.getElementById("print-product").click(), document.getElementById("print-shipping").click(), true)`)
			b.waitFor(`demoJobs.length === 2 && demoJobs.every((j) => j.state === "done")`, time.Minute)
			jobs := eval[[]struct {
				ID    string `json:"id"`
				Label string `json:"label"`
			}](b, `demoJobs`)
			got := ag.printed()
			for _, j := range jobs {
				if data := got[j.ID]; !strings.HasPrefix(data, "^XA") || !strings.Contains(data, "^GFA") {
					t.Errorf("%s label job %s: not ZPL with the Korean text drawn as graphics: %.120q", j.Label, j.ID, data)
				}
			}
			if len(got)-before != 2 {
				t.Errorf("%d new jobs stored, want 2", len(got)-before)
			}
			if n := eval[int](b, `document.querySelectorAll(".preview img").length`); n != 2 {
				t.Errorf("%d label previews shown, want 2", n)
			}
		})
	}
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func unique(s []string) map[string]bool {
	out := map[string]bool{}
	for _, v := range s {
		out[v] = true
	}
	return out
}
