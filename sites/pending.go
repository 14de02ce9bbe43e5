// The pending list: sites that asked and wait for a decision, bounded in age
// (Options.PendingTTL) and number (Options.MaxPending).

package sites

import (
	"fmt"
	"strings"
	"time"

	"github.com/labelbridge/labelbridge/origins"
)

// Pending list bounds (Options.PendingTTL, Options.MaxPending).
const (
	DefaultPendingTTL = 24 * time.Hour
	DefaultMaxPending = 100
)

// approvable parses an Origin header that a user could approve: an http or
// https origin naming one site. Anything else (opaque, malformed, another
// scheme, a wildcard host) can never be allowed.
func approvable(header string) (origins.Origin, string, error) {
	o, err := origins.ParseOrigin(header)
	if err != nil {
		return o, "", fmt.Errorf("%w: it can never be allowed", err)
	}
	if o.Scheme != "http" && o.Scheme != "https" {
		return o, "", fmt.Errorf("origin %q can never be allowed: only http and https sites can", header)
	}
	canon := o.String()
	if p, err := origins.Parse(canon); err != nil || strings.Contains(o.Host, "*") || !p.Match(o) {
		return o, "", fmt.Errorf("origin %q can never be allowed: its host is not one site's name or address", header)
	}
	return o, canon, nil
}

// expireLocked drops pending sites not seen within the TTL.
func (r *Registry) expireLocked(now time.Time) {
	for k, p := range r.pending {
		if now.Sub(p.LastSeen) >= r.ttl {
			delete(r.pending, k)
		}
	}
}

// evictOldestLocked makes room for one more pending site.
func (r *Registry) evictOldestLocked() {
	for len(r.pending) >= r.max {
		var oldest *Site
		for _, p := range r.pending {
			if oldest == nil || p.LastSeen.Before(oldest.LastSeen) || (p.LastSeen.Equal(oldest.LastSeen) && p.Origin < oldest.Origin) {
				oldest = p
			}
		}
		delete(r.pending, oldest.Origin)
	}
}

// Check decides on an Origin header value and returns its canonical form.
// An unknown origin is recorded as pending (the newest always is; the least
// recently seen is evicted when the list is full).
func (r *Registry) Check(header string, now time.Time) (string, Decision) {
	o, canon, err := approvable(header)
	if err != nil {
		return header, Invalid
	}
	r.mu.Lock()
	if r.denied[canon] {
		r.mu.Unlock()
		return canon, Denied
	}
	if r.allow.Match(o) {
		r.mu.Unlock()
		return canon, Allowed
	}
	r.expireLocked(now)
	p, seen := r.pending[canon]
	if !seen {
		r.evictOldestLocked() // bound memory against a page that cycles origins
		p = &Site{Origin: canon, State: "pending", FirstSeen: now}
		r.pending[canon] = p
	}
	p.Attempts++
	p.LastSeen = now
	r.mu.Unlock()
	if !seen {
		r.changed()
	}
	return canon, Pending
}

// Peek decides like Check but records nothing.
func (r *Registry) Peek(header string) (string, Decision) {
	o, canon, err := approvable(header)
	if err != nil {
		return header, Invalid
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.denied[canon]:
		return canon, Denied
	case r.allow.Match(o):
		return canon, Allowed
	}
	return canon, Pending
}

// PendingCount is how many sites wait for approval.
func (r *Registry) PendingCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.expireLocked(r.now())
	return len(r.pending)
}
