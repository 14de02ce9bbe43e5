package main

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/client"
	"github.com/labelbridge/labelbridge/config"
	"github.com/labelbridge/labelbridge/internal/porttest"
)

// TestPanelCommand: `labelbridge panel` asks the running agent (with the
// token file) for a one-time link and opens it; with no agent it says so
// and starts none.
func TestPanelCommand(t *testing.T) {
	a, _ := startTestAgent(t, config.Config{})
	spy, urls := browserSpy(t)
	t.Setenv("BROWSER", spy)
	if err := runPanel([]string{"--port", strconv.Itoa(a.port)}); err != nil {
		t.Fatal(err)
	}
	var link string
	select {
	case link = <-urls:
	case <-time.After(20 * time.Second):
		t.Fatal("the browser was never opened")
	}
	prefix := fmt.Sprintf("http://127.0.0.1:%d/login#code=", a.port)
	if !strings.HasPrefix(link, prefix) {
		t.Fatalf("opened %q, want %s…", link, prefix)
	}
	if resp, body := fetch(t, panelBrowser(t), link); resp.StatusCode != 200 || !strings.Contains(body, "/panel/login.js") {
		t.Fatalf("the opened link: %d\n%s", resp.StatusCode, body)
	}
	base := fmt.Sprintf("http://127.0.0.1:%d", a.port)
	if secret, status := postLogin(t, base, base, codeOf(t, link)); status != 200 || secret == "" {
		t.Fatalf("the opened link's code does not log in: %d", status)
	}

	free := porttest.Free(t)
	err := runPanel([]string{"--print-url", "--port", strconv.Itoa(free)})
	if err == nil || !strings.Contains(err.Error(), "no Labelbridge agent is running") {
		t.Fatalf("with no agent: %v", err)
	}
	if client.Probe(free) != "" {
		t.Fatal("labelbridge panel started an agent")
	}
	if err := runPanel([]string{"--port", strconv.Itoa(a.port), "extra"}); err == nil || !strings.Contains(err.Error(), "unexpected argument") {
		t.Fatalf("extra argument: %v", err)
	}
}
