// Package usb_test runs the real labelbridge binary against a fake USB
// label printer (umockdev, tools/fakeusb): the printer is discovered, shows
// in printers.list, prints byte for byte, holds on paper out, and goes away
// when unplugged.
package usb_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/client"
	"github.com/labelbridge/labelbridge/internal/fakectl"
	"github.com/labelbridge/labelbridge/printing"
)

const (
	envChild  = "LABELBRIDGE_E2E_USB_CHILD"
	envBinary = "LABELBRIDGE_E2E_BINARY"
	python    = "/usr/bin/python3" // the python3 with gi (not pyenv's)
	printerID = "usb:0a5f:0080:E2E0001"
)

func TestAppWithFakeUSBPrinter(t *testing.T) {
	if os.Getenv(envChild) != "" {
		t.Skip("in the child")
	}
	script, _ := filepath.Abs("../../tools/fakeusb/fakeusb.py")
	probe := exec.Command(python, "-c", "import gi; gi.require_version('UMockdev', '1.0'); from gi.repository import UMockdev")
	if out, err := probe.CombinedOutput(); err != nil {
		msg := fmt.Sprintf("umockdev harness unavailable (%v: %s); apt-get install umockdev gir1.2-umockdev-1.0 python3-gi", err, out)
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	dir := t.TempDir()
	binary := filepath.Join(dir, "labelbridge")
	if out, err := exec.Command("go", "build", "-o", binary, "../../app").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, script, "--tmpdir", dir, "--",
		os.Args[0], "-test.run=^TestChild$", "-test.v", "-test.timeout=150s")
	cmd.Env = append(os.Environ(), envChild+"=1", envBinary+"="+binary)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte("--- PASS: TestChild")) {
		t.Fatalf("child under the harness: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}

// TestChild runs under the harness: it plugs a fake Zebra, starts the real
// agent (which inherits the umockdev environment) and drives it.
func TestChild(t *testing.T) {
	if os.Getenv(envChild) == "" {
		t.Skip("runs only under TestAppWithFakeUSBPrinter")
	}
	ctl, err := fakectl.FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ctl.Plug(fakectl.Device{
		Name: "zebra", VID: 0x0a5f, PID: 0x0080, Serial: "E2E0001", Lang: "zpl",
		Manufacturer: "Zebra Technologies", Product: "ZTC GK420d",
		DeviceID: "MFG:Zebra Technologies;CMD:ZPL;MDL:ZTC GK420d;CLS:PRINTER;",
	}); err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	l, _ := net.Listen("tcp4", "127.0.0.1:0")
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	agent := exec.Command(os.Getenv(envBinary), "serve")
	agent.Env = append(os.Environ(), "LABELBRIDGE_HOME="+home, fmt.Sprintf("LABELBRIDGE_PORT=%d", port),
		"LABELBRIDGE_POLICY="+filepath.Join(home, "none.json"))
	var logs bytes.Buffer
	agent.Stderr = &logs
	if err := agent.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = agent.Process.Signal(os.Interrupt)
		_ = agent.Wait()
		t.Logf("agent log:\n%s", logs.String())
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	c := dialWhenUp(ctx, t, port, home)
	defer c.Close()
	if err := c.Subscribe(ctx, "printers", "jobs"); err != nil {
		t.Fatal(err)
	}

	p := waitPrinter(ctx, t, c, func(ps []printing.Printer) *printing.Printer {
		for i := range ps {
			if ps[i].ID == printerID {
				return &ps[i]
			}
		}
		return nil
	})
	if p.Connection != "usb" || p.Language != "zpl" || !p.IsDefault || !strings.Contains(p.Model, "GK420d") {
		t.Fatalf("discovered printer = %+v: want a usb zpl printer, default over the virtual one", *p)
	}

	job := "^XA^FO20,20^A0N,30,30^FDfrom the page^FS^XZ"
	j, err := c.Print(ctx, client.PrintParams{Raw: &client.Raw{Language: "zpl", Data: &job}})
	if err != nil || j.Printer != printerID {
		t.Fatalf("print: %+v, %v", j, err)
	}
	if j, err = c.WaitJob(ctx, j.ID); err != nil || j.State != printing.JobDone {
		t.Fatalf("job: %+v, %v", j, err)
	}
	got, _, err := ctl.Capture("zebra", true)
	if err != nil || string(got) != job {
		t.Fatalf("the printer received %q (%v), want %q", got, err, job)
	}

	// Paper out: the job is held, never reported done; paper back: it prints.
	if err := ctl.Set("zebra", fakectl.State{PaperOut: fakectl.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	j, err = c.Print(ctx, client.PrintParams{Raw: &client.Raw{Data: &job}})
	if err != nil {
		t.Fatal(err)
	}
	waitJobState(ctx, t, c, j.ID, printing.JobHeld, printing.ReasonPaperOut)
	if err := ctl.Set("zebra", fakectl.State{PaperOut: fakectl.Bool(false)}); err != nil {
		t.Fatal(err)
	}
	if j, err = c.WaitJob(ctx, j.ID); err != nil || j.State != printing.JobDone {
		t.Fatalf("job after paper is back: %+v, %v", j, err)
	}

	// Unplugged: gone from the list; the virtual printer is the default again.
	if err := ctl.Unplug("zebra"); err != nil {
		t.Fatal(err)
	}
	// Unplugged: remembered, listed as offline/disconnected and still the
	// default (the sole USB printer); a job for it is held until it is back.
	waitPrinter(ctx, t, c, func(ps []printing.Printer) *printing.Printer {
		for i := range ps {
			if ps[i].ID == printerID && ps[i].IsDefault && ps[i].Status.State == printing.PrinterOffline &&
				slices.Contains(ps[i].Status.Reasons, printing.ReasonDisconnected) {
				return &ps[i]
			}
		}
		return nil
	})
	j, err = c.Print(ctx, client.PrintParams{Raw: &client.Raw{Data: &job}})
	if err != nil || j.Printer != printerID {
		t.Fatalf("print while unplugged: %+v, %v", j, err)
	}
	waitJobState(ctx, t, c, j.ID, printing.JobHeld, printing.ReasonDisconnected)
}

func dialWhenUp(ctx context.Context, t *testing.T, port int, home string) *client.Client {
	t.Helper()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		tok, _ := os.ReadFile(filepath.Join(home, "config", "token"))
		if len(tok) > 0 {
			c, err := client.Dial(ctx, client.URL(port), client.Options{Token: strings.TrimSpace(string(tok))})
			if err == nil {
				return c
			}
		}
		select {
		case <-ctx.Done():
			t.Fatal("agent did not come up")
		case <-tick.C:
		}
	}
}

// waitPrinter returns the first match from printers.list or a printers event.
func waitPrinter(ctx context.Context, t *testing.T, c *client.Client, match func([]printing.Printer) *printing.Printer) *printing.Printer {
	t.Helper()
	if ps, err := c.Printers(ctx); err == nil {
		if p := match(ps); p != nil {
			return p
		}
	}
	for {
		select {
		case n, ok := <-c.Events():
			if !ok {
				t.Fatal("connection closed")
			}
			if n.Method != "printers" {
				continue
			}
			var ev struct{ Printers []printing.Printer }
			if json.Unmarshal(n.Params, &ev) == nil {
				if p := match(ev.Printers); p != nil {
					return p
				}
			}
		case <-ctx.Done():
			ps, _ := c.Printers(context.Background())
			t.Fatalf("printer condition not met; printers now: %+v", ps)
		}
	}
}

func waitJobState(ctx context.Context, t *testing.T, c *client.Client, id string, state printing.JobState, reason string) {
	t.Helper()
	if j, err := c.Job(ctx, id); err == nil && j.State == state && j.Reason == reason {
		return
	}
	for {
		select {
		case n := <-c.Events():
			var j printing.Job
			if n.Method == "job" && json.Unmarshal(n.Params, &j) == nil && j.ID == id && j.State == state && j.Reason == reason {
				return
			}
		case <-ctx.Done():
			j, _ := c.Job(context.Background(), id)
			t.Fatalf("job %s: want %s/%s, now %s/%s", id, state, reason, j.State, j.Reason)
		}
	}
}
