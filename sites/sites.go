// Package sites decides which web origins may use the agent: the admin
// policy's sites, the configured and user-approved ones, and the defaults;
// it remembers refused origins as pending approval until the user allows or
// denies them.
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
}

// Options build a Registry.
type Options struct {
	Policy   []string // admin policy patterns (shown locked)
	User     []string // the user's configured/approved patterns
	Denied   []string // origins the user refused
	Defaults []string // used when Policy and User are both empty
	Locked   bool     // only the policy's patterns count; no approvals
	Persist  Persist
}

// New builds a Registry; bad patterns are reported with their text.
func New(opt Options) (*Registry, error) {
	r := &Registry{user: slices.Clone(opt.User), locked: opt.Locked, denied: map[string]bool{}, pending: map[string]*Site{}, persist: opt.Persist}
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

// Check decides on an Origin header value and returns its canonical form.
// An unknown origin is recorded as pending.
func (r *Registry) Check(header string, now time.Time) (string, Decision) {
	o, err := origins.ParseOrigin(header)
	if err != nil {
		return header, Invalid
	}
	canon := o.String()
	r.mu.Lock()
	if r.denied[canon] {
		r.mu.Unlock()
		return canon, Denied
	}
	if r.allow.Match(o) {
		r.mu.Unlock()
		return canon, Allowed
	}
	p, seen := r.pending[canon]
	if !seen {
		if len(r.pending) >= 100 { // bound memory against a page that cycles origins
			r.mu.Unlock()
			return canon, Pending
		}
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
	o, err := origins.ParseOrigin(header)
	if err != nil {
		return header, Invalid
	}
	canon := o.String()
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

// Approve allows an origin (exactly that scheme, host and port) and saves it.
func (r *Registry) Approve(origin string) error {
	o, err := origins.ParseOrigin(origin)
	if err != nil {
		return err
	}
	canon := o.String()
	r.mu.Lock()
	if r.locked {
		r.mu.Unlock()
		return fmt.Errorf("the admin policy locks the allowed sites")
	}
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
	err = r.saveLocked()
	r.mu.Unlock()
	r.changed()
	return err
}

// Deny refuses an origin from now on and saves it.
func (r *Registry) Deny(origin string) error {
	o, err := origins.ParseOrigin(origin)
	if err != nil {
		return err
	}
	canon := o.String()
	r.mu.Lock()
	delete(r.pending, canon)
	r.denied[canon] = true
	r.user = slices.DeleteFunc(r.user, func(s string) bool { return s == canon })
	err = r.saveLocked()
	r.mu.Unlock()
	r.changed()
	return err
}

// Revoke removes a user-approved pattern (policy entries cannot be revoked)
// or forgets a denial.
func (r *Registry) Revoke(pattern string) error {
	r.mu.Lock()
	found := false
	if r.denied[pattern] {
		delete(r.denied, pattern)
		found = true
	}
	if i := slices.Index(r.user, pattern); i >= 0 {
		r.user = slices.Delete(r.user, i, i+1)
		found = true
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
	err := r.saveLocked()
	r.mu.Unlock()
	r.changed()
	return err
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
	var out []Site
	for _, p := range r.policy {
		out = append(out, Site{Origin: p.String(), State: "allowed", Locked: true})
	}
	if len(r.policy) == 0 && len(r.user) == 0 && !r.locked {
		for _, p := range r.defaults {
			out = append(out, Site{Origin: p.String(), State: "allowed"})
		}
	}
	if !r.locked {
		for _, u := range r.user {
			out = append(out, Site{Origin: u, State: "allowed"})
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
	return len(r.pending)
}
