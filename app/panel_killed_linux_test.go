package main

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/labelbridge/labelbridge/config"
)

// TestPanelWhenTheAgentIsKilled: the real binary serves the panel from a
// child process; the panel, opened in headless Chromium with the one-time
// link `labelbridge panel --url` prints, shows live statuses; then the
// process is killed (SIGKILL: no goodbye on the socket) and the panel says
// the agent is gone and greys every status. (TestPanelForPeople runs the
// agent in the test's own process, so there it can only shut the server
// down.)
func TestPanelWhenTheAgentIsKilled(t *testing.T) {
	bin := buildApp(t)
	home := t.TempDir()
	writeTestConfig(t, home, config.Config{})
	port := freeLoopbackPort(t)
	env := childEnv("LABELBRIDGE_HOME="+home, fmt.Sprintf("LABELBRIDGE_PORT=%d", port),
		"LABELBRIDGE_POLICY="+filepath.Join(home, "no-policy.json"))
	app := startApp(t, bin, env, "serve")
	app.waitLog(t, "Labelbridge agent started")

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "panel", "--url")
	cmd.Env = env
	out, err := cmd.Output()
	link := strings.TrimSpace(string(out))
	if err != nil || !strings.HasPrefix(link, fmt.Sprintf("http://127.0.0.1:%d/login#code=", port)) {
		t.Fatalf("labelbridge panel --url: %q %v", out, err)
	}

	b := startChromiumLang(t, "en-US")
	browserStep(t, b, "open the panel with the link",
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.CSS(`#conn[data-state="open"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.printer-card[data-printer="virtual"] .pill`)),
	)
	if grey := evalJS[string](t, b, `getComputedStyle(document.querySelector(".pill")).backgroundColor`); grey == "rgb(226, 232, 240)" {
		t.Fatalf("a status pill is grey while the agent runs")
	}

	if err := app.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-app.exited:
	case <-time.After(30 * time.Second):
		t.Fatal("the killed agent did not exit")
	}
	browserStep(t, b, "the panel says the agent is gone",
		chromedp.WaitVisible(chromedp.CSS(`#agent-down`)),
		chromedp.WaitVisible(chromedp.CSS(`body[data-agent="down"]`)),
	)
	if color := evalJS[string](t, b, `getComputedStyle(document.querySelector(".pill")).backgroundColor`); color != "rgb(226, 232, 240)" {
		t.Errorf("a status pill with the agent killed is %s, want grey", color)
	}
	if hidden := evalJS[bool](t, b, `document.getElementById("agent-down").hidden`); hidden {
		t.Errorf("the agent-down banner is hidden")
	}
}
