// Package agent_test runs the real labelbridge binary: CLI verbs, a port
// that is taken, bad config, and crash safety under kill -9.
package agent_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/client"
	"github.com/labelbridge/labelbridge/printing"
)

func TestVersion(t *testing.T) {
	e := newEnv(t)
	out, _, code := e.run("version")
	if code != 0 || !strings.HasPrefix(out, "labelbridge ") {
		t.Fatalf("version: %q exit %d", out, code)
	}
}

func TestCLIAgainstRunningAgent(t *testing.T) {
	e := newEnv(t)
	e.start()
	out, errOut, code := e.run("printers", "--json")
	if code != 0 {
		t.Fatalf("printers --json: exit %d: %s", code, errOut)
	}
	var list struct{ Printers []printing.Printer }
	if err := json.Unmarshal([]byte(out), &list); err != nil || len(list.Printers) == 0 || list.Printers[0].ID != "virtual" || !list.Printers[0].IsDefault {
		t.Fatalf("printers --json = %s (%v)", out, err)
	}
	out, _, _ = e.run("printers")
	if !strings.Contains(out, "virtual") || !strings.Contains(out, "DEFAULT") {
		t.Fatalf("printers table = %q", out)
	}
	file := filepath.Join(t.TempDir(), "label.zpl")
	if err := os.WriteFile(file, []byte("^XA^FDcli^FS^XZ"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, code = e.run("print", "--raw", file, "--language", "zpl", "--copies", "2", "--wait")
	if code != 0 || !strings.Contains(out, " done ") {
		t.Fatalf("print --wait: exit %d out %q err %q", code, out, errOut)
	}
	id := strings.Fields(out)[0]
	got, err := os.ReadFile(filepath.Join(e.virtualDir(), id+".zpl"))
	if err != nil || string(got) != "^XA^FDcli^FS^XZ^XA^FDcli^FS^XZ" {
		t.Fatalf("virtual printer got %q (%v)", got, err)
	}
	for _, bad := range [][]string{
		{"print"},
		{"print", "--raw", file, "--label", file},
		{"print", "--raw", file, "--language", "pdf"},
		{"print", "--raw", filepath.Join(t.TempDir(), "missing.zpl")},
		{"print", "--raw", file, "--printer", "nope"},
		{"frobnicate"},
	} {
		_, errOut, code := e.run(bad...)
		if code == 0 || !strings.HasPrefix(errOut, "labelbridge: ") && !strings.Contains(errOut, "Usage") || strings.Contains(errOut, "panic") {
			t.Errorf("%v: exit %d, stderr %q: want a clear error", bad, code, errOut)
		}
	}
}

// With no agent running, print starts a temporary one for the call.
func TestCLIWithoutAgent(t *testing.T) {
	e := newEnv(t)
	file := filepath.Join(t.TempDir(), "l.zpl")
	_ = os.WriteFile(file, []byte("^XA^XZ"), 0o600)
	out, errOut, code := e.run("print", "--raw", file)
	if code != 0 || !strings.Contains(out, " done ") || !strings.Contains(errOut, "temporary") {
		t.Fatalf("print with no agent: exit %d out %q err %q", code, out, errOut)
	}
}

func TestPortTaken(t *testing.T) {
	e := newEnv(t)
	l, err := net.Listen("tcp4", fmt.Sprintf("127.0.0.1:%d", e.port))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, errOut, code := e.run("serve")
	if code != 3 || !strings.Contains(errOut, fmt.Sprintf("port %d is already in use by", e.port)) || strings.Contains(errOut, "goroutine") {
		t.Fatalf("serve on a taken port: exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "e2e") && !strings.Contains(errOut, "agent.test") && !strings.Contains(errOut, "pid") {
		t.Errorf("the error does not name the program: %s", errOut)
	}
}

func TestSecondAgentSaysAlreadyRunning(t *testing.T) {
	e := newEnv(t)
	e.start()
	_, errOut, code := e.run("serve")
	if code != 3 || !strings.Contains(errOut, "already running on port") {
		t.Fatalf("second serve: exit %d: %s", code, errOut)
	}
}

func TestBadConfigIsAClearError(t *testing.T) {
	e := newEnv(t)
	e.writeConfig(`{"port": 19810, "limits": {"queueDepht": 5}}`)
	_, errOut, code := e.run("serve")
	if code == 0 || !strings.Contains(errOut, `unknown key "queueDepht"`) || strings.Contains(errOut, "goroutine") {
		t.Fatalf("bad config: exit %d: %s", code, errOut)
	}
}

// printedLog counts, per job id, how often the virtual printer sent a job.
func printedLog(t *testing.T, dir string) map[string]int {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "printed.log"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if f := strings.Fields(line); len(f) >= 2 {
			counts[f[1]]++
		}
	}
	return counts
}

// Crash safety: 2,000 jobs from several clients, kill -9 mid-burst, restart:
// every acknowledged job prints; only the job in flight may print twice.
func TestKill9MidBurst(t *testing.T) {
	e := newEnv(t)
	e.writeConfig(`{"virtual": {"keep": 5000}, "limits": {"queueDepth": 5000}}`)
	p := e.start()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	const clients, perClient = 8, 250
	var (
		mu    sync.Mutex
		acked = map[string]bool{}
	)
	killAt := make(chan struct{})
	var once sync.Once
	var wg sync.WaitGroup
	for i := range clients {
		c, err := client.Dial(ctx, client.URL(e.port), client.Options{Origin: fmt.Sprintf("http://localhost:%d", 7000+i)})
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range perClient {
				data := fmt.Sprintf("^XA^FDclient %d job %d^FS^XZ", i, j)
				job, err := c.Print(ctx, client.PrintParams{Raw: &client.Raw{Language: "zpl", Data: &data}})
				if err != nil {
					return // the agent died: later prints are not acknowledged
				}
				mu.Lock()
				acked[job.ID] = true
				n := len(acked)
				mu.Unlock()
				if n == clients*perClient/2 {
					once.Do(func() { close(killAt) })
				}
			}
		}()
	}
	select {
	case <-killAt:
	case <-ctx.Done():
		t.Fatal("burst did not reach the halfway mark")
	}
	p.kill9()
	wg.Wait()
	mu.Lock()
	ackedIDs := make([]string, 0, len(acked))
	for id := range acked {
		ackedIDs = append(ackedIDs, id)
	}
	mu.Unlock()
	before := printedLog(t, e.virtualDir())
	t.Logf("killed after %d acknowledged jobs; %d printed before the kill", len(ackedIDs), len(before))

	e.start()
	admin := e.dial(ctx, client.Options{Token: e.token()})
	if err := admin.Subscribe(ctx, "jobs"); err != nil {
		t.Fatal(err)
	}
	for _, id := range ackedIDs {
		j, err := admin.WaitJob(ctx, id)
		if err != nil || j.State != printing.JobDone {
			t.Fatalf("acknowledged job %s after restart: %+v, %v", id, j, err)
		}
	}
	counts := printedLog(t, e.virtualDir())
	dups := 0
	for _, id := range ackedIDs {
		switch n := counts[id]; {
		case n == 0:
			t.Errorf("acknowledged job %s never printed", id)
		case n > 1:
			dups++
		}
		if _, err := os.Stat(filepath.Join(e.virtualDir(), id+".zpl")); err != nil {
			t.Errorf("acknowledged job %s has no file: %v", id, err)
		}
	}
	for id, n := range counts {
		if n > 1 && !acked[id] {
			dups++ // a job stored but not yet acknowledged when killed
		}
	}
	t.Logf("after restart: %d acknowledged jobs all printed; %d printed twice (in flight at the kill)", len(ackedIDs), dups)
	if dups > 1 {
		t.Fatalf("%d jobs printed twice: only the one in flight may", dups)
	}
}

// A page prints a label (Korean text included): the virtual printer gets
// ZPL and a preview PNG; a bad label is refused with the element named.
func TestLabelPrintFromPage(t *testing.T) {
	e := newEnv(t)
	e.start()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	page := e.dial(ctx, client.Options{Origin: "http://localhost:3000"})
	if err := page.Subscribe(ctx, "jobs"); err != nil {
		t.Fatal(err)
	}
	lbl, err := os.ReadFile("../../testdata/labels/product-ko.json")
	if err != nil {
		t.Fatal(err)
	}
	job, err := page.Print(ctx, client.PrintParams{Label: lbl, Copies: 2})
	if err != nil {
		t.Fatal(err)
	}
	if job.Language != "zpl" || job.Copies != 2 {
		t.Fatalf("job = %+v", job)
	}
	if j, err := page.WaitJob(ctx, job.ID); err != nil || j.State != printing.JobDone {
		t.Fatalf("label job: %+v, %v", j, err)
	}
	zpl, err := os.ReadFile(filepath.Join(e.virtualDir(), job.ID+".zpl"))
	if err != nil || !bytes.HasPrefix(zpl, []byte("^XA")) || !bytes.Contains(zpl, []byte("^PQ2")) || !bytes.Contains(zpl, []byte("^GFA")) {
		t.Fatalf("ZPL of the label (%v):\n%.300s", err, zpl)
	}
	png, err := os.ReadFile(filepath.Join(e.virtualDir(), job.ID+".png"))
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Fatalf("preview: %v", err)
	}
	var prev struct{ PNG string }
	if err := page.Call(ctx, "labels.preview", map[string]any{"label": json.RawMessage(lbl)}, &prev); err != nil || len(prev.PNG) < 100 {
		t.Fatalf("labels.preview: %v", err)
	}
	bad := `{"width": 50, "height": 30, "elements": [{"type": "text", "x": 1, "y": 1, "text": "ok", "size": 3},
		{"type": "barcode", "symbology": "ean13", "x": 1, "y": 10, "data": "12AB", "height": 10}]}`
	_, err = page.Print(ctx, client.PrintParams{Label: json.RawMessage(bad)})
	var ce *client.Error
	if !errors.As(err, &ce) || ce.Reason != "invalid_label" || !strings.Contains(ce.Message, "elements[1].data") {
		t.Fatalf("bad label: %v", err)
	}
}
