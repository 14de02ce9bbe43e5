// Decisions: approving, denying and revoking sites; each is saved, or undone
// when saving fails (the live allow-list never differs from the saved one).

package sites

import (
	"fmt"
	"maps"
	"slices"
	"sort"

	"github.com/labelbridge/labelbridge/origins"
)

// Events passed to Options.Record.
const (
	EventApproved = "site.approved"
	EventDenied   = "site.denied"
	EventRevoked  = "site.revoked"
)

// snapshot is the user-changeable state, to undo a change whose save failed.
type snapshot struct {
	user    []string
	denied  map[string]bool
	pending map[string]*Site
}

func (r *Registry) snapshotLocked() snapshot {
	return snapshot{slices.Clone(r.user), maps.Clone(r.denied), maps.Clone(r.pending)}
}

// commitLocked saves the change, or restores snap when saving fails, so the
// live allow-list never differs from the saved one. Unlocks r.mu; on success
// it runs the OnChange functions and records event.
func (r *Registry) commitLocked(snap snapshot, event, origin string) error {
	if err := r.saveLocked(); err != nil {
		r.user, r.denied, r.pending = snap.user, snap.denied, snap.pending
		_ = r.rebuildLocked()
		r.mu.Unlock()
		return err
	}
	rec := r.record
	r.mu.Unlock()
	r.changed()
	if rec != nil {
		rec(event, origin)
	}
	return nil
}

// Approve allows an origin (exactly that scheme, host and port) and saves
// it. An origin that can never be allowed (opaque, malformed, not http or
// https, or any site under a locked admin policy) is refused and changes
// nothing.
func (r *Registry) Approve(origin string) error {
	canon := ""
	if r.isDefault(origin) {
		canon = origin // a built-in pattern, allowed again
	} else {
		var err error
		if _, canon, err = approvable(origin); err != nil {
			return err
		}
	}
	r.mu.Lock()
	if r.locked {
		r.mu.Unlock()
		return fmt.Errorf("%s cannot be approved: the admin policy locks the allowed sites", canon)
	}
	snap := r.snapshotLocked()
	delete(r.pending, canon)
	delete(r.denied, canon)
	if !slices.Contains(r.user, canon) {
		if len(r.user) == 0 && len(r.policy) == 0 {
			// The first approval replaces the implicit defaults: keep them.
			for _, d := range r.defaults {
				r.user = append(r.user, d.String())
			}
		}
		r.user = append(r.user, canon)
	}
	return r.commitLocked(snap, EventApproved, canon)
}

// Deny refuses an origin from now on and saves it.
func (r *Registry) Deny(origin string) error {
	o, err := origins.ParseOrigin(origin)
	if err != nil {
		return err
	}
	canon := o.String()
	r.mu.Lock()
	snap := r.snapshotLocked()
	delete(r.pending, canon)
	r.denied[canon] = true
	r.user = slices.DeleteFunc(r.user, func(s string) bool { return s == canon })
	return r.commitLocked(snap, EventDenied, canon)
}

// Revoke removes a user-approved pattern (policy entries cannot be revoked)
// or forgets a denial.
func (r *Registry) Revoke(pattern string) error {
	r.mu.Lock()
	snap := r.snapshotLocked()
	found := false
	if r.denied[pattern] {
		delete(r.denied, pattern)
		found = true
	}
	if i := slices.Index(r.user, pattern); i >= 0 {
		r.user = slices.Delete(r.user, i, i+1)
		found = true
	}
	if !found && len(r.user) == 0 && len(r.policy) == 0 && r.isDefault(pattern) {
		// Removing a built-in pattern while the defaults are implicit: the
		// other defaults become the user's list.
		for _, d := range r.defaults {
			if d.String() != pattern {
				r.user = append(r.user, d.String())
			}
		}
		found = len(r.user) > 0
	}
	if !found {
		r.mu.Unlock()
		for _, p := range r.policy {
			if p.String() == pattern {
				return fmt.Errorf("%s is set by the admin policy and cannot be revoked here", pattern)
			}
		}
		return fmt.Errorf("%s is not an approved site", pattern)
	}
	return r.commitLocked(snap, EventRevoked, pattern)
}

func (r *Registry) saveLocked() error {
	if err := r.rebuildLocked(); err != nil {
		return err
	}
	if r.persist == nil {
		return nil
	}
	denied := make([]string, 0, len(r.denied))
	for d := range r.denied {
		denied = append(denied, d)
	}
	sort.Strings(denied)
	return r.persist(slices.Clone(r.user), denied)
}
