package browserprint_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/browserprint"
)

// pendingSeen returns a channel that gets origin once the registry lists it
// as pending (the held request recorded it).
func (e *env) pendingSeen(origin string) <-chan struct{} {
	seen := make(chan struct{}, 1)
	e.reg.OnChange(func() {
		for _, s := range e.reg.List() {
			if s.Origin == origin && s.State == "pending" {
				select {
				case seen <- struct{}{}:
				default:
				}
			}
		}
	})
	return seen
}

// TestHeldUntilApproved: a new site's /write waits while the site is
// pending and goes on (prints) the moment the user approves it; a denial
// answers at once; nothing decided within ApprovalWait is refused.
func TestHeldUntilApproved(t *testing.T) {
	const newSite = "https://new.example.com"
	for _, tc := range []struct {
		name   string
		wait   time.Duration
		decide func(e *env) error
		status int
		body   string
	}{
		{"approved", time.Minute, func(e *env) error { return e.reg.Approve(newSite) }, http.StatusOK, ""},
		{"denied", time.Minute, func(e *env) error { return e.reg.Deny(newSite) }, http.StatusForbidden, "denied"},
		{"no decision", 200 * time.Millisecond, nil, http.StatusForbidden, "waiting for approval"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnvWith(t, func(o *browserprint.Options) { o.ApprovalWait = tc.wait })
			seen := e.pendingSeen(newSite)
			got := make(chan reply, 1)
			go func() { got <- e.do(http.MethodPost, "/write", newSite, `{"data":"^XA^FDheld^FS^XZ"}`) }()
			select {
			case <-seen:
			case <-time.After(10 * time.Second):
				t.Fatal("the held request did not put the site up for approval")
			}
			if tc.decide != nil {
				select {
				case r := <-got:
					t.Fatalf("answered %d %q before the decision", r.status, r.body)
				default:
				}
				if err := tc.decide(e); err != nil {
					t.Fatal(err)
				}
			}
			var r reply
			select {
			case r = <-got:
			case <-time.After(30 * time.Second):
				t.Fatal("the held request never ended")
			}
			if r.status != tc.status || !strings.Contains(r.body, tc.body) {
				t.Fatalf("got %d %q, want %d with %q", r.status, r.body, tc.status, tc.body)
			}
			if tc.status == http.StatusOK {
				select {
				case data := <-e.sink.got:
					if string(data) != "^XA^FDheld^FS^XZ" {
						t.Fatalf("printed %q", data)
					}
				case <-time.After(10 * time.Second):
					t.Fatal("the approved request printed nothing")
				}
			}
		})
	}
}
