package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/labelbridge/labelbridge/client"
	"github.com/labelbridge/labelbridge/config"
	"github.com/labelbridge/labelbridge/internal/porttest"
	"github.com/labelbridge/labelbridge/wire"
)

// updateDocs makes TestPanelForPeople write its screenshots of every view,
// in English and Korean, into docs/img (go test ./app -run
// TestPanelForPeople -args -update-docs); without it nothing in the tree is written.
var updateDocs = flag.Bool("update-docs", false, "write the panel screenshots into docs/img")

// startChromiumLang is startChromium with the browser's language set (the
// UI language and the Accept-Language / navigator.languages list).
func startChromiumLang(t *testing.T, lang string) context.Context {
	t.Helper()
	exe := needTool(t, "chromium", "chromium-browser")
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.Flag("headless", true), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.NoFirstRun, chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true),
		chromedp.Flag("lang", lang), chromedp.Flag("accept-lang", lang),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelBrowser(); cancelAlloc() })
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return bctx
}

// evalJS runs a script in the page and decodes its (JSON-able) result.
func evalJS[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(sctx, chromedp.Evaluate[T](js, chromedp.EvalAsValue, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %.80s…: %v", js, err)
	}
	return v
}

// deadAddr is a loopback address nothing listens on (connection refused).
func deadAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// TestPanelForPeople drives the real panel in headless Chromium, in English
// and in Korean: measured status of a dead, a live and a paper-out network
// printer (test printers on loopback that answer ~HS), a held job's cause
// in its row and the queue's count, keyboard focus kept across live job
// events, sending a held job to another printer, no horizontal scrolling
// and nothing spilling out of a card from 360 to 1920 px in either
// language (every card shown: print settings unfolded, the QZ Tray, secure
// connections and fleet cards with what the agent reports in them),
// axe-core with no serious or critical violation on every view at 360, 400
// and 1280 px, and every status greyed when the agent is gone.
func TestPanelForPeople(t *testing.T) {
	live, paperOut := newSink(t), newSink(t)
	paperOut.SetHS(hsPaperOut)
	dead := deadAddr(t)
	// The secure connections card names this user's NSS database: a fresh
	// HOME, so its long path is a temporary folder's, not the CI user's.
	t.Setenv("HOME", t.TempDir())
	a, _ := startTestAgent(t, config.Config{
		// Shown on the Sites tab (QZ Tray, with its ports) and the Printers
		// tab (fleet: a broker that refuses, so its card shows the error).
		QZTray: config.QZTray{Enabled: true, Port: porttest.Free(t), SecurePort: porttest.Free(t)},
		Fleet:  config.Fleet{Broker: "mqtt://" + deadAddr(t), Station: "packing-station-01"},
		NetworkPrinters: []config.NetworkPrinter{
			{Name: "Shelf", Address: dead, Language: "zpl"},
			{Name: "Dock", Address: live.Addr(), Language: "zpl"},
			{Name: "Packing", Address: paperOut.Addr(), Language: "zpl"},
		},
		DefaultPrinter: "virtual",
	})
	shelf, dock, packing := "net:"+dead, "net:"+live.Addr(), "net:"+paperOut.Addr()
	cli := adminClient(t, a.port, a.token)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	axeJS := axeSource(t)
	card := func(id string) string { return fmt.Sprintf(`.printer-card[data-printer=%q]`, id) }

	en := startChromiumLang(t, "en-US")
	failureShots = os.TempDir()
	browserStep(t, en, "open the panel in English",
		chromedp.Navigate(a.panelLoginURL()+"#printers"),
		chromedp.WaitVisible(chromedp.CSS(`#conn[data-state="open"]`)),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="en"]`)),
	)
	t.Run("status is measured", func(t *testing.T) {
		browserStep(t, en, "the dead, live and paper-out printers",
			chromedp.WaitVisible(chromedp.CSS(card(shelf)+` [data-status="offline"]`)),
			chromedp.WaitVisible(chromedp.CSS(card(shelf)+` [data-reasons~="refused"]`)),
			chromedp.WaitVisible(chromedp.CSS(card(dock)+` [data-status="ready"]`)),
			chromedp.WaitVisible(chromedp.CSS(card(packing)+` [data-status="error"]`)),
			chromedp.WaitVisible(chromedp.CSS(card(packing)+` [data-reasons~="paper_out"]`)),
		)
		hint := evalJS[string](t, en, `document.querySelector(`+jsq(card(shelf)+` .status-hint`)+`).textContent`)
		if !strings.Contains(hint, "Shelf") || !strings.Contains(hint, dead) {
			t.Errorf("the dead printer's card says %q: want its name and address", hint)
		}
		// Paper loaded again: Check now measures it, ready without any job.
		paperOut.SetHS(hsReady)
		browserStep(t, en, "Check now after the paper is back",
			chromedp.Click(chromedp.CSS(card(packing)+` [data-action="check"]`)),
			chromedp.WaitVisible(chromedp.CSS(card(packing)+` [data-status="ready"]`)),
		)
	})
	var held wire.Job
	t.Run("a held job says why and what to do", func(t *testing.T) {
		j, err := cli.Print(ctx, client.PrintParams{Printer: shelf, Title: "Order 1043", Raw: &client.Raw{Language: "zpl", Data: strp("^XA^FDOrder 1043^FS^XZ")}})
		if err != nil {
			t.Fatal(err)
		}
		held = j
		row := fmt.Sprintf(`tr.job[data-job=%q]`, j.ID)
		browserStep(t, en, "the row shows the cause",
			chromedp.Click(chromedp.CSS(`a[data-tab="queue"]`)),
			chromedp.WaitVisible(chromedp.CSS(row+`[data-state="held"][data-reason="refused"] .job-cause`)),
			chromedp.WaitVisible(chromedp.CSS(`#queue-problems`)),
		)
		cause := evalJS[string](t, en, `document.querySelector(`+jsq(row+` .job-cause`)+`).textContent`)
		if !strings.Contains(cause, "Printer Shelf") || !strings.Contains(cause, dead) || !strings.Contains(cause, "another printer") {
			t.Errorf("cause in the row = %q", cause)
		}
		label := evalJS[string](t, en, `document.querySelector(`+jsq(row+` [data-action="retry-on"]`)+`).getAttribute("aria-label")`)
		if label != "Send Order 1043 to another printer" {
			t.Errorf("the retry button is named %q", label)
		}
	})
	t.Run("focus stays across live events", func(t *testing.T) {
		row := fmt.Sprintf(`tr.job[data-job=%q]`, held.ID)
		evalJS[bool](t, en, `(window.__focused = document.querySelector(`+jsq(row+` [data-action="cancel"]`)+`), window.__focused.focus(), document.activeElement === window.__focused)`)
		j, err := cli.Print(ctx, client.PrintParams{Printer: "virtual", Title: "Order 1044", Raw: &client.Raw{Language: "zpl", Data: strp("^XA^XZ")}})
		if err != nil {
			t.Fatal(err)
		}
		browserStep(t, en, "the new job arrives and finishes",
			chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`tr.job[data-job=%q][data-state="done"]`, j.ID))))
		if !evalJS[bool](t, en, `document.activeElement === window.__focused && window.__focused.isConnected`) {
			t.Fatal("a live job event moved the keyboard focus")
		}
	})
	t.Run("send the held job to another printer", func(t *testing.T) {
		row := fmt.Sprintf(`tr.job[data-job=%q]`, held.ID)
		browserStep(t, en, "retry on Dock",
			chromedp.Click(chromedp.CSS(row+` [data-action="retry-on"]`)),
			chromedp.WaitVisible(chromedp.CSS(`#retry-dialog[open]`)),
			chromedp.SetValue(chromedp.CSS(`#retry-printer`), dock),
			chromedp.Click(chromedp.CSS(`#retry-dialog button[value="ok"]`)),
			chromedp.WaitVisible(chromedp.CSS(row+`[data-state="canceled"]`)),
		)
		select {
		case data := <-live.Jobs:
			if !strings.Contains(string(data), "Order 1043") {
				t.Fatalf("Dock got %q", data)
			}
		case <-ctx.Done():
			t.Fatal("the job never reached the other printer")
		}
		var r struct{ Jobs []wire.Job }
		err := cli.Call(ctx, "jobs.list", map[string]any{"printer": dock}, &r)
		if err != nil || len(r.Jobs) == 0 || r.Jobs[0].RetryOf != held.ID {
			t.Fatalf("Dock's jobs: %+v, %v; want one with retryOf %s", r.Jobs, err, held.ID)
		}
	})
	for _, view := range []string{"printers", "queue", "sites"} {
		t.Run("no horizontal scrolling and no serious a11y violation: "+view, func(t *testing.T) {
			openView(t, en, view)
			for _, w := range viewWidths {
				browserStep(t, en, fmt.Sprintf("%d px wide", w), chromedp.EmulateViewport(w, 800))
				checkFits(t, en, fmt.Sprintf("%s at %d px", view, w))
				if w == 360 || w == 400 || w == 1280 {
					checkAxe(t, en, axeJS, fmt.Sprintf("%s at %d px", view, w))
				}
			}
			shoot(t, en, view, "en")
		})
	}

	ko := startChromiumLang(t, "ko-KR")
	browserStep(t, ko, "open the panel in Korean",
		chromedp.Navigate(a.panelLoginURL()+"#printers"),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="ko"]`)),
		chromedp.WaitVisible(chromedp.CSS(card(shelf)+` [data-status="offline"]`)),
	)
	t.Run("Korean", func(t *testing.T) {
		got := evalJS[map[string]string](t, ko, `({tab: document.querySelector('a[data-tab="printers"] span').textContent,
			pill: document.querySelector(`+jsq(card(shelf)+` .pill`)+`).textContent,
			hint: document.querySelector(`+jsq(card(shelf)+` .status-hint`)+`).textContent})`)
		if got["tab"] != "프린터" || got["pill"] != "오프라인" || !strings.Contains(got["hint"], "연결을 거부") {
			t.Errorf("the Korean panel shows %v", got)
		}
		for _, view := range []string{"printers", "queue", "sites"} {
			openView(t, ko, view)
			for _, w := range viewWidths {
				browserStep(t, ko, fmt.Sprintf("%d px wide", w), chromedp.EmulateViewport(w, 800))
				checkFits(t, ko, fmt.Sprintf("%s in Korean at %d px", view, w))
			}
			checkAxe(t, ko, axeJS, view+" in Korean")
			shoot(t, ko, view, "ko")
		}
		// The switch: English now, kept for the next visit.
		browserStep(t, ko, "switch to English",
			chromedp.SetValue(chromedp.CSS(`#lang`), "en"),
		)
		evalJS[bool](t, ko, `(document.getElementById("lang").dispatchEvent(new Event("change")), true)`)
		browserStep(t, ko, "in English", chromedp.WaitVisible(chromedp.CSS(`html[lang="en"]`)))
		if tab := evalJS[string](t, ko, `document.querySelector('a[data-tab="printers"] span').textContent`); tab != "Printers" {
			t.Errorf("after the switch the tab reads %q", tab)
		}
	})
	// The agent runs in this process, so here its server shuts down;
	// TestPanelWhenTheAgentIsKilled kills a real agent process.
	t.Run("agent gone: every status greyed, and said", func(t *testing.T) {
		sctx, scancel := context.WithTimeout(ctx, 10*time.Second)
		defer scancel()
		if err := a.server.Shutdown(sctx); err != nil {
			t.Fatal(err)
		}
		browserStep(t, en, "the panel says so",
			chromedp.WaitVisible(chromedp.CSS(`#agent-down`)),
			chromedp.WaitVisible(chromedp.CSS(`body[data-agent="down"]`)),
		)
		color := evalJS[string](t, en, `getComputedStyle(document.querySelector(".pill")).backgroundColor`)
		if color != "rgb(226, 232, 240)" {
			t.Errorf("a status pill with the agent gone is %s, want grey", color)
		}
	})
}

