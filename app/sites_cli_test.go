package main

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/labelbridge/labelbridge/config"
	"github.com/labelbridge/labelbridge/internal/audit"
)

// `labelbridge sites` adds a site ahead of time, denies one, removes a
// built-in pattern and allows it again, through the running agent: live at
// once, saved, and in the audit log.
func TestSitesCommand(t *testing.T) {
	a, home := startTestAgent(t, config.Config{})
	port := strconv.Itoa(a.port)
	run := func(args ...string) string {
		t.Helper()
		var out bytes.Buffer
		if err := sitesCommand(append(args, "--port", port), &out); err != nil {
			t.Fatalf("sites %v: %v", args, err)
		}
		return out.String()
	}
	if got := run("list"); !strings.Contains(got, "http://localhost:*") || !strings.Contains(got, "built in") {
		t.Fatalf("sites list out of the box:\n%s", got)
	}
	run("allow", "https://wms.example.com")
	if !a.sites.Allowed("https://wms.example.com") {
		t.Fatal("the site allowed ahead of time is not allowed")
	}
	run("deny", "http://shady.example")
	run("remove", "http://localhost:*")
	if a.sites.Allowed("http://localhost:3000") {
		t.Fatal("localhost is still allowed after its pattern was removed")
	}
	if got := run("list"); strings.Contains(got, "http://localhost:*") || !strings.Contains(got, "http://shady.example") {
		t.Fatalf("sites list after the changes:\n%s", got)
	}
	run("allow", "http://localhost:*")
	if !a.sites.Allowed("http://localhost:3000") {
		t.Fatal("the built-in pattern allowed again does not allow localhost")
	}
	saved := readTestConfig(t, home)
	if !strings.Contains(strings.Join(saved.AllowedOrigins, " "), "https://wms.example.com") {
		t.Fatalf("saved allowedOrigins = %v", saved.AllowedOrigins)
	}
	trail, err := os.ReadFile(filepath.Join(home, "logs", audit.FileName))
	if err != nil {
		matches, _ := filepath.Glob(filepath.Join(home, "*", audit.FileName))
		if len(matches) == 0 {
			t.Fatalf("no audit log: %v", err)
		}
		trail, _ = os.ReadFile(matches[0])
	}
	for _, want := range []string{
		`"event":"site.approved","origin":"https://wms.example.com"`,
		`"event":"site.denied","origin":"http://shady.example"`,
		`"event":"site.revoked","origin":"http://localhost:*"`,
		`"event":"site.approved","origin":"http://localhost:*"`,
	} {
		if !strings.Contains(string(trail), want) {
			t.Errorf("audit log lacks %s:\n%s", want, trail)
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"allow"}, "one ORIGIN"},
		{[]string{"list", "x"}, "no argument"},
		{[]string{"frobnicate", "x"}, "unknown action"},
		{[]string{"allow", "javascript:alert(1)"}, "sites allow javascript:alert(1)"},
	} {
		err := sitesCommand(append(tc.args, "--port", port), &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("sites %v: %v, want an error saying %q", tc.args, err, tc.want)
		}
	}
	if err := sitesCommand(nil, &bytes.Buffer{}); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("sites with no action: %v, want its usage", err)
	}
}

// --help lists every verb run knows.
func TestHelpListsEveryVerb(t *testing.T) {
	src, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	body := string(src[bytes.Index(src, []byte("func run(args []string) error {")):])
	for _, line := range strings.Split(body, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "case \"") {
			continue
		}
		verb := strings.Trim(strings.SplitN(strings.TrimPrefix(line, "case "), ",", 2)[0], `":`)
		if verb == "tray" || verb == "version" || verb == "help" {
			continue
		}
		if !strings.Contains(usage, "labelbridge "+verb) {
			t.Errorf("--help does not list %q", verb)
		}
	}
}
