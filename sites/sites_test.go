package sites

import (
	"slices"
	"testing"
	"time"
)

func TestDefaultsPendingApproveDeny(t *testing.T) {
	var saved [][]string
	r, err := New(Options{
		Defaults: []string{"http://localhost:*"},
		Persist:  func(a, d []string) error { saved = append(saved, a, d); return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if _, d := r.Check("http://localhost:3000", now); d != Allowed {
		t.Fatalf("default origin: %v", d)
	}
	if _, d := r.Check("https://wms.example.com", now); d != Pending {
		t.Fatalf("unknown origin: %v", d)
	}
	if _, d := r.Check("null", now); d != Invalid {
		t.Fatalf("null origin: %v", d)
	}
	if r.PendingCount() != 1 {
		t.Fatalf("pending = %d", r.PendingCount())
	}
	if err := r.Approve("https://wms.example.com"); err != nil {
		t.Fatal(err)
	}
	if _, d := r.Check("https://wms.example.com", now); d != Allowed {
		t.Fatalf("approved origin: %v", d)
	}
	if _, d := r.Check("http://localhost:3000", now); d != Allowed {
		t.Fatalf("approving a site must keep the defaults: %v", d)
	}
	if want := []string{"http://localhost:*", "https://wms.example.com"}; !slices.Equal(saved[0], want) {
		t.Fatalf("persisted %v, want %v", saved[0], want)
	}
	if err := r.Deny("https://wms.example.com"); err != nil {
		t.Fatal(err)
	}
	if _, d := r.Check("https://wms.example.com", now); d != Denied {
		t.Fatalf("denied origin: %v", d)
	}
	if err := r.Revoke("https://wms.example.com"); err != nil {
		t.Fatal(err)
	}
	if _, d := r.Check("https://wms.example.com", now); d != Pending {
		t.Fatalf("after revoking the denial: %v", d)
	}
}

func TestPolicyLock(t *testing.T) {
	r, err := New(Options{Policy: []string{"https://wms.corp"}, User: []string{"http://localhost:*"}, Locked: true})
	if err != nil {
		t.Fatal(err)
	}
	if r.Allowed("http://localhost:3000") {
		t.Fatalf("a locked policy must ignore the user's origins")
	}
	if !r.Allowed("https://wms.corp") {
		t.Fatalf("policy origin refused")
	}
	if err := r.Approve("https://other.example"); err == nil {
		t.Fatalf("approval allowed under a locked policy")
	}
	if err := r.Revoke("https://wms.corp"); err == nil {
		t.Fatalf("revoked a policy entry")
	}
	list := r.List()
	if len(list) != 1 || !list[0].Locked {
		t.Fatalf("list = %+v", list)
	}
}

func TestPendingIsBounded(t *testing.T) {
	r, _ := New(Options{})
	for i := range 500 {
		r.Check("https://s"+string(rune('a'+i%26))+string(rune('a'+i/26))+".example", time.Now())
	}
	if n := r.PendingCount(); n > 100 {
		t.Fatalf("pending grew to %d", n)
	}
}