// viewWidths are the window widths every view must fit: phones (360, 400),
// a tablet between the panel's breakpoints, a laptop and a wide screen.
var viewWidths = []int64{360, 400, 768, 1280, 1920}

// viewCards are the cards each view must show (so that they are measured):
// the QZ Tray and secure connections cards on Sites, the fleet card and
// every printer's unfolded print settings on Printers.
var viewCards = map[string][]string{
	"printers": {"#fleet-card #fleet-state", ".printer-card details.printer-settings[open] .settings-grid"},
	"queue":    {"tr.job"},
	"sites":    {"#qz-card #qz-state", "#trust-card #trust-state", "#trust-card #trust-listeners"},
}

// openView shows a tab with every card of it present, print settings unfolded.
func openView(t *testing.T, ctx context.Context, view string) {
	t.Helper()
	browserStep(t, ctx, "open "+view, chromedp.Click(chromedp.CSS(`a[data-tab="`+view+`"]`)), chromedp.WaitVisible(chromedp.CSS(`#tab-`+view)))
	evalJS[bool](t, ctx, `(document.querySelectorAll("details.printer-settings").forEach((d) => { d.open = true; }), true)`)
	for _, sel := range viewCards[view] {
		browserStep(t, ctx, view+" shows "+sel, chromedp.WaitVisible(chromedp.CSS(sel)))
	}
}

