//go:build linux

package main

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// A private D-Bus session bus with a fake StatusNotifierWatcher, and a
// reader of the app's dbusmenu (the way a desktop panel reads and clicks it).

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
