package adminauth

import (
	"bytes"
	"encoding/json"
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
	body, _ := json.Marshal(map[string]string{"code": code})
	a.ServeLogin(w, httptest.NewRequest(http.MethodPost, "http://127.0.0.1:19810/login", bytes.NewReader(body)))
	return w
}

func TestCodeIsSingleUse(t *testing.T) {
	a, _ := newTest(t, Options{})
	code := a.NewCode()
	if len(code) < 43 {
		t.Fatalf("code %q is shorter than 256 bits in base64url", code)
	}
	first := a.Redeem(code)
	if first == "" {
		t.Fatal("a fresh code did not open a session")
	}
	if again := a.Redeem(code); again != "" {
		t.Fatal("a code worked twice")
	}
	if !a.Valid(first) {
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
			if got := a.Redeem(code) != ""; got != tc.works {
				t.Fatalf("code redeemed %v after minting: works = %v, want %v", tc.after, got, tc.works)
			}
		})
	}
}

// A working code answers the session secret in JSON, never in a cookie
// (cookies ignore ports: it would reach every server on localhost), and
// the answer is neither cached nor referred.
func TestLoginAnswersSecretNotCookie(t *testing.T) {
	a, _ := newTest(t, Options{})
	w := login(a, a.NewCode())
	if w.Code != http.StatusOK {
		t.Fatalf("login = %d %s, want 200", w.Code, w.Body)
	}
	if raw := w.Header().Values("Set-Cookie"); len(raw) != 0 {
		t.Fatalf("login set a cookie: %q", raw)
	}
	var got struct{ Session string }
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Session) < 43 {
		t.Errorf("session secret %q is shorter than 256 bits", got.Session)
	}
	if !a.Valid(got.Session) {
		t.Error("the answered secret is not a live session")
	}
	for k, want := range map[string]string{"Cache-Control": "no-store", "Content-Type": "application/json"} {
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
			if !strings.Contains(body, "labelbridge panel") || !strings.Contains(body, "tray") || !strings.Contains(body, "login_failed") {
				t.Errorf("the refusal does not say how to open the panel: %s", body)
			}
		})
	}
	w := httptest.NewRecorder()
	a.ServeLogin(w, httptest.NewRequest(http.MethodGet, "/login?code="+a.NewCode(), nil))
	if w.Code != http.StatusMethodNotAllowed || len(w.Result().Cookies()) != 0 {
		t.Errorf("GET /login?code= = %d, want 405 (the code goes in a POST body)", w.Code)
	}
	for _, body := range []string{"", "{", `{"code": 5}`, `["x"]`} {
		w := httptest.NewRecorder()
		a.ServeLogin(w, httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(body)))
		if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "invalid_request") {
			t.Errorf("POST /login %q = %d %s, want 400 invalid_request", body, w.Code, w.Body)
		}
	}
}

func TestValidNeedsALiveSession(t *testing.T) {
	a, _ := newTest(t, Options{})
	s := a.Redeem(a.NewCode())
	other := New(Options{}) // another agent process
	cases := []struct {
		name   string
		secret string
		auth   *Auth
		want   bool
	}{
		{"its session", s, a, true},
		{"no secret", "", a, false},
		{"wrong value", s + "x", a, false},
		{"a code is not a session", a.NewCode(), a, false},
		{"after a restart", s, other, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.auth.Valid(tc.secret); got != tc.want {
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
	if a.Redeem(first) != "" {
		t.Fatal("the oldest code survived past MaxCodes")
	}
	s1 := a.Redeem(a.NewCode())
	s2 := a.Redeem(a.NewCode())
	s3 := a.Redeem(a.NewCode())
	if a.Valid(s1) || !a.Valid(s2) || !a.Valid(s3) {
		t.Fatal("sessions past MaxSessions: want the oldest dropped, the newest kept")
	}
	if len(a.codes) != len(a.codeSeq) || len(a.codes) > 3 || len(a.sessions) != 2 || len(a.sessSeq) != 2 {
		t.Fatalf("left behind: %d codes, %d in order, %d sessions", len(a.codes), len(a.codeSeq), len(a.sessions))
	}
}