// checkFits fails when the page scrolls sideways, when anything spills
// out of its card (a card that clips, like a printer's, would hide it
// without any scrolling), or when a card says "null".
func checkFits(t *testing.T, ctx context.Context, where string) {
	t.Helper()
	if over := evalJS[float64](t, ctx, `document.documentElement.scrollWidth - window.innerWidth`); over > 0 {
		t.Errorf("%s scrolls sideways by %v px", where, over)
	}
	// The queue's table card scrolls inside itself on wide screens; on
	// narrow ones its rows are cards, measured by the page's scroll width.
	// Only the outermost element that spills is named (its children spill with it).
	spills := evalJS[[]string](t, ctx, `(() => {
		const spills = (e) => {
			const card = e.closest(".card").getBoundingClientRect(), r = e.getBoundingClientRect();
			const text = e.clientWidth > 0 && !e.matches("input, select") && getComputedStyle(e).overflowX === "visible" && e.scrollWidth > e.clientWidth + 1;
			return e.getClientRects().length > 0 && (r.right > card.right + 1 || r.left < card.left - 1 || text);
		};
		const all = [...document.querySelectorAll("main .card:not(.table-card) *")].filter(spills);
		return all.filter((e) => !all.includes(e.parentElement)).slice(0, 8).map((e) =>
			e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + " «" + e.textContent.trim().slice(0, 60) + "»: " +
			Math.round(e.scrollWidth) + " px wide, right edge at " + Math.round(e.getBoundingClientRect().right) +
			", its card's at " + Math.round(e.closest(".card").getBoundingClientRect().right));
	})()`)
	for _, s := range spills {
		t.Errorf("%s: out of its card: %s", where, s)
	}
	nulls := evalJS[[]string](t, ctx, `(() => {
		const w = document.createTreeWalker(document.querySelector("main#content"), NodeFilter.SHOW_TEXT), found = [];
		while (w.nextNode()) if (w.currentNode.data.trim() === "null" && w.currentNode.parentElement.checkVisibility()) found.push(w.currentNode.parentElement.id || w.currentNode.parentElement.className);
		return found;
	})()`)
	if len(nulls) > 0 {
		t.Errorf("%s: the text \"null\" in %v", where, nulls)
	}
}

