package wsserver_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/labelbridge/labelbridge/client"
	"github.com/labelbridge/labelbridge/edge"
	"github.com/labelbridge/labelbridge/edge/adminauth"
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
// with one live session; it returns its secret.
func panelEnv(t *testing.T) (*env, string, *adminauth.Auth) {
	t.Helper()
	auth := adminauth.New(adminauth.Options{})
	e := newEnv(t, func(o *wsserver.Options, _ *printing.Options) { o.Sessions = auth })
	return e, auth.Redeem(auth.NewCode()), auth
}

// Admin over /ws needs the session secret (offered as a subprotocol beside
// the admin one) AND the agent's own Origin. A page on another localhost
// port (allowed to print by default) that somehow holds the secret is still
// just a page, and the secret in a cookie or a query is nothing.
func TestPanelSessionAdmin(t *testing.T) {
	e, secret, _ := panelEnv(t)
	own := fmt.Sprintf("http://127.0.0.1:%d", e.port)
	session := []string{edge.AdminProtocol, edge.SessionProtocol + secret}
	cases := []struct {
		name, query, origin, cookie string
		protocols                   []string
		admin                       bool
		refused                     string // handshake refusal reason
	}{
		{"own origin, session", "", own, "", session, true, ""},
		{"own origin spelled localhost", "", fmt.Sprintf("http://localhost:%d", e.port), "", session, true, ""},
		{"own origin, no session (the demo)", "", own, "", nil, false, ""},
		{"own origin, admin protocol without a session (forged Origin)", "", own, "", []string{edge.AdminProtocol}, false, ""},
		{"own origin, session without the admin protocol", "?admin=1", own, "", []string{edge.SessionProtocol + secret}, false, ""},
		{"own origin, stale session", "", own, "", []string{edge.AdminProtocol, edge.SessionProtocol + "not-a-session"}, false, ""},
		{"own origin, the secret as a cookie", "?admin=1", own, "labelbridge_panel=" + secret, []string{edge.AdminProtocol}, false, ""},
		{"another localhost port with the session", "", "http://localhost:8080", "", session, false, ""},
		{"same host, another port with the session", "", "http://127.0.0.1:8080", "", session, false, ""},
		{"https on our port", "", fmt.Sprintf("https://127.0.0.1:%d", e.port), "", session, false, "origin_not_allowed"},
		{"foreign site with the session", "", "https://evil.example", "", session, false, "origin_not_allowed"},
		{"no Origin with the session", "", "", "", session, false, "origin_missing"},
		{"old panel token query", "?panel=" + secret, own, "", nil, false, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cx := ctx(t)
			hdr := http.Header{}
			if tc.cookie != "" {
				hdr.Set("Cookie", tc.cookie)
			}
			c, err := client.Dial(cx, e.url+tc.query, client.Options{Origin: tc.origin, Header: hdr, Subprotocols: tc.protocols})
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
