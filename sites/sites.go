// Package sites decides which web origins may use the agent: the admin
// policy's sites, the configured and user-approved ones, and the defaults;
// it remembers refused origins as pending approval until the user allows or
// denies them. The pending list cannot be jammed: entries expire, the list
// is capped and evicts the least recently seen first, so a newly refused
// site always shows up; origins that can never be allowed are never pending
// and cannot be approved.
package sites

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/labelbridge/labelbridge/origins"
)

// Decision is the outcome of a check.
type Decision int

// Decisions.
const (
	Allowed Decision = iota
	Pending          // unknown: refused until the user approves it
	Denied           // the user refused it
	Invalid          // missing, "null" or malformed Origin
)

// Site is an entry the panel shows.
type Site struct {
	Origin    string    `json:"origin"`
	State     string    `json:"state"` // allowed | pending | denied
	Locked    bool      `json:"locked,omitempty"`
	Builtin   bool      `json:"builtin,omitempty"` // one of the default patterns (localhost)
	Attempts  int       `json:"attempts,omitempty"`
	FirstSeen time.Time `json:"firstSeen,omitzero"`
	LastSeen  time.Time `json:"lastSeen,omitzero"`
}

// Persist saves the user's allowed and denied lists.
type Persist func(allowed, denied []string) error

// Registry is the live allow-list. Safe for concurrent use.
type Registry struct {
	mu       sync.Mutex
	policy   origins.List // locked entries
	user     []string     // configured + approved patterns (user-changeable)
	allow    origins.List // policy + user (or defaults)
	defaults origins.List
	locked   bool // the policy forbids user approvals
	denied   map[string]bool
	pending  map[string]*Site
	persist  Persist
	onChange []func()
	record   func(event, origin string)
	now      func() time.Time
	ttl      time.Duration
	max      int
}

// Pending list bounds (Options.PendingTTL, Options.MaxPending).
const (
	DefaultPendingTTL = 24 * time.Hour
	DefaultMaxPending = 100
)

// Events passed to Options.Record.
const (
	EventApproved = "site.approved"
	EventDenied   = "site.denied"
	EventRevoked  = "site.revoked"
)

// Options build a Registry.
type Options struct {
	Policy   []string // admin policy patterns (shown locked)
	User     []string // the user's configured/approved patterns
	Denied   []string // origins the user refused
	Defaults []string // used when Policy and User are both empty
	Locked   bool     // only the policy's patterns count; no approvals
	Persist  Persist
	// Record, when set, is told of every change the user makes (approve,
	// deny, revoke: EventApproved…), whichever way it came (tray, panel,
	// CLI): the audit log.
	Record func(event, origin string)
	// Now is the clock for expiring pending sites (default time.Now).
	Now func() time.Time
	// PendingTTL drops a pending site not seen for this long (default 24 h);
	// MaxPending caps the list (default 100), evicting the least recently
	// seen site first.
	PendingTTL time.Duration
	MaxPending int
}

// New builds a Registry; bad patterns are reported with their text.
func New(opt Options) (*Registry, error) {
	r := &Registry{user: slices.Clone(opt.User), locked: opt.Locked, denied: map[string]bool{}, pending: map[string]*Site{}, persist: opt.Persist,
		record: opt.Record, now: opt.Now, ttl: opt.PendingTTL, max: opt.MaxPending}
	if r.now == nil {
		r.now = time.Now
	}
	if r.ttl <= 0 {
		r.ttl = DefaultPendingTTL
	}
	if r.max <= 0 {
		r.max = DefaultMaxPending
	}
	var err error
	if r.policy, err = origins.ParseList(opt.Policy); err != nil {
		return nil, fmt.Errorf("policy allowedOrigins: %w", err)
	}
	if r.defaults, err = origins.ParseList(opt.Defaults); err != nil {
		return nil, fmt.Errorf("default origins: %w", err)
	}
	for _, d := range opt.Denied {
		o, err := origins.ParseOrigin(d)
		if err != nil {
			return nil, fmt.Errorf("deniedOrigins: %w", err)
		}
		r.denied[o.String()] = true
	}
	if err := r.rebuildLocked(); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *Registry) rebuildLocked() error {
	user, err := origins.ParseList(r.user)
	if err != nil {
		return fmt.Errorf("allowedOrigins: %w", err)
	}
	r.allow = slices.Clone(r.policy)
	if !r.locked {
		r.allow = append(r.allow, user...)
	}
	if len(r.policy) == 0 && len(r.user) == 0 && !r.locked {
		r.allow = r.defaults
	}
	return nil
}

// OnChange registers fn to run after the lists or the pending set change.
func (r *Registry) OnChange(fn func()) {
	r.mu.Lock()
	r.onChange = append(r.onChange, fn)
	r.mu.Unlock()
}

func (r *Registry) changed() {
	r.mu.Lock()
	fns := slices.Clone(r.onChange)
	r.mu.Unlock()
	for _, fn := range fns {
		fn()
	}
}

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

// Allowed reports whether an origin is allowed now, without recording it.
func (r *Registry) Allowed(origin string) bool {
	o, err := origins.ParseOrigin(origin)
	if err != nil {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return !r.denied[o.String()] && r.allow.Match(o)
}

// Locked reports whether user approvals are disabled by policy.
func (r *Registry) Locked() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.locked
}

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

// List returns every site: policy (locked), allowed, pending, denied.
func (r *Registry) List() []Site {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.expireLocked(r.now())
	var out []Site
	for _, p := range r.policy {
		out = append(out, Site{Origin: p.String(), State: "allowed", Locked: true})
	}
	if len(r.policy) == 0 && len(r.user) == 0 && !r.locked {
		for _, p := range r.defaults {
			out = append(out, Site{Origin: p.String(), State: "allowed", Builtin: true})
		}
	}
	if !r.locked {
		for _, u := range r.user {
			out = append(out, Site{Origin: u, State: "allowed", Builtin: r.isDefault(u)})
		}
	}
	var pend []Site
	for _, p := range r.pending {
		pend = append(pend, *p)
	}
	sort.Slice(pend, func(i, j int) bool { return pend[i].FirstSeen.Before(pend[j].FirstSeen) })
	out = append(out, pend...)
	var den []string
	for d := range r.denied {
		den = append(den, d)
	}
	sort.Strings(den)
	for _, d := range den {
		out = append(out, Site{Origin: d, State: "denied"})
	}
	return out
}

// PendingCount is how many sites wait for approval.
func (r *Registry) PendingCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.expireLocked(r.now())
	return len(r.pending)
}

// Builtin returns the default patterns (allowed out of the box until the
// user or IT configures sites; see docs/protocol.md).
func (r *Registry) Builtin() []string {
	out := make([]string, 0, len(r.defaults))
	for _, d := range r.defaults {
		out = append(out, d.String())
	}
	return out
}

// isDefault reports whether pattern is one of the default patterns, as written.
func (r *Registry) isDefault(pattern string) bool {
	for _, d := range r.defaults {
		if d.String() == pattern {
			return true
		}
	}
	return false
}
