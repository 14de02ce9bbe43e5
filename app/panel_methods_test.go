package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/admin"
	"github.com/labelbridge/labelbridge/client"
	"github.com/labelbridge/labelbridge/config"
	"github.com/labelbridge/labelbridge/internal/logging"
	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/sites"
)

func TestPanelAdminMethods(t *testing.T) {
	printer := newSink(t)
	a, home := startTestAgent(t, config.Config{})
	c := adminClient(t, a.port, a.token)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	t.Run("printers.add attaches and persists a network printer", func(t *testing.T) {
		var r struct{ Printer printing.Printer }
		if err := c.Call(ctx, "printers.add", map[string]any{"name": "Dock", "address": printer.Addr(), "language": "zpl", "dpi": 300}, &r); err != nil {
			t.Fatal(err)
		}
		want := "net:" + printer.Addr()
		if r.Printer.ID != want || r.Printer.Connection != "network" || r.Printer.DPI != 300 || !r.Printer.Configured {
			t.Fatalf("added printer = %+v", r.Printer)
		}
		saved := readTestConfig(t, home).NetworkPrinters
		if len(saved) != 1 || saved[0].Address != printer.Addr() || saved[0].Name != "Dock" {
			t.Fatalf("config networkPrinters = %+v", saved)
		}
		job, err := c.Print(ctx, client.PrintParams{Printer: want, Raw: &client.Raw{Language: "zpl", Data: strp("^XA^FDhello^FS^XZ")}})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Subscribe(ctx, "jobs"); err != nil {
			t.Fatal(err)
		}
		if j, err := c.WaitJob(ctx, job.ID); err != nil || j.State != printing.JobDone {
			t.Fatalf("job on the added printer: %+v, %v", j, err)
		}
		select {
		case got := <-printer.Jobs:
			if string(got) != "^XA^FDhello^FS^XZ" {
				t.Fatalf("printer got %q", got)
			}
		case <-ctx.Done():
			t.Fatal("the network printer got nothing")
		}
		// Adding it did not make it the default: a print that names no
		// printer still goes to the virtual printer.
		other, err := c.Print(ctx, client.PrintParams{Raw: &client.Raw{Language: "zpl", Data: strp("^XA^FDno printer^FS^XZ")}})
		if err != nil || other.Printer != printing.VirtualPrinterID || a.spooler.DefaultPrinter() != printing.VirtualPrinterID {
			t.Fatalf("after printers.add a print naming no printer went to %q (%v), default %q: want the virtual printer",
				other.Printer, err, a.spooler.DefaultPrinter())
		}
	})

	t.Run("printers.add without a port uses 9100", func(t *testing.T) {
		var r struct{ Printer printing.Printer }
		if err := c.Call(ctx, "printers.add", map[string]any{"address": "127.0.0.1:9", "language": "tspl"}, &r); err != nil {
			t.Fatal(err)
		}
		if r.Printer.ID != "net:127.0.0.1:9" || r.Printer.Name != "Network printer 127.0.0.1:9" {
			t.Fatalf("printer = %+v", r.Printer)
		}
	})

	bad := []struct {
		method, params, reason, says string
	}{
		{"printers.add", `{"address":""}`, "invalid_params", "address: required"},
		{"printers.add", `{"address":"10.0.0.1","language":"pcl"}`, "invalid_params", "language"},
		{"printers.add", `{"address":"10.0.0.1:99999"}`, "invalid_params", "is not a host or host:port"},
		{"printers.add", `{"address":"10.0.0.1","dpi":42}`, "invalid_params", "dpi"},
		{"printers.add", `{"address":"10.0.0.1","colour":"red"}`, "invalid_params", "colour"},
		{"printers.add", `{"address":"127.0.0.1:9"}`, "invalid_params", "already set up"},
		{"printers.remove", `{"printer":"virtual"}`, "printer_not_found", "only those can be removed"},
		{"printers.remove", `{}`, "invalid_params", "printer: required"},
		{"printers.testPrint", `{"printer":"nope"}`, "printer_not_found", "nope"},
		{"jobs.preview", `{"job":"nope"}`, "job_not_found", "nope"},
		{"jobs.preview", `{"job":"x","dpi":5000}`, "invalid_params", "dpi"},
		{"sites.approve", `{"origin":"not a url"}`, "invalid_params", "not a url"},
		{"sites.approve", `{}`, "invalid_params", "origin: required"},
		{"sites.revoke", `{"origin":"https://never.example"}`, "invalid_params", "not an approved site"},
		{"printing.pause", `{"now":true}`, "invalid_params", "now"},
		{"printing.pause", `[1]`, "invalid_params", "params"},
	}
	for _, b := range bad {
		t.Run("refuses "+b.method+" "+b.params, func(t *testing.T) {
			err := c.Call(ctx, b.method, json.RawMessage(b.params), nil)
			var ce *client.Error
			if !errors.As(err, &ce) {
				t.Fatalf("got %v, want an error reply", err)
			}
			if ce.Reason != b.reason || !strings.Contains(ce.Message, b.says) {
				t.Fatalf("got %q (%s), want reason %s mentioning %q", ce.Message, ce.Reason, b.reason, b.says)
			}
		})
	}

	t.Run("printers.remove detaches, forgets and moves the default", func(t *testing.T) {
		id := "net:" + printer.Addr()
		if _, err := a.spooler.SetDefault(id); err != nil {
			t.Fatal(err)
		}
		if err := c.Call(ctx, "printers.remove", map[string]string{"printer": id}, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := a.spooler.Printer(id); err == nil {
			t.Fatal("removed printer is still listed")
		}
		for _, np := range readTestConfig(t, home).NetworkPrinters {
			if np.PrinterID() == id {
				t.Fatal("removed printer is still in the config file")
			}
		}
		if d := a.spooler.DefaultPrinter(); d == id {
			t.Fatal("the default printer is still the removed one")
		}
	})

	t.Run("pause and resume", func(t *testing.T) {
		var st struct{ Paused bool }
		if err := c.Call(ctx, "printing.pause", nil, &st); err != nil || !st.Paused || !a.spooler.Paused() {
			t.Fatalf("pause: %+v %v", st, err)
		}
		if err := c.Call(ctx, "printing.resume", nil, &st); err != nil || st.Paused || a.spooler.Paused() {
			t.Fatalf("resume: %+v %v", st, err)
		}
	})

	t.Run("sites: pending, approve, revoke, deny", func(t *testing.T) {
		const site = "https://wms.example.com"
		_, err := client.Dial(ctx, client.URL(a.port), client.Options{Origin: site})
		var refused *client.RefusedError
		if !errors.As(err, &refused) || refused.Reason != "origin_not_allowed" {
			t.Fatalf("unknown site: %v", err)
		}
		var r admin.SitesResult
		if err := c.Call(ctx, "sites.list", nil, &r); err != nil {
			t.Fatal(err)
		}
		if r.Pending != 1 || !hasSite(r, site, "pending") {
			t.Fatalf("sites.list = %+v", r)
		}
		if err := c.Call(ctx, "sites.approve", map[string]string{"origin": site}, &r); err != nil || !hasSite(r, site, "allowed") {
			t.Fatalf("approve: %+v %v", r, err)
		}
		page, err := client.Dial(ctx, client.URL(a.port), client.Options{Origin: site})
		if err != nil {
			t.Fatalf("approved site cannot connect: %v", err)
		}
		page.Close()
		if !slices.Contains(readTestConfig(t, home).AllowedOrigins, site) {
			t.Fatal("approval not saved")
		}
		if err := c.Call(ctx, "sites.revoke", map[string]string{"origin": site}, &r); err != nil || hasSite(r, site, "allowed") {
			t.Fatalf("revoke: %+v %v", r, err)
		}
		if err := c.Call(ctx, "sites.deny", map[string]string{"origin": site}, &r); err != nil || !hasSite(r, site, "denied") {
			t.Fatalf("deny: %+v %v", r, err)
		}
		_, err = client.Dial(ctx, client.URL(a.port), client.Options{Origin: site})
		if !errors.As(err, &refused) || refused.Reason != "origin_denied" {
			t.Fatalf("denied site: %v", err)
		}
	})

	t.Run("jobs.preview of a raw job says there is nothing to draw", func(t *testing.T) {
		job, err := c.Print(ctx, client.PrintParams{Printer: "virtual", Raw: &client.Raw{Language: "zpl", Data: strp("^XA^XZ")}})
		if err != nil {
			t.Fatal(err)
		}
		var r struct{ PNG, Reason string }
		if err := c.Call(ctx, "jobs.preview", map[string]string{"job": job.ID}, &r); err != nil {
			t.Fatal(err)
		}
		if r.PNG != "" || r.Reason != "raw" {
			t.Fatalf("preview of a raw job = %+v", r)
		}
	})

	t.Run("admin methods are refused to web pages", func(t *testing.T) {
		page, err := client.Dial(ctx, client.URL(a.port), client.Options{Origin: "http://127.0.0.1:8080"})
		if err != nil {
			t.Fatal(err)
		}
		defer page.Close()
		for _, m := range []string{"sites.approve", "printing.pause", "printers.add", "printers.remove", "jobs.preview", "sites.list"} {
			if err := page.Call(ctx, m, map[string]string{}, nil); err == nil {
				t.Errorf("a web page could call %s", m)
			}
		}
		if a.spooler.Paused() {
			t.Fatal("a web page paused printing")
		}
	})
}

func hasSite(r admin.SitesResult, origin, state string) bool {
	return slices.ContainsFunc(r.Sites, func(s sites.Site) bool { return s.Origin == origin && s.State == state })
}

func TestPanelPolicyLocks(t *testing.T) {
	home := t.TempDir()
	writeTestConfig(t, home, config.Config{})
	policy := filepath.Join(home, "policy.json")
	if err := os.WriteFile(policy, []byte(`{"allowedOrigins":["https://wms.example.com"],"lockAllowedOrigins":true,"networkPrinters":[]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("LABELBRIDGE_HOME", home)
	t.Setenv("LABELBRIDGE_POLICY", policy)
	cfg, err := loadConfig(0)
	if err != nil {
		t.Fatal(err)
	}
	log, closer, _ := logging.New("error", "", io.Discard)
	defer closer.Close()
	a, err := startAgent(cfg, log, agentOptions{AnyPort: true})
	if err != nil {
		t.Fatal(err)
	}
	defer stopAgent(a)
	c := adminClient(t, a.port, a.token)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var r admin.SitesResult
	if err := c.Call(ctx, "sites.list", nil, &r); err != nil {
		t.Fatal(err)
	}
	if !r.Locked || len(r.Sites) != 1 || !r.Sites[0].Locked {
		t.Fatalf("sites under a locking policy = %+v", r)
	}
	for _, call := range []struct{ method, params, says string }{
		{"sites.approve", `{"origin":"https://other.example"}`, "admin policy"},
		{"sites.revoke", `{"origin":"https://wms.example.com"}`, "admin policy"},
		{"printers.add", `{"address":"10.0.0.9"}`, "admin policy"},
	} {
		err := c.Call(ctx, call.method, json.RawMessage(call.params), nil)
		if err == nil || !strings.Contains(err.Error(), call.says) {
			t.Errorf("%s under policy: %v, want an error about the %s", call.method, err, call.says)
		}
	}
}
