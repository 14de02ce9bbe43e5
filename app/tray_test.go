//go:build linux

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/labelbridge/labelbridge/client"
	"github.com/labelbridge/labelbridge/config"
	"github.com/labelbridge/labelbridge/printing"
)

// The tray tests run the real app binary against a private D-Bus session
// and read and click its menu the way a desktop panel does
// (com.canonical.dbusmenu), as docs/panel.md describes.

// buildApp builds the labelbridge binary into a temporary folder.
func buildApp(t *testing.T) string {
	t.Helper()
	needTool(t, "go")
	bin := filepath.Join(t.TempDir(), "labelbridge")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./app: %v\n%s", err, out)
	}
	return bin
}

// startBus starts a private session bus and returns its address.
func startBus(t *testing.T) string {
	t.Helper()
	daemon := needTool(t, "dbus-daemon")
	addr := fmt.Sprintf("unix:abstract=/labelbridge-test-%d-%d", os.Getpid(), time.Now().UnixNano())
	out, err := exec.Command(daemon, "--session", "--address="+addr, "--fork", "--print-address=1", "--print-pid=1").Output()
	if err != nil {
		t.Fatalf("start dbus-daemon: %v", err)
	}
	lines := strings.Fields(string(out))
	if len(lines) < 2 {
		t.Fatalf("dbus-daemon printed %q", out)
	}
	var pid int
	if _, err := fmt.Sscan(lines[1], &pid); err != nil {
		t.Fatalf("dbus-daemon pid %q: %v", lines[1], err)
	}
	t.Cleanup(func() {
		if p, err := os.FindProcess(pid); err == nil {
			_ = p.Kill()
		}
	})
	return lines[0]
}

// fakeWatcher is a StatusNotifierWatcher (what a desktop panel runs): the
// app registers its item with it.
type fakeWatcher struct{ registered chan string }

func (w *fakeWatcher) RegisterStatusNotifierItem(sender dbus.Sender, service string) *dbus.Error {
	w.registered <- string(sender) + " " + service
	return nil
}

// testBus is the test's own connection to the private bus.
type testBus struct {
	conn    *dbus.Conn
	watcher *fakeWatcher
	updates chan struct{} // menu changed (LayoutUpdated, ItemsPropertiesUpdated)
	owners  chan string   // NameOwnerChanged: names that got an owner
}

func connectBus(t *testing.T, addr string) *testBus {
	t.Helper()
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatalf("connect to the private bus: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	b := &testBus{conn: conn, watcher: &fakeWatcher{registered: make(chan string, 4)}, updates: make(chan struct{}, 1), owners: make(chan string, 16)}
	if err := conn.Export(b.watcher, "/StatusNotifierWatcher", "org.kde.StatusNotifierWatcher"); err != nil {
		t.Fatal(err)
	}
	if reply, err := conn.RequestName("org.kde.StatusNotifierWatcher", dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("own org.kde.StatusNotifierWatcher: %v %v", reply, err)
	}
	for _, m := range [][]dbus.MatchOption{
		{dbus.WithMatchInterface("com.canonical.dbusmenu")},
		{dbus.WithMatchInterface("org.freedesktop.DBus"), dbus.WithMatchMember("NameOwnerChanged")},
	} {
		if err := conn.AddMatchSignal(m...); err != nil {
			t.Fatal(err)
		}
	}
	signals := make(chan *dbus.Signal, 256)
	conn.Signal(signals)
	go func() {
		for s := range signals {
			switch {
			case s.Name == "org.freedesktop.DBus.NameOwnerChanged" && len(s.Body) == 3:
				if name, _ := s.Body[0].(string); name != "" {
					if owner, _ := s.Body[2].(string); owner != "" {
						select {
						case b.owners <- name:
						default:
						}
					}
				}
			case strings.HasPrefix(s.Name, "com.canonical.dbusmenu."):
				select {
				case b.updates <- struct{}{}:
				default:
				}
			}
		}
	}()
	return b
}

// waitName waits until name has an owner on the bus.
func (b *testBus) waitName(t *testing.T, name string, exited <-chan struct{}) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		var has bool
		if err := b.conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, name).Store(&has); err != nil {
			t.Fatal(err)
		}
		if has {
			return
		}
		select {
		case <-b.owners:
		case <-exited:
			t.Fatalf("the app exited before %s appeared on the bus", name)
		case <-deadline:
			t.Fatalf("%s never appeared on the bus", name)
		}
	}
}

