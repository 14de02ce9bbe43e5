package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/labelbridge/labelbridge/client"
	"github.com/labelbridge/labelbridge/config"
	"github.com/labelbridge/labelbridge/printing"
)

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

	t.Run("print settings and calibrate", func(t *testing.T) { // issue 12
		card := fmt.Sprintf(`.printer-card[data-printer=%q]`, dockID)
		browserStep(t, bctx, "fill the dock printer's print settings and save them",
			chromedp.Click(chromedp.CSS(card+` details.printer-settings summary`)),
			chromedp.SetValue(chromedp.CSS(card+` input[name="darkness"]`), "18"),
			chromedp.SetValue(chromedp.CSS(card+` select[name="media"]`), "gap"),
			chromedp.SetValue(chromedp.CSS(card+` input[name="gap"]`), "3"),
			chromedp.SetValue(chromedp.CSS(card+` input[name="labelWidth"]`), "4"),
			chromedp.SetValue(chromedp.CSS(card+` input[name="labelHeight"]`), "6"),
			chromedp.SetValue(chromedp.CSS(card+` select[name="unit"]`), "in"),
			chromedp.Click(chromedp.CSS(card+` form.settings-form button[type="submit"]`)),
			// The printers event brings the saved settings back into the form.
			chromedp.WaitVisible(chromedp.CSS(card+` input[name="darkness"][value="18"]`)),
			chromedp.WaitVisible(chromedp.CSS(card+` input[name="labelWidth"][value="4"]`)),
		)
		saved := readTestConfig(t, home).PrinterSettings[dockID]
		w, h, unit, sized := saved.LabelSize()
		if saved.Darkness == nil || *saved.Darkness != 18 || saved.Media != "gap" || saved.Gap == nil || *saved.Gap != 3 ||
			!sized || w != 4 || h != 6 || unit != "in" {
			t.Fatalf("saved settings = %+v", saved)
		}
		saveScreenshot(t, bctx, shots, "printer-settings.png")
		browserStep(t, bctx, "click Calibrate", chromedp.Click(chromedp.CSS(card+` [data-action="calibrate"]`)))
		for got := ""; got != "~JC\n"; { // status queries may come first
			select {
			case b := <-dock.Jobs:
				got = string(b)
			case <-ctx.Done():
				t.Fatal("the dock printer got no ~JC")
			}
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
			// The panel says what allowing grants before it does it.
			chromedp.WaitVisible(chromedp.CSS(`#site-dialog[open] #site-dialog-body`)),
			chromedp.Click(chromedp.CSS(`#site-dialog-ok`)),
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
