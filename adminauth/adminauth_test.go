package adminauth

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// clock is a settable time for tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newTest(t *testing.T, opt Options) (*Auth, *clock) {
	t.Helper()
	c := &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	opt.Now = c.now
	return New(opt), c
}

func login(a *Auth, code string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	a.ServeLogin(w, httptest.NewRequest(http.MethodGet, "http://127.0.0.1:19810/login?code="+code, nil))
	return w
}

func withCookie(name, value string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:19810/ws", nil)
	r.AddCookie(&http.Cookie{Name: name, Value: value})
	return r
}

func TestCodeIsSingleUse(t *testing.T) {
	a, _ := newTest(t, Options{})
	code := a.NewCode()
	if len(code) < 43 {
		t.Fatalf("code %q is shorter than 256 bits in base64url", code)
	}
	first := a.Redeem(code)
	if first == nil {
		t.Fatal("a fresh code did not open a session")
	}
	if again := a.Redeem(code); again != nil {
		t.Fatal("a code worked twice")
	}
	if !a.Valid(withCookie(a.CookieName(), first.Value)) {
		t.Fatal("the session opened by the code is not valid")
	}
}

func TestCodeExpires(t *testing.T) {
	cases := []struct {
		after time.Duration
		works bool
	}{
		{0, true},
		{CodeTTL - time.Millisecond, true},
		{CodeTTL, false},
		{time.Hour, false},
	}
	for _, tc := range cases {
		t.Run(tc.after.String(), func(t *testing.T) {
			a, clk := newTest(t, Options{})
			code := a.NewCode()
			clk.add(tc.after)
			if got := a.Redeem(code) != nil; got != tc.works {
				t.Fatalf("code redeemed %v after minting: works = %v, want %v", tc.after, got, tc.works)
			}
		})
	}
}

func TestCookieAttributes(t *testing.T) {
	a, _ := newTest(t, Options{CookieName: "labelbridge_panel_19810"})
	w := login(a, a.NewCode())
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/" {
		t.Fatalf("login = %d Location %q, want 303 to /", w.Code, w.Header().Get("Location"))
	}
	raw := w.Header().Get("Set-Cookie")
	cookies := w.Result().Cookies()
	if len(cookies) != 1 {
		t.Fatalf("Set-Cookie %q", raw)
	}
	c := cookies[0]
	if c.Name != "labelbridge_panel_19810" || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" {
		t.Errorf("cookie %q: want HttpOnly, SameSite=Strict, Path=/", raw)
	}
	if c.MaxAge != 0 || !c.Expires.IsZero() || strings.Contains(strings.ToLower(raw), "max-age") || strings.Contains(strings.ToLower(raw), "expires") {
		t.Errorf("cookie %q outlives the browser session", raw)
	}
	if len(c.Value) < 43 {
		t.Errorf("session id %q is shorter than 256 bits", c.Value)
	}
	for k, want := range map[string]string{"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"} {
		if got := w.Header().Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
}

func TestLoginRefusals(t *testing.T) {
	a, clk := newTest(t, Options{})
	used := a.NewCode()
	login(a, used)
	expired := a.NewCode()
	clk.add(CodeTTL)
	for name, code := range map[string]string{"empty": "", "unknown": "nope", "used": used, "expired": expired} {
		t.Run(name, func(t *testing.T) {
			w := login(a, code)
			if w.Code != http.StatusForbidden || len(w.Result().Cookies()) != 0 {
				t.Fatalf("login with a %s code = %d, cookies %v", name, w.Code, w.Result().Cookies())
			}
			body := w.Body.String()
			if !strings.Contains(body, "labelbridge panel") || !strings.Contains(body, "tray") {
				t.Errorf("the refusal page does not say how to open the panel: %s", body)
			}
		})
	}
	w := httptest.NewRecorder()
	a.ServeLogin(w, httptest.NewRequest(http.MethodPost, "/login?code="+a.NewCode(), nil))
	if w.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST /login = %d, want 405", w.Code)
	}
}

func TestValidNeedsALiveSession(t *testing.T) {
	a, _ := newTest(t, Options{CookieName: "lb"})
	c := a.Redeem(a.NewCode())
	other := New(Options{CookieName: "lb"}) // another agent process
	cases := []struct {
		name string
		r    *http.Request
		auth *Auth
		want bool
	}{
		{"its session", withCookie("lb", c.Value), a, true},
		{"no cookie", httptest.NewRequest(http.MethodGet, "/ws", nil), a, false},
		{"wrong value", withCookie("lb", c.Value+"x"), a, false},
		{"other name", withCookie("lb2", c.Value), a, false},
		{"a code is not a session", withCookie("lb", a.NewCode()), a, false},
		{"after a restart", withCookie("lb", c.Value), other, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.auth.Valid(tc.r); got != tc.want {
				t.Fatalf("Valid = %v, want %v", got, tc.want)
			}
		})
	}
}

// Minting many codes or sessions keeps memory bounded: the oldest go first.
func TestBounded(t *testing.T) {
	a, _ := newTest(t, Options{MaxCodes: 3, MaxSessions: 2})
	first := a.NewCode()
	for range 3 {
		a.NewCode()
	}
	if a.Redeem(first) != nil {
		t.Fatal("the oldest code survived past MaxCodes")
	}
	s1 := a.Redeem(a.NewCode())
	s2 := a.Redeem(a.NewCode())
	s3 := a.Redeem(a.NewCode())
	if a.Valid(withCookie(a.CookieName(), s1.Value)) || !a.Valid(withCookie(a.CookieName(), s2.Value)) || !a.Valid(withCookie(a.CookieName(), s3.Value)) {
		t.Fatal("sessions past MaxSessions: want the oldest dropped, the newest kept")
	}
	if len(a.codes) != len(a.codeSeq) || len(a.codes) > 3 || len(a.sessions) != 2 || len(a.sessSeq) != 2 {
		t.Fatalf("left behind: %d codes, %d in order, %d sessions", len(a.codes), len(a.codeSeq), len(a.sessions))
	}
}