// menuItem is one dbusmenu layout node.
type menuItem struct {
	ID       int32
	Props    map[string]dbus.Variant
	Children []menuItem
}

func (m menuItem) label() string {
	s, _ := m.Props["label"].Value().(string)
	return s
}

func (m menuItem) visible() bool {
	v, ok := m.Props["visible"]
	if !ok {
		return true
	}
	b, _ := v.Value().(bool)
	return b
}

func (m menuItem) checked() bool {
	n, _ := m.Props["toggle-state"].Value().(int32)
	return n == 1
}

func (m menuItem) enabled() bool {
	v, ok := m.Props["enabled"]
	if !ok {
		return true
	}
	b, _ := v.Value().(bool)
	return b
}

// find returns the first visible item whose label starts with prefix.
func (m menuItem) find(prefix string) (menuItem, bool) {
	for _, c := range m.Children {
		if c.visible() && c.label() != "" && strings.HasPrefix(c.label(), prefix) {
			return c, true
		}
		if f, ok := c.find(prefix); ok {
			return f, true
		}
	}
	return menuItem{}, false
}

func (m menuItem) String() string {
	var b strings.Builder
	var walk func(menuItem, string)
	walk = func(it menuItem, indent string) {
		for _, c := range it.Children {
			kind, _ := c.Props["type"].Value().(string)
			fmt.Fprintf(&b, "%s%d %q%s%s%s%s\n", indent, c.ID, c.label(), map[bool]string{true: " [x]"}[c.checked()],
				map[bool]string{false: " (hidden)"}[c.visible()], map[bool]string{false: " (disabled)"}[c.enabled()], map[bool]string{true: " ---"}[kind == "separator"])
			walk(c, indent+"  ")
		}
	}
	walk(m, "")
	return b.String()
}

func parseItem(v any) (menuItem, error) {
	f, ok := v.([]any)
	if !ok || len(f) != 3 {
		return menuItem{}, fmt.Errorf("menu item is %T %v", v, v)
	}
	it := menuItem{}
	it.ID, _ = f[0].(int32)
	it.Props, _ = f[1].(map[string]dbus.Variant)
	kids, _ := f[2].([]dbus.Variant)
	for _, k := range kids {
		c, err := parseItem(k.Value())
		if err != nil {
			return it, err
		}
		it.Children = append(it.Children, c)
	}
	return it, nil
}

func (b *testBus) menu(service string) (menuItem, error) {
	var rev uint32
	var root struct {
		ID       int32
		Props    map[string]dbus.Variant
		Children []dbus.Variant
	}
	obj := b.conn.Object(service, "/StatusNotifierItem/menu")
	if err := obj.Call("com.canonical.dbusmenu.GetLayout", 0, int32(0), int32(-1), []string{}).Store(&rev, &root); err != nil {
		return menuItem{}, err
	}
	return parseItem([]any{root.ID, root.Props, root.Children})
}

// waitMenu reads the menu until ok accepts it, waking on the menu's
// change signals.
func (b *testBus) waitMenu(t *testing.T, service, what string, ok func(root menuItem) bool) menuItem {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		root, err := b.menu(service)
		if err == nil && ok(root) {
			return root
		}
		// systray answers the first GetLayout one level deep and then
		// signals LayoutUpdated, so submenus arrive with a signal too.
		select {
		case <-b.updates:
		case <-deadline:
			t.Fatalf("the tray menu never showed %s (err %v); it shows:\n%s", what, err, root)
		}
	}
}

func (b *testBus) click(t *testing.T, service string, item menuItem) {
	t.Helper()
	obj := b.conn.Object(service, "/StatusNotifierItem/menu")
	if err := obj.Call("com.canonical.dbusmenu.Event", 0, item.ID, "clicked", dbus.MakeVariant(""), uint32(0)).Err; err != nil {
		t.Fatalf("click %q: %v", item.label(), err)
	}
}

func (b *testBus) itemProperty(t *testing.T, service, name string) dbus.Variant {
	t.Helper()
	v, err := b.conn.Object(service, "/StatusNotifierItem").GetProperty("org.kde.StatusNotifierItem." + name)
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	return v
}

// appProc is the app running in a child process.
type appProc struct {
	cmd    *exec.Cmd
	stderr *syncBuffer
	lines  chan string
	exited chan struct{}
	err    error
}

