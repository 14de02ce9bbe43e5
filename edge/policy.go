package edge

import (
	"bytes"
	"cmp"
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/labelbridge/labelbridge/sites"
)

// Access says who may use a route.
type Access int

const (
	// Anyone may (the route shows nothing private: files, /healthz).
	Anyone Access = iota
	// Sites: a page whose Origin is on the allow-list (an unknown one is
	// recorded as pending approval), the agent's own pages, an admin
	// session, or a program with the local token and no Origin.
	Sites
	// OwnOrigin: only the agent's own pages (e.g. the panel's login POST).
	OwnOrigin
	// Admin: the local token with no Origin, or an admin session with the
	// agent's own Origin.
	Admin
	// SitesInBand is Sites for protocols that must refuse in their own
	// frames (QZ Tray's certificate step: a refused handshake only tells
	// the page "unable to connect"). The check is the same and an unknown
	// origin is recorded as pending, but a refused caller is admitted with
	// Peer.Refusal saying why; the handler must then refuse every call.
	SitesInBand
)

// CORS says which origins may read a route's answers from a script.
type CORS int

const (
	// NoCORS sends no CORS headers (same-origin only).
	NoCORS CORS = iota
	// AnyOrigin answers every Origin (/healthz: a page must be able to
	// tell "agent not running" from "site not approved").
	AnyOrigin
	// AllowedOrigins answers origins that are allowed now (checked without
	// recording a pending site); on an Access Sites route, a refusal is
	// also readable by the refused page (it carries no data), so the page
	// can say why.
	AllowedOrigins
)

// Headers are the security headers of a route's answers.
type Headers int

const (
	// APIHeaders: nosniff only (JSON answers, the WebSocket).
	APIHeaders Headers = iota
	// OwnPage: a page in the agent's own origin (the panel, the demo),
	// which the agent trusts more than any other origin: only its own
	// scripts and styles run, it connects only back to this listener, no
	// one frames it, no referrer leaves it.
	OwnPage
	// Resource: a file other sites load (the SDK): CORP cross-origin, and
	// opened as a document it runs nothing.
	Resource
)

// Policy is what a route requires and what its answers carry.
type Policy struct {
	Access  Access
	CORS    CORS
	Methods string // CORS Access-Control-Allow-Methods (default "GET, HEAD, OPTIONS")
	Headers Headers
	// Stream marks a long-lived route (a WebSocket): its body is not read
	// or timed by the edge.
	Stream bool
}

// The policies of today's routes; a new listener picks from these.
var (
	// Health: /healthz, for any origin.
	Health = Policy{CORS: AnyOrigin, Methods: "GET, OPTIONS"}
	// Socket: the JSON-RPC WebSocket.
	Socket = Policy{Access: Sites, Stream: true}
	// SiteAPI: an HTTP API for allowed sites (Browser Print).
	SiteAPI = Policy{Access: Sites, CORS: AllowedOrigins, Methods: "GET, POST, OPTIONS"}
	// File: files other sites load (the SDK).
	File = Policy{CORS: AllowedOrigins, Headers: Resource}
	// Page: pages and files of the agent's own origin (the panel, the demo).
	Page = Policy{Headers: OwnPage}
	// Login: the panel's login POST, from its own page only.
	Login = Policy{Access: OwnOrigin, Headers: OwnPage}
	// AdminAPI: an HTTP route for admins only.
	AdminAPI = Policy{Access: Admin}
)

// AdminProtocol is the WebSocket subprotocol the panel asks for; with it
// it offers SessionProtocol + its session secret. The secret travels in
// a header, never in a URL, and only from the agent's own origin.
const (
	AdminProtocol   = "labelbridge.admin"
	SessionProtocol = "labelbridge.session."
)

// Peer is who is calling on a route.
type Peer struct {
	Origin string // canonical Origin, "cli" for the token holder, "" when unchecked
	Admin  bool   // the desktop user: may manage every site's jobs and the settings
	// Refusal, on a SitesInBand route, is why the caller is refused (its
	// reason and message; "" when admitted).
	Refusal, RefusalMessage string
}

type peerKey struct{}

// PeerOf is the caller the route's policy admitted.
func PeerOf(r *http.Request) Peer {
	p, _ := r.Context().Value(peerKey{}).(Peer)
	return p
}

