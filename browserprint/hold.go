package browserprint

import (
	"net/http"
	"sync"
	"time"

	"github.com/labelbridge/labelbridge/sites"
)

// holdWhilePending holds a request whose Origin waits for approval until
// the user decides (approve or deny in the tray or panel), the request
// ends, or ApprovalWait passes; then the edge decides as usual. The site
// is recorded as pending at the first look, so it appears for approval
// while its request waits.
func (h *Handler) holdWhilePending(r *http.Request, gate Gate) {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return
	}
	timer := time.NewTimer(h.opt.ApprovalWait)
	defer timer.Stop()
	logged := false
	for {
		changed := h.opt.SitesChanged() // taken before the check: a decision in between is not missed
		canon, d := gate.Check(origin, time.Now())
		if d != sites.Pending {
			if logged {
				h.log.Info("Browser Print: held request goes on", "origin", canon, "path", r.URL.Path)
			}
			return
		}
		if !logged {
			h.log.Info("Browser Print: holding a request until the site is approved in the tray or panel",
				"origin", canon, "path", r.URL.Path, "wait", h.opt.ApprovalWait)
			logged = true
		}
		select {
		case <-changed:
		case <-timer.C:
			return
		case <-r.Context().Done():
			return
		}
	}
}

// Notifier is the side of the site registry that reports changes.
type Notifier interface{ OnChange(fn func()) }

// SitesChanges turns a registry's change callbacks into Options.SitesChanged:
// each call returns a channel closed at the next change.
func SitesChanges(n Notifier) func() <-chan struct{} {
	var mu sync.Mutex
	ch := make(chan struct{})
	n.OnChange(func() {
		mu.Lock()
		close(ch)
		ch = make(chan struct{})
		mu.Unlock()
	})
	return func() <-chan struct{} {
		mu.Lock()
		defer mu.Unlock()
		return ch
	}
}
