package wsserver_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/labelbridge/labelbridge/adminauth"
	"github.com/labelbridge/labelbridge/client"
	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/wsserver"
)

// Settings that apply to every site (the default printer) are the user's
// to change, in the tray or panel: a page may name a printer per job, but
// it cannot make its choice everyone's default.
func TestSetDefaultIsAdminOnly(t *testing.T) {
	e := newEnv(t, nil)
	cx := ctx(t)
	for _, origin := range []string{pageOrigin, "http://127.0.0.1:8080"} {
		page := e.dial(client.Options{Origin: origin})
		err := page.Call(cx, "printers.setDefault", map[string]string{"printer": "blocked"}, nil)
		if reasonOf(err) != "not_allowed" || !strings.Contains(err.Error(), "tray or panel") {
			t.Errorf("page %s setting the default printer: %v, want not_allowed naming the tray or panel", origin, err)
		}
		if got := e.sp.DefaultPrinter(); got != "virtual" {
			t.Fatalf("the page changed the default printer to %q", got)
		}
		// Naming a printer per job still works.
		j, err := page.Print(cx, client.PrintParams{Printer: "virtual", Raw: &client.Raw{Data: str("^XA^XZ")}})
		if err != nil || j.Printer != "virtual" {
			t.Fatalf("page printing on a named printer: %+v, %v", j, err)
		}
	}
	var got struct{ Printer printing.Printer }
	cli := e.dial(client.Options{Token: token})
	if err := cli.Call(cx, "printers.setDefault", map[string]string{"printer": "blocked"}, &got); err != nil || !got.Printer.IsDefault {
		t.Fatalf("admin printers.setDefault = %+v, %v", got, err)
	}
	if got := e.sp.DefaultPrinter(); got != "blocked" {
		t.Fatalf("default printer after the admin's change = %q", got)
	}
}

// panelEnv is a server whose panel sessions come from a real adminauth,
// with one live session.
func panelEnv(t *testing.T) (*env, string, *adminauth.Auth) {
	t.Helper()
	auth := adminauth.New(adminauth.Options{CookieName: "lb_panel"})
	e := newEnv(t, func(o *wsserver.Options, _ *printing.Options) { o.Sessions = auth })
	c := auth.Redeem(auth.NewCode())
	return e, c.Name + "=" + c.Value, auth
}

// Admin over /ws needs the session cookie, the agent's own Origin and the
// admin opt-in, all three. A cookie reaches every port of the host, so a
// page on another localhost port (allowed to print by default) that carries
// it is still just a page.
func TestPanelSessionAdmin(t *testing.T) {
	e, cookie, _ := panelEnv(t)
	own := fmt.Sprintf("http://127.0.0.1:%d", e.port)
	cases := []struct {
		name, query, origin, cookie string
		admin                       bool
		refused                     string // handshake refusal reason
	}{
		{"own origin, session, opt-in", "?admin=1", own, cookie, true, ""},
		{"own origin spelled localhost", "?admin=1", fmt.Sprintf("http://localhost:%d", e.port), cookie, true, ""},
		{"own origin, session, no opt-in (the demo)", "", own, cookie, false, ""},
		{"own origin, no session (forged Origin)", "?admin=1", own, "", false, ""},
		{"own origin, stale session", "?admin=1", own, "lb_panel=not-a-session", false, ""},
		{"another localhost port with the cookie", "?admin=1", "http://localhost:8080", cookie, false, ""},
		{"same host, another port with the cookie", "?admin=1", "http://127.0.0.1:8080", cookie, false, ""},
		{"https on our port", "?admin=1", fmt.Sprintf("https://127.0.0.1:%d", e.port), cookie, false, "origin_not_allowed"},
		{"foreign site with the cookie", "?admin=1", "https://evil.example", cookie, false, "origin_not_allowed"},
		{"no Origin with the cookie", "?admin=1", "", cookie, false, "origin_missing"},
		{"old panel token query", "?panel=" + strings.TrimPrefix(cookie, "lb_panel="), own, "", false, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cx := ctx(t)
			hdr := http.Header{}
			if tc.cookie != "" {
				hdr.Set("Cookie", tc.cookie)
			}
			c, err := client.Dial(cx, e.url+tc.query, client.Options{Origin: tc.origin, Header: hdr})
			if tc.refused != "" {
				var refused *client.RefusedError
				if !errors.As(err, &refused) || refused.Reason != tc.refused {
					t.Fatalf("dial: %v, want refused with %s", err, tc.refused)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			h, err := c.Hello(cx)
			if err != nil || h.Admin != tc.admin {
				t.Fatalf("hello = %+v, %v; want admin %v", h, err, tc.admin)
			}
			err = c.Call(cx, "printers.setDefault", map[string]string{"printer": "blocked"}, nil)
			if tc.admin && err != nil {
				t.Fatalf("admin setDefault: %v", err)
			}
			if !tc.admin && reasonOf(err) != "not_allowed" {
				t.Fatalf("non-admin setDefault: %v, want not_allowed", err)
			}
		})
	}
}
