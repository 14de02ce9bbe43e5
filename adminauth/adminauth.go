// Package adminauth is the local panel's login. Only the desktop user can
// mint a login code: the tray (in the agent's process) or the CLI, which
// proves itself with the 0600 token file's secret. A code is random (256
// bits), works once and only for CodeTTL, and lives only in the agent's
// memory. GET /login?code=… trades it for a session cookie (random,
// HttpOnly, SameSite=Strict, Path=/, no Max-Age: it ends with the browser
// session, and the session itself ends with the agent process).
//
// A cookie is sent to every port of the same host, so a session cookie alone
// proves nothing: the WebSocket server grants admin only to a valid session
// that also comes with the agent's own Origin (see wsserver). Nothing secret
// is ever written into a page that a GET returns.
package adminauth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"sync"
	"time"
)

// CodeTTL is how long a login code works.
const CodeTTL = 60 * time.Second

// Options configure an Auth.
type Options struct {
	// CookieName names the session cookie. Cookies ignore ports, so agents
	// on other ports of the same host need other names (the app puts the
	// port in it). Default "labelbridge_panel".
	CookieName  string
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
	if opt.CookieName == "" {
		opt.CookieName = "labelbridge_panel"
	}
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

// CookieName is the session cookie's name.
func (a *Auth) CookieName() string { return a.opt.CookieName }

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
// session and returns its cookie. It returns nil for an unknown, used or
// expired code.
func (a *Auth) Redeem(code string) *http.Cookie {
	if code == "" {
		return nil
	}
	k := hash(code)
	a.mu.Lock()
	defer a.mu.Unlock()
	exp, ok := a.codes[k]
	if !ok {
		return nil
	}
	delete(a.codes, k) // single use, valid or not
	a.dropExpiredLocked()
	if !a.opt.Now().Before(exp) {
		return nil
	}
	id := random()
	for len(a.sessSeq) >= a.opt.MaxSessions {
		delete(a.sessions, a.sessSeq[0])
		a.sessSeq = a.sessSeq[1:]
	}
	sk := hash(id)
	a.sessions[sk] = struct{}{}
	a.sessSeq = append(a.sessSeq, sk)
	return &http.Cookie{
		Name: a.opt.CookieName, Value: id, Path: "/",
		HttpOnly: true, SameSite: http.SameSiteStrictMode,
		// No Expires or Max-Age: a browser-session cookie. The session
		// lives in this process only and ends with it.
	}
}

// Valid reports whether r carries the cookie of a live session. It says
// nothing about who sent r: the caller must also check the Origin.
func (a *Auth) Valid(r *http.Request) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, c := range r.Cookies() {
		if c.Name != a.opt.CookieName || c.Value == "" {
			continue
		}
		if _, ok := a.sessions[hash(c.Value)]; ok {
			return true
		}
	}
	return false
}

// loginFailed is the page for a code that does not work (nothing secret).
const loginFailed = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Labelbridge panel link expired</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40em; margin: 3em auto; line-height: 1.5">
<h1>This panel link has expired</h1>
<p>A link that opens the Labelbridge panel works once, within one minute.</p>
<p>Open the panel again: click <b>Open printers panel</b> in the Labelbridge tray menu, or run
<code>labelbridge panel</code> on this computer.</p>
</body></html>
`

// ServeLogin handles GET /login?code=…: a working code sets the session
// cookie and redirects (303) to "/", the panel; anything else gets a page
// that says how to open the panel. The browser keeps the URL's #fragment
// across the redirect, so /login?code=…#queue lands on /#queue.
func (a *Auth) ServeLogin(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer") // the code must not leak in a Referer
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
	if r.Method != http.MethodGet {
		h.Set("Allow", "GET")
		http.Error(w, "use GET", http.StatusMethodNotAllowed)
		return
	}
	if c := a.Redeem(r.URL.Query().Get("code")); c != nil {
		http.SetCookie(w, c)
		h.Set("Location", "/")
		w.WriteHeader(http.StatusSeeOther)
		return
	}
	h.Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusForbidden)
	_, _ = w.Write([]byte(loginFailed))
}
