//go:build linux

package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/labelbridge/labelbridge/config"
	"github.com/labelbridge/labelbridge/tray/i18n"
)

// TestTrayMenuInKoreanOverDBus runs the real app binary with
// LANG=ko_KR.UTF-8 on a private D-Bus session and reads its menu as a
// desktop panel does: every item is in Korean (tray/i18n/ko.json), and a
// click updates it in Korean. (The English menu: TestTrayMenuOverDBus.)
func TestTrayMenuInKoreanOverDBus(t *testing.T) {
	bin := buildApp(t)
	addr := startBus(t)
	bus := connectBus(t, addr)
	home := t.TempDir()
	writeTestConfig(t, home, config.Config{})
	port := freeLoopbackPort(t)
	spy, _ := browserSpy(t)
	xdg := t.TempDir()
	app := startApp(t, bin, childEnv(
		"LANG=ko_KR.UTF-8",
		"LABELBRIDGE_HOME="+home, fmt.Sprintf("LABELBRIDGE_PORT=%d", port),
		"LABELBRIDGE_POLICY="+filepath.Join(home, "no-policy.json"),
		"DBUS_SESSION_BUS_ADDRESS="+addr, "XDG_CONFIG_HOME="+filepath.Join(xdg, "config"),
		"XDG_CONFIG_DIRS="+filepath.Join(xdg, "etc"), "XDG_RUNTIME_DIR="+xdg, "BROWSER="+spy,
	))
	item := fmt.Sprintf("org.kde.StatusNotifierItem-%d-1", app.cmd.Process.Pid)
	bus.waitName(t, item, app.exited)

	ko := i18n.For("ko")
	status := ko.N("printers", 1) + " · " + ko.T("jobs.none")
	root := bus.waitMenu(t, item, "the Korean menu with its printer", func(m menuItem) bool {
		_, ok := m.find(status)
		return ok && sameList(printerEntries2(m, "기본 프린터"), "Virtual printer[x]")
	})
	var top []string
	for _, c := range root.Children {
		if kind, _ := c.Props["type"].Value().(string); kind == "separator" {
			top = append(top, "---")
		} else if c.visible() {
			top = append(top, c.label())
		}
	}
	want := []string{"프린터 1대 · 대기 중인 작업 없음", "---", "기본 프린터", "프린터 패널 열기", "인쇄 대기열 열기", "---",
		"인쇄 일시 중지", "로그인할 때 시작", "---", "Labelbridge dev", "종료"}
	if !sameList(top, want...) {
		t.Fatalf("top-level menu:\n%s\nwant %q", root, want)
	}
	if tip := fmt.Sprint(bus.itemProperty(t, item, "ToolTip").Value()); !strings.Contains(tip, "Labelbridge: 대기 중") {
		t.Errorf("tooltip %s, want it in Korean", tip)
	}

	pause, _ := root.find("인쇄 일시 중지")
	bus.click(t, item, pause)
	m := bus.waitMenu(t, item, "인쇄 다시 시작", func(m menuItem) bool { _, ok := m.find("인쇄 다시 시작"); return ok })
	if _, ok := m.find("프린터 1대 · 대기 중인 작업 없음 · 일시 중지됨"); !ok {
		t.Errorf("status line while paused:\n%s", m)
	}
	if log := app.stderr.String(); !strings.Contains(log, "tray menu language") || !strings.Contains(log, "lang=ko") {
		t.Errorf("the log does not name the menu's language:\n%s", log)
	}
}

// printerEntries2 is the submenu under label as "label[x]" strings.
func printerEntries2(root menuItem, label string) []string {
	var out []string
	for _, c := range submenuOf(root, label) {
		s := c.label()
		if c.checked() {
			s += "[x]"
		}
		out = append(out, s)
	}
	return out
}
