// Package adminauth is the local panel's login, part of the HTTP edge. Only
// the desktop user can mint a login code: the tray (in the agent's process)
// or the CLI, which proves itself with the 0600 token file's secret. A code
// is random (256 bits), works once and only for CodeTTL, and lives only in
// the agent's memory (as a hash).
//
// The browser opens /login#code=… (a fragment is never sent to any
// server); the login page's script POSTs the code (ServeLogin, own Origin
// only, see edge.Login) and gets a session secret in the JSON reply. The
// page keeps it in sessionStorage, which is scoped to scheme, host AND port,
// and offers it when it opens /ws (edge.SessionProtocol). There is no
// cookie: cookies ignore ports, so a session cookie would also be sent to
// every other server on localhost that the browser visits. Nothing secret is
// ever written into an answer to a GET.
package adminauth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"time"
)

// CodeTTL is how long a login code works.
const CodeTTL = 60 * time.Second

// Options configure an Auth.
type Options struct {
	Now         func() time.Time // default time.Now (tests inject a clock)
	MaxCodes    int              // unused codes kept, oldest dropped first (default 16)
	MaxSessions int              // live sessions, oldest dropped first (default 64)
}

// key is the SHA-256 of a code or session id: secrets are looked up by
// hash, so map timing says nothing about them.
type key [sha256.Size]byte

// Auth mints login codes and keeps the sessions they open. Safe for
// concurrent use.
type Auth struct {
	opt Options

	mu       sync.Mutex
	codes    map[key]time.Time // code → expiry
	codeSeq  []key             // codes, oldest first
	sessions map[key]struct{}
	sessSeq  []key // sessions, oldest first
}

// New returns an Auth with no codes and no sessions.
func New(opt Options) *Auth {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.MaxCodes <= 0 {
		opt.MaxCodes = 16
	}
	if opt.MaxSessions <= 0 {
		opt.MaxSessions = 64
	}
	return &Auth{opt: opt, codes: map[key]time.Time{}, sessions: map[key]struct{}{}}
}

// random returns 32 random bytes, base64url (43 characters).
func random() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand never fails on supported systems
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func hash(s string) key { return sha256.Sum256([]byte(s)) }

// NewCode mints a login code that works once, for CodeTTL. Only the
// desktop user's own channels (the tray, the CLI with the token) may call it.
func (a *Auth) NewCode() string {
	code := random()
	a.mu.Lock()
	defer a.mu.Unlock()
	a.dropExpiredLocked()
	for len(a.codeSeq) >= a.opt.MaxCodes {
		delete(a.codes, a.codeSeq[0])
		a.codeSeq = a.codeSeq[1:]
	}
	k := hash(code)
	a.codes[k] = a.opt.Now().Add(CodeTTL)
	a.codeSeq = append(a.codeSeq, k)
	return code
}

func (a *Auth) dropExpiredLocked() {
	now := a.opt.Now()
	kept := a.codeSeq[:0]
	for _, k := range a.codeSeq {
		if exp, ok := a.codes[k]; ok && now.Before(exp) {
			kept = append(kept, k)
		} else {
			delete(a.codes, k)
		}
	}
	a.codeSeq = kept
}

// Redeem uses up code and, when it was valid and unexpired, opens a
// session and returns its secret. It returns "" for an unknown, used or
// expired code.
func (a *Auth) Redeem(code string) string {
	if code == "" {
		return ""
	}
	k := hash(code)
	a.mu.Lock()
	defer a.mu.Unlock()
	exp, ok := a.codes[k]
	if !ok {
		return ""
	}
	delete(a.codes, k) // single use, valid or not
	a.dropExpiredLocked()
	if !a.opt.Now().Before(exp) {
		return ""
	}
	id := random()
	for len(a.sessSeq) >= a.opt.MaxSessions {
		delete(a.sessions, a.sessSeq[0])
		a.sessSeq = a.sessSeq[1:]
	}
	sk := hash(id)
	a.sessions[sk] = struct{}{}
	a.sessSeq = append(a.sessSeq, sk)
	return id
}

// Valid reports whether secret is a live session's. It says nothing about
// who presents it: the edge also requires the agent's own Origin.
func (a *Auth) Valid(secret string) bool {
	if secret == "" {
		return false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	_, ok := a.sessions[hash(secret)]
	return ok
}

// maxLoginBody bounds a login request ({"code": 43 characters}).
const maxLoginBody = 1 << 10

// ServeLogin handles POST /login {"code": "…"} from the login page (the
// edge admits only the agent's own Origin): a working code answers 200
// {"session": secret}; anything else 403 {"error", "reason":
// "login_failed"}. It never sets a cookie.
func (a *Auth) ServeLogin(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Type", "application/json")
	if r.Method != http.MethodPost {
		h.Set("Allow", "POST")
		reply(w, http.StatusMethodNotAllowed, map[string]string{"error": "use POST", "reason": "method_not_allowed"})
		return
	}
	var in struct {
		Code string `json:"code"`
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, maxLoginBody))
	if err == nil {
		err = json.Unmarshal(data, &in)
	}
	if err != nil {
		reply(w, http.StatusBadRequest, map[string]string{"error": `the body must be {"code": "…"}: ` + err.Error(), "reason": "invalid_request"})
		return
	}
	secret := a.Redeem(in.Code)
	if secret == "" {
		reply(w, http.StatusForbidden, map[string]string{"reason": "login_failed",
			"error": "this panel link has expired: a link works once, within one minute. Open the panel again from the Labelbridge tray menu, or run 'labelbridge panel'"})
		return
	}
	reply(w, http.StatusOK, map[string]string{"session": secret})
}

func reply(w http.ResponseWriter, status int, v any) {
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