// jsq quotes s as a JavaScript string.
func jsq(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// checkAxe runs axe-core in the page and fails on any serious or critical violation.
func checkAxe(t *testing.T, ctx context.Context, axeJS, where string) {
	t.Helper()
	type violation struct {
		ID     string   `json:"id"`
		Impact string   `json:"impact"`
		Help   string   `json:"help"`
		Nodes  []string `json:"nodes"`
	}
	// Evaluated through the DevTools protocol: the page's CSP (script-src
	// 'self') rightly refuses an injected <script>.
	if !evalJS[bool](t, ctx, `typeof window.axe === "object"`) {
		evalJS[bool](t, ctx, axeJS+`; typeof window.axe === "object"`)
	}
	vs := evalJS[[]violation](t, ctx, `(async () => {
		const r = await axe.run(document, {resultTypes: ['violations']});
		return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
			.map((v) => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.html)}));
	})()`)
	for _, v := range vs {
		t.Errorf("%s: axe %s (%s): %s — %v", where, v.ID, v.Impact, v.Help, v.Nodes)
	}
}

// shoot saves a screenshot of a view into docs/img with -update.
func shoot(t *testing.T, ctx context.Context, view, lang string) {
	t.Helper()
	if !*updateDocs {
		return
	}
	browserStep(t, ctx, "1280 px for the picture", chromedp.EmulateViewport(1280, 900))
	evalJS[bool](t, ctx, `(document.getElementById("toasts").replaceChildren(), true)`)
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("..", "docs", "img", fmt.Sprintf("panel-%s-%s.png", view, lang))
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
}
