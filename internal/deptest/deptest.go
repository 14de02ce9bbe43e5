// Package deptest checks the module's dependency direction in tests: a Rule
// names a set of packages and the packages none of them may reach, directly
// or through others, on any target OS. Every layer's architecture test uses
// it, so the rules live in one form and read like the design's picture.
package deptest

import (
	"bytes"
	"fmt"
	"os/exec"
	"path"
	"strings"
	"sync"
	"testing"
)

// Module is this module's import path; patterns below may start with "./"
// as a short form for it.
const Module = "github.com/labelbridge/labelbridge"

// Rule forbids the packages matching From to depend on any package matching
// Forbidden. A pattern is an import path, "./dir" for one inside this
// module, and may end in "/..." to take the package and everything under it.
type Rule struct {
	From      []string
	Forbidden []string
	Except    []string // packages matching From that the rule skips
	Why       string   // shown when the rule is broken
}

// GOOSes are the targets every rule is checked on: build constraints pull
// different files (and so imports) per OS.
var GOOSes = []string{"linux", "windows", "darwin"}

// Graph maps each package of the module to its transitive dependencies, for
// one GOOS.
type Graph map[string][]string

var (
	graphMu sync.Mutex
	graphs  = map[string]Graph{}
)

// Load lists the module's packages and their dependencies for goos (cached
// per test binary). CGO_ENABLED is left as the environment has it.
func Load(goos string) (Graph, error) {
	graphMu.Lock()
	defer graphMu.Unlock()
	if g, ok := graphs[goos]; ok {
		return g, nil
	}
	cmd := exec.Command("go", "list", "-e", "-f", "{{.ImportPath}} {{join .Deps \" \"}}", Module+"/...")
	cmd.Env = append(cmd.Environ(), "GOOS="+goos)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list (GOOS=%s): %w\n%s", goos, err, stderr.String())
	}
	g := Graph{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		if len(fields) > 0 {
			g[fields[0]] = fields[1:]
		}
	}
	graphs[goos] = g
	return g, nil
}

// Match reports whether the import path pkg matches pattern.
func Match(pattern, pkg string) bool {
	if rest, ok := strings.CutPrefix(pattern, "./"); ok {
		pattern = path.Join(Module, rest)
	}
	if base, ok := strings.CutSuffix(pattern, "/..."); ok {
		return pkg == base || strings.HasPrefix(pkg, base+"/")
	}
	return pkg == pattern
}

func matchAny(patterns []string, pkg string) bool {
	for _, p := range patterns {
		if Match(p, pkg) {
			return true
		}
	}
	return false
}

// Violations returns one line per (package, forbidden dependency) pair that
// breaks r in g. A rule whose From matches no package is itself a
// violation: it would guard nothing.
func Violations(g Graph, r Rule) []string {
	var out []string
	matched := false
	for pkg, deps := range g {
		if !matchAny(r.From, pkg) || matchAny(r.Except, pkg) {
			continue
		}
		matched = true
		for _, dep := range deps {
			if matchAny(r.Forbidden, dep) {
				out = append(out, fmt.Sprintf("%s depends on %s", strings.TrimPrefix(pkg, Module+"/"), dep))
			}
		}
	}
	if !matched {
		out = append(out, fmt.Sprintf("no package matches %v: the rule guards nothing", r.From))
	}
	return out
}

// Check fails t for every violation of rules on every GOOS in GOOSes.
func Check(t testing.TB, rules ...Rule) {
	t.Helper()
	for _, goos := range GOOSes {
		g, err := Load(goos)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rules {
			for _, v := range Violations(g, r) {
				t.Errorf("GOOS=%s: %s (%s)", goos, v, r.Why)
			}
		}
	}
}
