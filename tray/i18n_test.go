package tray

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/labelbridge/labelbridge/tray/i18n"
)

var en = i18n.For("en")

// TestMenuInKorean: the same status in Korean, every word from ko.json.
func TestMenuInKorean(t *testing.T) {
	t.Parallel()
	ko := i18n.For("ko_KR.UTF-8")
	s := Status{
		Printers:   []Printer{{ID: "virtual", Name: "Virtual printer", Default: true}, {ID: "net:x", Name: "Dock", Offline: true}},
		QueuedJobs: 3, HeldJobs: 2, Paused: true, PendingSites: 1, Version: "1.2.0",
		Fleet: Fleet{Configured: true, State: "disconnected", Broker: "mq.example"},
	}
	m := menuFor(s, ko)
	for _, c := range []struct{ got, want string }{
		{m.StatusLine, "프린터 2대 · 대기 중인 작업 3건 · 일시 중지됨"},
		{m.PauseLabel, "인쇄 다시 시작"},
		{m.SitesLabel, "승인을 기다리는 사이트 (1)"},
		{m.Printers[1].Label, "Dock (오프라인)"},
		{m.VersionLine, "Labelbridge v1.2.0"},
		{m.Tooltip, "Labelbridge: 확인 필요 (인쇄가 일시 중지됨; 보류된 작업 2건; 승인을 기다리는 사이트 1개; 플릿 브로커 mq.example에 연결할 수 없음)"},
		{m.Fleet.Line, "플릿: mq.example에 연결할 수 없음 (다시 시도 중)"},
		{m.Fleet.PauseLabel, "플릿 연결 일시 중지"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	if !m.Paused || m.Icon != Attention {
		t.Errorf("paused %v icon %v", m.Paused, m.Icon)
	}
}

// menuText is what a literal must look like to be menu text: words with a
// space, or one capitalised word ("Quit").
var menuText = regexp.MustCompile(`^[^a-zA-Z]*[A-Za-z].* |^[A-Z][a-z]+$`)

// notMenuText are literals of tray/*.go that are not menu text, and why.
var notMenuText = map[string]string{
	"Labelbridge": "the product name: systray's title on Linux (no translation)",
	"no StatusNotifierWatcher on the session bus: the menu is exported, but no panel shows the icon until one appears (stock GNOME needs the AppIndicator extension)": "Available's note, written to the log",
}

// TestNoMenuTextOutsideTheCatalog scans tray/*.go for string literals that
// look like words a person reads, outside the catalogs: only log lines and
// errors (logged) may hold them.
func TestNoMenuTextOutsideTheCatalog(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	scanned := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		scanned++
		skip := map[*ast.BasicLit]bool{}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.ImportSpec:
				skip[n.Path] = true
			case *ast.Field:
				if n.Tag != nil {
					skip[n.Tag] = true
				}
			case *ast.CallExpr:
				if logOrError(n.Fun) {
					ast.Inspect(n, func(m ast.Node) bool {
						if lit, ok := m.(*ast.BasicLit); ok {
							skip[lit] = true
						}
						return true
					})
				}
			case *ast.BasicLit:
				if n.Kind != token.STRING || skip[n] {
					return true
				}
				s, err := strconv.Unquote(n.Value)
				if err != nil || !menuText.MatchString(s) {
					return true
				}
				if _, ok := notMenuText[s]; ok {
					return true
				}
				t.Errorf("%s: %q looks like menu text: put it in tray/i18n/*.json", fset.Position(n.Pos()), s)
			}
			return true
		})
	}
	if scanned < 5 {
		t.Fatalf("scanned only %d files", scanned)
	}
}

// logOrError reports calls whose strings go to the log, not the menu:
// slog methods, fmt.Errorf and errors.New.
func logOrError(fun ast.Expr) bool {
	sel, ok := fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	switch sel.Sel.Name {
	case "Debug", "Info", "Warn", "Error", "Errorf":
		return true
	case "New":
		x, ok := sel.X.(*ast.Ident)
		return ok && x.Name == "errors"
	}
	return false
}