// refusal is a refused request: HTTP status, reason, message.
type refusal struct {
	status      int
	reason, msg string
	readable    string // the Origin that may read the refusal (CORS), if any
}

// guard wraps h in policy p.
func (e *Edge) guard(p Policy, h http.Handler) http.Handler {
	methods := p.Methods
	if methods == "" {
		methods = "GET, HEAD, OPTIONS"
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hdr := w.Header()
		origin := r.Header.Get("Origin")
		if p.CORS != NoCORS {
			hdr.Set("Vary", "Origin")
			if origin != "" && (p.CORS == AnyOrigin || e.allowedNow(origin)) {
				setCORS(hdr, origin, methods)
			}
		}
		peer, ref := e.authorize(r, p.Access)
		if ref != nil && p.Access == SitesInBand {
			e.refusals.Log(e.log, slog.LevelWarn, "origin "+origin, e.opt.Name+"refused "+what(p)+" (answered in its protocol)",
				"origin", origin, "reason", ref.reason, "path", r.URL.Path, "remote", r.RemoteAddr)
			peer, ref = Peer{Origin: cmp.Or(ref.readable, origin), Refusal: ref.reason, RefusalMessage: ref.msg}, nil
		}
		if ref != nil {
			if p.CORS == AllowedOrigins && ref.readable != "" && hdr.Get("Access-Control-Allow-Origin") == "" {
				hdr.Set("Access-Control-Allow-Origin", ref.readable)
			}
			e.refusals.Log(e.log, slog.LevelWarn, "origin "+origin, e.opt.Name+"refused "+what(p),
				"origin", origin, "reason", ref.reason, "path", r.URL.Path, "remote", r.RemoteAddr)
			e.opt.Refuse(w, ref.status, ref.reason, ref.msg)
			return
		}
		switch p.Headers {
		case OwnPage:
			pageHeaders(hdr, r.Host)
		case Resource:
			hdr.Set("Cross-Origin-Resource-Policy", "cross-origin")
			hdr.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
		}
		if r.Method == http.MethodOptions && p.CORS != NoCORS {
			w.WriteHeader(http.StatusNoContent) // a CORS preflight
			return
		}
		if !p.Stream && !e.readBody(w, r) {
			return
		}
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), peerKey{}, peer)))
	})
}

func what(p Policy) string {
	if p.Stream {
		return "WebSocket"
	}
	return "request"
}

func setCORS(hdr http.Header, origin, methods string) {
	hdr.Set("Access-Control-Allow-Origin", origin)
	hdr.Set("Access-Control-Allow-Methods", methods)
	hdr.Set("Access-Control-Allow-Headers", "Content-Type")
	hdr.Set("Access-Control-Allow-Private-Network", "true")
	hdr.Set("Access-Control-Max-Age", "600")
}

// pageHeaders keep a page of the agent's own origin out of frames (the
// panel's Allow buttons must not be clickjacked) and its code to its own
// files. host was checked: a loopback name with this listener's port.
func pageHeaders(hdr http.Header, host string) {
	hdr.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"connect-src 'self' ws://"+host+"; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
	hdr.Set("X-Frame-Options", "DENY")
	hdr.Set("Referrer-Policy", "no-referrer")
	hdr.Set("Cross-Origin-Opener-Policy", "same-origin")
	hdr.Set("Cross-Origin-Resource-Policy", "same-origin")
}

// allowedNow reports whether origin is allowed, without recording it.
func (e *Edge) allowedNow(origin string) bool {
	_, status := e.OriginStatus(origin)
	return status == "allowed"
}