// childEnv is this process's environment without what the tests set.
func childEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(k, "LABELBRIDGE_"), strings.HasPrefix(k, "DBUS_"), strings.HasPrefix(k, "XDG_"), k == "BROWSER", k == "DISPLAY", k == "WAYLAND_DISPLAY":
			continue
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}

func startApp(t *testing.T, bin string, env []string, args ...string) *appProc {
	t.Helper()
	p := &appProc{cmd: exec.Command(bin, args...), stderr: &syncBuffer{}, lines: make(chan string, 1000), exited: make(chan struct{})}
	p.cmd.Env = env
	out, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	p.cmd.Stdout = p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start the app: %v", err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			p.stderr.Write([]byte(sc.Text() + "\n"))
			select {
			case p.lines <- sc.Text():
			default:
			}
		}
	}()
	go func() {
		<-done
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			_ = p.cmd.Process.Kill()
			<-p.exited
		}
		if t.Failed() {
			t.Logf("app output:\n%s", p.stderr.String())
		}
	})
	return p
}

// waitLog waits for a log line containing text.
func (p *appProc) waitLog(t *testing.T, text string) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	if strings.Contains(p.stderr.String(), text) {
		return
	}
	for {
		select {
		case l := <-p.lines:
			if strings.Contains(l, text) {
				return
			}
		case <-p.exited:
			if strings.Contains(p.stderr.String(), text) {
				return
			}
			t.Fatalf("the app exited (%v) before logging %q", p.err, text)
		case <-deadline:
			t.Fatalf("the app never logged %q", text)
		}
	}
}

// waitExit waits for the app to exit and checks it exited with 0 and
// without a panic.
func (p *appProc) waitExit(t *testing.T) {
	t.Helper()
	select {
	case <-p.exited:
	case <-time.After(30 * time.Second):
		t.Fatal("the app did not exit")
	}
	if p.err != nil {
		t.Fatalf("the app exited with %v", p.err)
	}
	if out := p.stderr.String(); strings.Contains(out, "panic") || strings.Contains(out, "fatal error") {
		t.Fatalf("the app panicked:\n%s", out)
	}
}

func freeLoopbackPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// browserSpy is a $BROWSER program that reports each URL it is asked to
// open through a FIFO.
func browserSpy(t *testing.T) (program string, urls <-chan string) {
	t.Helper()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "urls")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	// Open read-write so writers never block and reads never see EOF.
	f, err := os.OpenFile(fifo, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	ch := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			ch <- sc.Text()
		}
	}()
	program = filepath.Join(dir, "browser")
	script := fmt.Sprintf("#!/bin/sh\nprintf '%%s\\n' \"$1\" > %q\n", fifo)
	if err := os.WriteFile(program, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return program, ch
}

func waitURL(t *testing.T, urls <-chan string, want string) {
	t.Helper()
	select {
	case got := <-urls:
		if ok, _ := path.Match(want, got); !ok {
			t.Fatalf("the browser was asked to open %q, want %q", got, want)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("the browser was never asked to open %s", want)
	}
}

// submenuOf returns the children of the item labelled label.
func submenuOf(root menuItem, label string) []menuItem {
	it, ok := root.find(label)
	if !ok {
		return nil
	}
	var out []menuItem
	for _, c := range it.Children {
		if c.visible() {
			out = append(out, c)
		}
	}
	return out
}

// printerEntries is the Default printer submenu as "label[x]" strings.
func printerEntries(root menuItem) []string {
	var out []string
	for _, c := range submenuOf(root, "Default printer") {
		s := c.label()
		if c.checked() {
			s += "[x]"
		}
		out = append(out, s)
	}
	return out
}

func sameList(a []string, b ...string) bool {
	return strings.Join(a, "|") == strings.Join(b, "|")
}

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
		if err := cli.Call(ctx, "printers.add", map[string]any{"name": "Shelf printer", "address": "192.0.2.7", "language": "zpl"}, nil); err != nil {
			t.Fatal(err)
		}
		bus.waitMenu(t, item, "the added printer", func(m menuItem) bool {
			_, status := m.find("3 printers")
			return status && sameList(printerEntries(m), "Dock printer", "Shelf printer", "Virtual printer[x]")
		})
		if err := cli.Call(ctx, "printers.remove", map[string]any{"printer": "net:192.0.2.7:9100"}, nil); err != nil {
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
