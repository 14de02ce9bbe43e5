package wire

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// sdkTypes is the browser SDK's type declarations, as the agent serves them.
var sdkTypes = filepath.Join("..", "sdk", "dist", "labelbridge.d.ts")

// unionLiterals returns the string literals of `export type name = …;` in
// a .d.ts text (on one line or many), or ok false when there is no such type.
func unionLiterals(src, name string) (lits []string, ok bool) {
	re := regexp.MustCompile(`(?m)^export\s+(?:declare\s+)?type\s+` + regexp.QuoteMeta(name) + `\s*=([^;]*);`)
	m := re.FindStringSubmatch(src)
	if m == nil {
		return nil, false
	}
	body := regexp.MustCompile(`(?s)/\*.*?\*/|//[^\n]*`).ReplaceAllString(m[1], "")
	for _, l := range regexp.MustCompile(`"([^"\\]*)"|'([^'\\]*)'`).FindAllStringSubmatch(body, -1) {
		lits = append(lits, l[1]+l[2])
	}
	slices.Sort(lits)
	return lits, true
}

// sdkUnions are the .d.ts union types and the lists they must equal.
func sdkUnions() []struct {
	union string
	want  []string
} {
	var states []string
	for _, s := range JobStates() {
		states = append(states, string(s))
	}
	return []struct {
		union string
		want  []string
	}{
		{"Method", Methods()},
		{"AdminMethod", AdminMethods()},
		{"Notification", Events()},
		{"Topic", Topics()},
		{"JobState", states},
		{"AgentReason", Reasons()},
		{"DocumentFormat", DocumentFormats()},
		{"DocumentFit", DocumentFits()},
		{"DocumentCrop", DocumentCrops()},
		{"DocumentDither", DocumentDithers()},
	}
}

// sdkMismatches lists where the .d.ts text src and this package disagree.
func sdkMismatches(src string) []string {
	var out []string
	for _, c := range sdkUnions() {
		got, ok := unionLiterals(src, c.union)
		if !ok {
			out = append(out, fmt.Sprintf("no `export type %s = \"…\" | …;`", c.union))
			continue
		}
		want := slices.Sorted(slices.Values(c.want))
		if missing, extra := diff(want, got), diff(got, want); len(missing)+len(extra) > 0 {
			out = append(out, fmt.Sprintf("type %s lacks %q and has %q that package wire does not", c.union, missing, extra))
		}
	}
	return out
}

// The SDK's types name exactly the methods, events, topics, job states and
// error reasons of this package: adding one on one side only fails here.
func TestSDKTypesMatchTheWire(t *testing.T) {
	data, err := os.ReadFile(sdkTypes)
	if err != nil {
		t.Fatalf("read the SDK's types: %v", err)
	}
	for _, m := range sdkMismatches(string(data)) {
		t.Errorf("%s: %s (edit sdk/src and package wire together)", sdkTypes, m)
	}
}

// The check above fails when either side gains or loses a name.
func TestSDKMismatchesSeesDrift(t *testing.T) {
	data, err := os.ReadFile(sdkTypes)
	if err != nil {
		t.Fatalf("read the SDK's types: %v", err)
	}
	src := string(data)
	for _, c := range []struct{ name, old, new string }{
		{"method only in the SDK", `"labels.preview"`, `"labels.preview" | "labels.render"`},
		{"method only in wire", `| "labels.preview"`, ``},
		{"admin method only in the SDK", `"panel.login"`, `"panel.login" | "panel.logout"`},
		{"event only in wire", `"sites" | "fleet";`, `"sites";`},
		{"job state only in the SDK", `"held"`, `"held" | "paused"`},
		{"reason only in the SDK", `"internal_error"`, `"internal_error" | "out_of_ink"`},
		{"union renamed", `export type AgentReason`, `export type AgentReasons`},
	} {
		mutated := strings.Replace(src, c.old, c.new, 1)
		if mutated == src {
			t.Fatalf("%s: %q is not in %s", c.name, c.old, sdkTypes)
		}
		if len(sdkMismatches(mutated)) == 0 {
			t.Errorf("%s: not noticed", c.name)
		}
	}
}

// diff returns what a has and b does not.
func diff(a, b []string) []string {
	var out []string
	for _, s := range a {
		if !slices.Contains(b, s) {
			out = append(out, s)
		}
	}
	return out
}

func TestUnionLiterals(t *testing.T) {
	t.Parallel()
	src := strings.Join([]string{
		`export type A = "x" | "y";`,
		"export type B =\n  | \"p\" // a comment with \"q\"\n  | 'r'\n  /* \"s\" */;",
		`export type Open = "o" | (string & {});`,
		`export declare type D = "d";`,
		`export type AB = "no";`,
	}, "\n")
	for _, c := range []struct {
		name string
		want []string
	}{
		{"A", []string{"x", "y"}},
		{"B", []string{"p", "r"}},
		{"Open", []string{"o"}},
		{"D", []string{"d"}},
	} {
		got, ok := unionLiterals(src, c.name)
		if !ok || !slices.Equal(got, c.want) {
			t.Errorf("unionLiterals(%s) = %q, %v; want %q", c.name, got, ok, c.want)
		}
	}
	if _, ok := unionLiterals(src, "C"); ok {
		t.Error("found a type that is not there")
	}
}
