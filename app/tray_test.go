//go:build linux

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/client"
	"github.com/labelbridge/labelbridge/config"
	"github.com/labelbridge/labelbridge/printing"
)

// The tray tests run the real app binary against a private D-Bus session
// and read and click its menu the way a desktop panel does
// (com.canonical.dbusmenu), as docs/panel.md describes.
//
// Helpers: tray_bus_test.go (the bus and the menu reader) and
// tray_proc_test.go (the app in a child process).

func TestTrayMenuOverDBus(t *testing.T) {
	bin := buildApp(t)
	addr := startBus(t)
	bus := connectBus(t, addr)
	dock := newSink(t)
	home := t.TempDir()
	dockPrinter := config.NetworkPrinter{Name: "Dock printer", Address: dock.Addr(), Language: "zpl"}
	writeTestConfig(t, home, config.Config{
		NetworkPrinters: []config.NetworkPrinter{dockPrinter},
		DefaultPrinter:  dockPrinter.PrinterID(), // an added printer is the default only when chosen
	})
	port := freeLoopbackPort(t)
	spy, urls := browserSpy(t)
	xdg := t.TempDir()
	app := startApp(t, bin, childEnv(
		"LABELBRIDGE_HOME="+home, fmt.Sprintf("LABELBRIDGE_PORT=%d", port),
		"LABELBRIDGE_POLICY="+filepath.Join(home, "no-policy.json"),
		"DBUS_SESSION_BUS_ADDRESS="+addr, "XDG_CONFIG_HOME="+filepath.Join(xdg, "config"),
		"XDG_CONFIG_DIRS="+filepath.Join(xdg, "etc"), "XDG_RUNTIME_DIR="+xdg, "BROWSER="+spy,
	))
	item := fmt.Sprintf("org.kde.StatusNotifierItem-%d-1", app.cmd.Process.Pid)
	bus.waitName(t, item, app.exited)
	select {
	case reg := <-bus.watcher.registered:
		if !strings.HasSuffix(reg, " /StatusNotifierItem") {
			t.Fatalf("registered %q", reg)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the app never registered its item with the StatusNotifierWatcher")
	}

	root := bus.waitMenu(t, item, "both printers with the dock printer as default", func(m menuItem) bool {
		return sameList(printerEntries(m), "Dock printer[x]", "Virtual printer")
	})
	var top []string
	for _, c := range root.Children {
		if kind, _ := c.Props["type"].Value().(string); kind == "separator" {
			top = append(top, "---")
		} else if c.visible() {
			top = append(top, c.label())
		}
	}
	if !sameList(top, "2 printers · no jobs queued", "---", "Default printer", "Open printers panel", "Open print queue", "---",
		"Pause printing", "Start at login", "---", "Labelbridge dev", "Quit") {
		t.Fatalf("top-level menu:\n%s", root)
	}
	if tip := fmt.Sprint(bus.itemProperty(t, item, "ToolTip").Value()); !strings.Contains(tip, "Labelbridge: idle") {
		t.Errorf("tooltip %s, want it to say idle", tip)
	}
	if px := fmt.Sprint(bus.itemProperty(t, item, "IconPixmap").Value()); len(px) < 1000 {
		t.Errorf("icon pixmap looks empty: %.80s", px)
	}

	token, err := config.ReadToken(filepath.Join(home, "config", "token"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cli := adminClient(t, port, token)
	if err := cli.Subscribe(ctx, "printers", "jobs"); err != nil {
		t.Fatal(err)
	}

	t.Run("clicking a printer makes it the default", func(t *testing.T) {
		virtual, _ := root.find("Virtual printer")
		bus.click(t, item, virtual)
		waitPrinters(t, ctx, cli, "virtual as the default", func(ps []printing.Printer) bool {
			for _, p := range ps {
				if p.ID == "virtual" {
					return p.IsDefault
				}
			}
			return false
		})
		if h, err := cli.Hello(ctx); err != nil || h.DefaultPrinter != "virtual" {
			t.Fatalf("default through the API: %q %v", h.DefaultPrinter, err)
		}
		if got := readTestConfig(t, home).DefaultPrinter; got != "virtual" {
			t.Fatalf("saved default = %q", got)
		}
		bus.waitMenu(t, item, "the check on the virtual printer", func(m menuItem) bool {
			return sameList(printerEntries(m), "Dock printer", "Virtual printer[x]")
		})
	})

	t.Run("printers that come and go show up live", func(t *testing.T) {
		// A loopback port nothing listens on: the printer is probed (never an
		// address off this machine) and shows as offline.
		shelf := closedLoopbackAddr(t)
		if err := cli.Call(ctx, "printers.add", map[string]any{"name": "Shelf printer", "address": shelf, "language": "zpl"}, nil); err != nil {
			t.Fatal(err)
		}
		bus.waitMenu(t, item, "the added printer", func(m menuItem) bool {
			_, status := m.find("3 printers")
			return status && sameList(printerEntries(m), "Dock printer", "Shelf printer (offline)", "Virtual printer[x]")
		})
		if err := cli.Call(ctx, "printers.remove", map[string]any{"printer": "net:" + shelf}, nil); err != nil {
			t.Fatal(err)
		}
		bus.waitMenu(t, item, "the printer gone again", func(m menuItem) bool {
			_, status := m.find("2 printers")
			return status && sameList(printerEntries(m), "Dock printer", "Virtual printer[x]")
		})
	})

	t.Run("pause and resume printing", func(t *testing.T) {
		m, _ := bus.menu(item)
		pause, _ := m.find("Pause printing")
		bus.click(t, item, pause)
		m = bus.waitMenu(t, item, "Resume printing", func(m menuItem) bool { _, ok := m.find("Resume printing"); return ok })
		var st struct{ Paused bool }
		if err := cli.Call(ctx, "printing.status", nil, &st); err != nil || !st.Paused {
			t.Fatalf("printing.status after Pause: %+v %v", st, err)
		}
		job, err := cli.Print(ctx, client.PrintParams{Printer: "virtual", Raw: &client.Raw{Language: "zpl", Data: strp("^XA^XZ")}})
		if err != nil {
			t.Fatal(err)
		}
		m = bus.waitMenu(t, item, "the held job in the status line", func(m menuItem) bool {
			_, ok := m.find("2 printers · 1 job queued · paused")
			return ok
		})
		if tip := fmt.Sprint(bus.itemProperty(t, item, "ToolTip").Value()); !strings.Contains(tip, "needs attention") {
			t.Errorf("tooltip while paused: %s", tip)
		}
		resume, _ := m.find("Resume printing")
		bus.click(t, item, resume)
		if j, err := cli.WaitJob(ctx, job.ID); err != nil || j.State != printing.JobDone {
			t.Fatalf("the held job after Resume: %+v %v", j, err)
		}
		bus.waitMenu(t, item, "Pause printing and no jobs", func(m menuItem) bool {
			_, p := m.find("Pause printing")
			_, s := m.find("2 printers · no jobs queued")
			return p && s
		})
	})

	t.Run("sites waiting for approval open the panel", func(t *testing.T) {
		_, err := client.Dial(ctx, client.URL(port), client.Options{Origin: "https://unknown.example"})
		var refused *client.RefusedError
		if !errors.As(err, &refused) {
			t.Fatalf("unknown site: %v", err)
		}
		m := bus.waitMenu(t, item, "one site waiting", func(m menuItem) bool { _, ok := m.find("Sites waiting for approval (1)"); return ok })
		sitesItem, _ := m.find("Sites waiting for approval (1)")
		bus.click(t, item, sitesItem)
		waitURL(t, urls, fmt.Sprintf("http://127.0.0.1:%d/login#code=*#sites", port)) // a one-time login link
		queue, _ := m.find("Open print queue")
		bus.click(t, item, queue)
		waitURL(t, urls, fmt.Sprintf("http://127.0.0.1:%d/login#code=*#queue", port)) // a one-time login link
		panel, _ := m.find("Open printers panel")
		bus.click(t, item, panel)
		waitURL(t, urls, fmt.Sprintf("http://127.0.0.1:%d/login#code=*#printers", port)) // a one-time login link
	})

	t.Run("start at login", func(t *testing.T) {
		entry := filepath.Join(xdg, "config", "autostart", "labelbridge.desktop")
		m, _ := bus.menu(item)
		toggle, _ := m.find("Start at login")
		if toggle.checked() {
			t.Fatal("Start at login is on before anyone turned it on")
		}
		bus.click(t, item, toggle)
		m = bus.waitMenu(t, item, "Start at login checked", func(m menuItem) bool { it, _ := m.find("Start at login"); return it.checked() })
		data, err := os.ReadFile(entry)
		if err != nil || !strings.Contains(string(data), "Exec=\""+bin+"\"") {
			t.Fatalf("autostart entry: %s %v", data, err)
		}
		toggle, _ = m.find("Start at login")
		bus.click(t, item, toggle)
		bus.waitMenu(t, item, "Start at login unchecked", func(m menuItem) bool { it, _ := m.find("Start at login"); return !it.checked() })
		if _, err := os.Stat(entry); !os.IsNotExist(err) {
			t.Fatalf("autostart entry still there: %v", err)
		}
	})

	t.Run("quit exits cleanly and keeps jobs", func(t *testing.T) {
		m, _ := bus.menu(item)
		pause, _ := m.find("Pause printing")
		bus.click(t, item, pause)
		bus.waitMenu(t, item, "Resume printing", func(m menuItem) bool { _, ok := m.find("Resume printing"); return ok })
		job, err := cli.Print(ctx, client.PrintParams{Printer: "virtual", Title: "kept", Raw: &client.Raw{Language: "zpl", Data: strp("^XA^XZ")}})
		if err != nil {
			t.Fatal(err)
		}
		quit, _ := m.find("Quit")
		bus.click(t, item, quit)
		app.waitExit(t)
		if !strings.Contains(app.stderr.String(), "quit from the tray menu") {
			t.Fatalf("no log line about quitting:\n%s", app.stderr.String())
		}
		// The job is still stored, waiting for the next start.
		again := startApp(t, bin, childEnv("LABELBRIDGE_HOME="+home, fmt.Sprintf("LABELBRIDGE_PORT=%d", port),
			"LABELBRIDGE_POLICY="+filepath.Join(home, "no-policy.json"), "XDG_RUNTIME_DIR="+xdg), "serve")
		again.waitLog(t, "Labelbridge agent started")
		c2 := adminClient(t, port, token)
		if err := c2.Subscribe(ctx, "jobs"); err != nil {
			t.Fatal(err)
		}
		if j, err := c2.WaitJob(ctx, job.ID); err != nil || j.State != printing.JobDone {
			t.Fatalf("the job left at Quit, after the restart: %+v %v", j, err)
		}
		_ = again.cmd.Process.Signal(syscall.SIGTERM)
		again.waitExit(t)
	})
}

// waitPrinters waits for a printers event that ok accepts.
func waitPrinters(t *testing.T, ctx context.Context, c *client.Client, what string, ok func([]printing.Printer) bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if ps, err := c.Printers(ctx); err == nil && ok(ps) {
		return
	}
	for {
		select {
		case n, open := <-c.Events():
			if !open {
				t.Fatalf("connection closed while waiting for %s", what)
			}
			if n.Method != "printers" {
				continue
			}
			var p struct{ Printers []printing.Printer }
			if json.Unmarshal(n.Params, &p) == nil && ok(p.Printers) {
				return
			}
		case <-ctx.Done():
			t.Fatalf("no printers event with %s", what)
		}
	}
}

func TestTrayHeadlessWithoutSessionBus(t *testing.T) {
	bin := buildApp(t)
	home := t.TempDir()
	writeTestConfig(t, home, config.Config{})
	port := freeLoopbackPort(t)
	// No DBUS_SESSION_BUS_ADDRESS and an empty runtime folder: no bus to
	// find, and the app must not auto-launch one.
	app := startApp(t, bin, childEnv("LABELBRIDGE_HOME="+home, fmt.Sprintf("LABELBRIDGE_PORT=%d", port),
		"LABELBRIDGE_POLICY="+filepath.Join(home, "no-policy.json"), "XDG_RUNTIME_DIR="+t.TempDir()))
	app.waitLog(t, "running headless")
	if !strings.Contains(app.stderr.String(), "no D-Bus session bus") {
		t.Errorf("the log does not say why:\n%s", app.stderr.String())
	}
	token, err := config.ReadToken(filepath.Join(home, "config", "token"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := adminClient(t, port, token)
	if ps, err := c.Printers(ctx); err != nil || len(ps) == 0 {
		t.Fatalf("the headless agent does not serve: %v %v", ps, err)
	}
	c.Close()
	if err := app.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	app.waitExit(t)
	if n := strings.Count(app.stderr.String(), "running headless"); n != 1 {
		t.Errorf("said it runs headless %d times", n)
	}
}
