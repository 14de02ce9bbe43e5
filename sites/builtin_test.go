package sites

import (
	"slices"
	"testing"
)

// The built-in patterns are marked, can be removed (the others stay) and
// can be allowed again; every change is recorded.
func TestBuiltinRemoveAndRestore(t *testing.T) {
	defaults := []string{"http://localhost:*", "http://127.0.0.1:*"}
	var saved []string
	var events []string
	r, err := New(Options{Defaults: defaults,
		Persist: func(allowed, _ []string) error { saved = allowed; return nil },
		Record:  func(event, origin string) { events = append(events, event+" "+origin) }})
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Builtin(); !slices.Equal(got, defaults) {
		t.Fatalf("Builtin() = %v", got)
	}
	allowed := func() (out []string) {
		for _, s := range r.List() {
			if s.State == "allowed" {
				if !s.Builtin && r.isDefault(s.Origin) {
					t.Errorf("%s is not marked built in", s.Origin)
				}
				out = append(out, s.Origin)
			}
		}
		return out
	}
	if err := r.Revoke("http://localhost:*"); err != nil {
		t.Fatalf("remove a built-in pattern: %v", err)
	}
	if got := allowed(); !slices.Equal(got, []string{"http://127.0.0.1:*"}) || !slices.Equal(saved, got) {
		t.Fatalf("after removing localhost: allowed %v, saved %v", got, saved)
	}
	if _, d := r.Check("http://localhost:3000", r.now()); d != Pending {
		t.Fatalf("localhost after its removal: %v, want pending", d)
	}
	if err := r.Approve("http://localhost:*"); err != nil {
		t.Fatalf("allow the built-in pattern again: %v", err)
	}
	if _, d := r.Check("http://localhost:3000", r.now()); d != Allowed {
		t.Fatalf("localhost after its restore: %v, want allowed", d)
	}
	if err := r.Approve("http://*.example.com:*"); err == nil {
		t.Fatal("a pattern that is not built in was approved")
	}
	want := []string{EventRevoked + " http://localhost:*", EventApproved + " http://localhost:*"}
	if !slices.Equal(events, want) {
		t.Fatalf("recorded %v, want %v", events, want)
	}
}
