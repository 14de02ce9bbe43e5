package sites

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func pendingOrigins(r *Registry) []string {
	var out []string
	for _, s := range r.List() {
		if s.State == "pending" {
			out = append(out, s.Origin)
		}
	}
	return out
}

func TestPendingExpires(t *testing.T) {
	c := &clock{t: time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)}
	r, err := New(Options{Now: c.now, PendingTTL: 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	r.Check("https://old.example", c.t)
	c.t = c.t.Add(20 * time.Hour)
	r.Check("https://new.example", c.t)
	c.t = c.t.Add(5 * time.Hour) // old: 25 h, new: 5 h
	if got := pendingOrigins(r); !slices.Equal(got, []string{"https://new.example"}) {
		t.Fatalf("pending %v, want only the site seen in the last 24 h", got)
	}
	if n := r.PendingCount(); n != 1 {
		t.Fatalf("pending count %d, want 1", n)
	}
}

func TestPendingEvictsOldestFirst(t *testing.T) {
	c := &clock{t: time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)}
	r, _ := New(Options{Now: c.now, MaxPending: 3})
	for _, o := range []string{"https://a.example", "https://b.example", "https://c.example", "https://a.example", "https://d.example"} {
		c.t = c.t.Add(time.Minute)
		r.Check(o, c.t)
	}
	// a was seen again after b: b is the oldest and goes first.
	got := pendingOrigins(r)
	slices.Sort(got)
	if want := []string{"https://a.example", "https://c.example", "https://d.example"}; !slices.Equal(got, want) {
		t.Fatalf("pending %v, want %v", got, want)
	}
}

// A page cycling through thousands of origins must not keep a real site
// from showing up for approval.
func TestNewRefusedSiteAlwaysShowsUp(t *testing.T) {
	c := &clock{t: time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)}
	r, _ := New(Options{Now: c.now})
	for i := range 5000 {
		r.Check(fmt.Sprintf("https://flood%d.example", i), c.t)
	}
	c.t = c.t.Add(time.Second)
	if _, d := r.Check("https://wms.example.com", c.t); d != Pending {
		t.Fatalf("decision %v", d)
	}
	if got := pendingOrigins(r); !slices.Contains(got, "https://wms.example.com") {
		t.Fatalf("the new site is not among the %d pending ones", len(got))
	}
	if n := r.PendingCount(); n > DefaultMaxPending {
		t.Fatalf("pending grew to %d", n)
	}
	if err := r.Approve("https://wms.example.com"); err != nil {
		t.Fatal(err)
	}
}

// Approving an origin that can never be allowed is refused with an error
// that says why, and changes nothing: no pending entry, no allow-list entry,
// nothing saved, and later approvals still work.
func TestApproveNeverAllowable(t *testing.T) {
	cases := []struct {
		origin, want string
		locked       bool
	}{
		{"", "opaque", false},
		{"null", "opaque", false},
		{"not a url", "malformed", false},
		{"https://x.example/path", "malformed", false},
		{"ftp://files.example", "only http and https", false},
		{"chrome-extension://abcdefghijklmnop", "only http and https", false},
		{"https://*.example.com", "host", false},
		{"https://wms.example.com", "admin policy", true},
	}
	for _, c := range cases {
		t.Run(c.origin, func(t *testing.T) {
			saves := 0
			var policy []string
			if c.locked {
				policy = []string{"https://wms.corp"}
			}
			var events []string
			r, err := New(Options{Policy: policy, Locked: c.locked,
				Persist: func(a, d []string) error { saves++; return nil },
				Record:  func(ev, o string) { events = append(events, ev+" "+o) }})
			if err != nil {
				t.Fatal(err)
			}
			r.Check(c.origin, time.Now())
			pending := r.PendingCount()
			err = r.Approve(c.origin)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Approve(%q) = %v, want an error saying %q", c.origin, err, c.want)
			}
			if saves != 0 || r.PendingCount() != pending || len(events) != 0 {
				t.Fatalf("a refused approval left state: %d saves, pending %d→%d, events %v", saves, pending, r.PendingCount(), events)
			}
			if !c.locked {
				if pending != 0 {
					t.Fatalf("%q was recorded as pending, but it can never be approved", c.origin)
				}
				if r.Allowed("https://a.example.com") {
					t.Fatalf("the refused approval allows another site")
				}
				if err := r.Approve("https://good.example"); err != nil || saves != 1 {
					t.Fatalf("a later approval: %v (saves %d)", err, saves)
				}
			}
		})
	}
}

func TestChangesAreRecorded(t *testing.T) {
	var events []string
	r, _ := New(Options{Record: func(ev, o string) { events = append(events, ev+" "+o) }})
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(r.Approve("https://A.example"))
	must(r.Deny("https://b.example"))
	must(r.Revoke("https://a.example"))
	want := []string{"site.approved https://a.example", "site.denied https://b.example", "site.revoked https://a.example"}
	if !slices.Equal(events, want) {
		t.Fatalf("events %v, want %v", events, want)
	}
}

// When the config cannot be saved, the live allow-list stays as saved.
func TestFailedSaveChangesNothing(t *testing.T) {
	var events []string
	r, _ := New(Options{
		Persist: func(a, d []string) error { return fmt.Errorf("disk full") },
		Record:  func(ev, o string) { events = append(events, ev) },
	})
	r.Check("https://wms.example.com", time.Now())
	if err := r.Approve("https://wms.example.com"); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("Approve = %v", err)
	}
	if r.Allowed("https://wms.example.com") || r.PendingCount() != 1 || len(events) != 0 {
		t.Fatalf("after a failed save: allowed %v, pending %d, events %v", r.Allowed("https://wms.example.com"), r.PendingCount(), events)
	}
}
