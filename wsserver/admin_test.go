package wsserver_test

import (
	"strings"
	"testing"

	"github.com/labelbridge/labelbridge/client"
	"github.com/labelbridge/labelbridge/printing"
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
