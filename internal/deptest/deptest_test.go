package deptest

import (
	"slices"
	"testing"
)

func TestMatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pattern, pkg string
		want         bool
	}{
		{"./printing", Module + "/printing", true},
		{"./printing", Module + "/printing/zpl", false},
		{"./printing/...", Module + "/printing/zpl", true},
		{"./printing/...", Module + "/printing", true},
		{"./printing/...", Module + "/printingx", false},
		{"net/http", "net/http", true},
		{"net/http", "net/http/httptest", false},
		{"github.com/google/gousb", "github.com/google/gousb", true},
	}
	for _, tt := range tests {
		if got := Match(tt.pattern, tt.pkg); got != tt.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tt.pattern, tt.pkg, got, tt.want)
		}
	}
}

func TestViolations(t *testing.T) {
	t.Parallel()
	g := Graph{
		Module + "/tray":     {"fmt", Module + "/assets"},
		Module + "/printing": {"fmt", "net/http"},
		Module + "/app":      {Module + "/tray", Module + "/printing"},
	}
	tests := []struct {
		name string
		rule Rule
		want []string
	}{
		{"clean", Rule{From: []string{"./tray"}, Forbidden: []string{"./printing/..."}}, nil},
		{"broken", Rule{From: []string{"./printing/..."}, Forbidden: []string{"net/http"}},
			[]string{"printing depends on net/http"}},
		{"except", Rule{From: []string{"./..."}, Except: []string{"./app"}, Forbidden: []string{"./printing"}}, nil},
		{"guards nothing", Rule{From: []string{"./nosuch"}, Forbidden: []string{"fmt"}},
			[]string{"no package matches [./nosuch]: the rule guards nothing"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Violations(g, tt.rule)
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Violations = %q, want %q", got, tt.want)
			}
		})
	}
}
