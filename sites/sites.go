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
	"slices"
	"sort"
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