// authorize applies an access rule.
func (e *Edge) authorize(r *http.Request, a Access) (Peer, *refusal) {
	if a == Anyone {
		return Peer{}, nil
	}
	header, hasOrigin := r.Header["Origin"]
	if !hasOrigin {
		if a != OwnOrigin && e.tokenOK(r) {
			return Peer{Origin: "cli", Admin: true}, nil
		}
		return Peer{}, &refusal{status: http.StatusForbidden, reason: "origin_missing",
			msg: "no Origin header: browsers always send one; other programs must present the local token (Authorization: Bearer …)"}
	}
	origin := ""
	if len(header) > 0 {
		origin = header[0]
	}
	own := e.IsOwnOrigin(origin)
	if own && a != OwnOrigin && e.sessionOK(r) {
		return Peer{Origin: strings.ToLower(origin), Admin: true}, nil
	}
	switch {
	case own && a != Admin:
		// Pages the agent serves itself (the demo, the panel): it serves
		// only its own embedded files there, so its origin is allowed.
		return Peer{Origin: strings.ToLower(origin)}, nil
	case a == Admin:
		return Peer{}, &refusal{status: http.StatusForbidden, reason: "not_allowed",
			msg: "admin only: open the panel from the Labelbridge tray or with 'labelbridge panel'"}
	case a == OwnOrigin:
		return Peer{}, &refusal{status: http.StatusForbidden, reason: "origin_not_allowed",
			msg: fmt.Sprintf("origin %q is not this agent's own: only its own pages may do this", origin)}
	}
	if e.opt.Gate == nil {
		return Peer{}, &refusal{status: http.StatusForbidden, reason: "origin_not_allowed", msg: "no site may use this listener"}
	}
	canon, d := e.opt.Gate.Check(origin, time.Now())
	switch d {
	case sites.Allowed:
		return Peer{Origin: canon}, nil
	case sites.Denied:
		return Peer{}, &refusal{status: http.StatusForbidden, reason: "origin_denied", readable: canon,
			msg: fmt.Sprintf("origin %s was denied on this PC (open the Labelbridge panel to allow it)", canon)}
	case sites.Pending:
		return Peer{}, &refusal{status: http.StatusForbidden, reason: "origin_not_allowed", readable: canon,
			msg: fmt.Sprintf("origin %s is not allowed yet: it is waiting for approval; approve it in the Labelbridge tray or panel", canon)}
	default:
		return Peer{}, &refusal{status: http.StatusForbidden, reason: "origin_invalid",
			msg: fmt.Sprintf("origin %q cannot be allowed (opaque or malformed)", origin)}
	}
}

func (e *Edge) tokenOK(r *http.Request) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return e.opt.Token != "" && ok && subtle.ConstantTimeCompare([]byte(tok), []byte(e.opt.Token)) == 1
}

// sessionOK reports whether r offers AdminProtocol and a live session
// (SessionProtocol + secret) among its WebSocket subprotocols.
func (e *Edge) sessionOK(r *http.Request) bool {
	if e.opt.Sessions == nil {
		return false
	}
	asked, secret := false, ""
	for _, line := range r.Header.Values("Sec-WebSocket-Protocol") {
		for v := range strings.SplitSeq(line, ",") {
			v = strings.TrimSpace(v)
			if v == AdminProtocol {
				asked = true
			} else if s, ok := strings.CutPrefix(v, SessionProtocol); ok {
				secret = s
			}
		}
	}
	return asked && secret != "" && e.opt.Sessions.Valid(secret)
}

// readBody reads a request's body (if any) within BodyTimeout and
// MaxBodyBytes, so a client that trickles a body is cut off with 408
// instead of holding a handler.
func (e *Edge) readBody(w http.ResponseWriter, r *http.Request) bool {
	if r.Body == nil || r.Body == http.NoBody {
		return true
	}
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Now().Add(e.opt.BodyTimeout)) // not every ResponseWriter can (tests' recorders)
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, e.opt.MaxBodyBytes))
	if err != nil {
		// The rest of the body is not read: the connection closes after
		// the answer (net/http would otherwise try to drain it first).
		w.Header().Set("Connection", "close")
		var tooBig *http.MaxBytesError
		var ne net.Error
		switch {
		case errors.As(err, &tooBig):
			e.opt.Refuse(w, http.StatusRequestEntityTooLarge, "payload_too_large", fmt.Sprintf("request body is over the limit of %d bytes", e.opt.MaxBodyBytes))
		case errors.As(err, &ne) && ne.Timeout():
			e.opt.Refuse(w, http.StatusRequestTimeout, "request_timeout", fmt.Sprintf("the request body did not arrive within %s", e.opt.BodyTimeout))
		default:
			e.opt.Refuse(w, http.StatusBadRequest, "invalid_request", fmt.Sprintf("read the request body: %v", err))
		}
		return false
	}
	_ = rc.SetReadDeadline(time.Time{})
	r.Body = io.NopCloser(bytes.NewReader(data))
	return true
}
