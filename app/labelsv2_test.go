package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/client"
	"github.com/labelbridge/labelbridge/config"
	"github.com/labelbridge/labelbridge/printing"
)

// These run the real agent on a loopback port and talk to it over its
// WebSocket (pages with an Origin, the CLI token for admin).

func pageClient(t *testing.T, port int, origin string) *client.Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := client.Dial(ctx, client.URL(port), client.Options{Origin: origin})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func reasonOf(err error) string {
	if e, ok := err.(*client.Error); ok {
		return e.Reason
	}
	return ""
}

// virtualFile waits for the job and returns what the virtual printer wrote.
func virtualFile(t *testing.T, ctx context.Context, c *client.Client, home string, job printing.Job) string {
	t.Helper()
	if j, err := c.WaitJob(ctx, job.ID); err != nil || j.State != printing.JobDone {
		t.Fatalf("job %s: %+v, %v", job.ID, j, err)
	}
	data, err := os.ReadFile(filepath.Join(home, "data", "virtual", job.ID+".zpl"))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestCalibrateOverWebSocket(t *testing.T) {
	tsplPrinter := newSink(t)
	a, home := startTestAgent(t, config.Config{AllowedOrigins: []string{"https://wms.example"}})
	c := adminClient(t, a.port, a.token)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.Subscribe(ctx, "jobs"); err != nil {
		t.Fatal(err)
	}
	var r struct{ Job printing.Job }
	if err := c.Call(ctx, "printers.calibrate", map[string]any{"printer": "virtual"}, &r); err != nil {
		t.Fatal(err)
	}
	if got := virtualFile(t, ctx, c, home, r.Job); got != "~JC\n" {
		t.Errorf("virtual (ZPL) got %q, want ~JC", got)
	}
	// A TSPL network printer receives GAPDETECT over TCP.
	var added struct{ Printer printing.Printer }
	if err := c.Call(ctx, "printers.add", map[string]any{"address": tsplPrinter.Addr(), "language": "tspl"}, &added); err != nil {
		t.Fatal(err)
	}
	if err := c.Call(ctx, "printers.calibrate", map[string]any{"printer": added.Printer.ID}, &r); err != nil {
		t.Fatal(err)
	}
	for got := ""; got != "GAPDETECT\r\n"; { // status queries (ESC !?) may come first
		select {
		case b := <-tsplPrinter.Jobs:
			got = string(b)
		case <-ctx.Done():
			t.Fatal("the TSPL printer got no GAPDETECT")
		}
	}
	// ESC/POS has nothing to calibrate; pages may not calibrate.
	escpos := newSink(t)
	if err := c.Call(ctx, "printers.add", map[string]any{"address": escpos.Addr(), "language": "escpos"}, &added); err != nil {
		t.Fatal(err)
	}
	err := c.Call(ctx, "printers.calibrate", map[string]any{"printer": added.Printer.ID}, &r)
	if reasonOf(err) != "invalid_params" || !strings.Contains(err.Error(), "ESC/POS printers have no media calibration") {
		t.Errorf("ESC/POS: %v", err)
	}
	page := pageClient(t, a.port, "https://wms.example")
	if err := page.Call(ctx, "printers.calibrate", map[string]any{"printer": "virtual"}, &r); reasonOf(err) != "not_allowed" {
		t.Errorf("a page calibrating: %v", err)
	}
}

func TestPrintersConfigureOverWebSocket(t *testing.T) {
	a, home := startTestAgent(t, config.Config{})
	c := adminClient(t, a.port, a.token)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.Subscribe(ctx, "jobs"); err != nil {
		t.Fatal(err)
	}
	var r struct{ Printer printing.Printer }
	settings := map[string]any{"darkness": 20, "speed": 4, "media": "gap", "gap": 3, "method": "direct"}
	if err := c.Call(ctx, "printers.configure", map[string]any{"printer": "virtual", "settings": settings}, &r); err != nil {
		t.Fatal(err)
	}
	if s := r.Printer.Settings; s == nil || *s.Darkness != 20 || s.Media != "gap" {
		t.Fatalf("configured printer = %+v", r.Printer)
	}
	if saved := readTestConfig(t, home).PrinterSettings["virtual"]; saved.Darkness == nil || *saved.Darkness != 20 {
		t.Fatalf("config printerSettings = %+v", readTestConfig(t, home).PrinterSettings)
	}
	label := json.RawMessage(`{"width":40,"height":20,"elements":[{"type":"text","x":1,"y":1,"text":"A","size":3,"font":"printer"}]}`)
	job, err := c.Print(ctx, client.PrintParams{Printer: "virtual", Label: label})
	if err != nil {
		t.Fatal(err)
	}
	if got := virtualFile(t, ctx, c, home, job); !strings.HasPrefix(got, "~SD20\n^XA\n^CI28\n^MNY\n^MTD\n^PR4\n") {
		t.Errorf("label on the configured printer:\n%s", got)
	}
	// The label's own darkness wins.
	job, err = c.Print(ctx, client.PrintParams{Printer: "virtual", Label: json.RawMessage(`{"width":40,"height":20,"darkness":5,"elements":[]}`)})
	if err != nil {
		t.Fatal(err)
	}
	if got := virtualFile(t, ctx, c, home, job); !strings.HasPrefix(got, "~SD05\n") {
		t.Errorf("label darkness 5:\n%s", got)
	}
	err = c.Call(ctx, "printers.configure", map[string]any{"printer": "virtual", "settings": map[string]any{"darkness": 31}}, &r)
	if reasonOf(err) != "invalid_params" || !strings.Contains(err.Error(), "settings.darkness: 31 is out of range") {
		t.Errorf("darkness 31: %v", err)
	}
	err = c.Call(ctx, "printers.configure", map[string]any{"printer": "virtual", "settings": map[string]any{"dark": 1}}, &r)
	if reasonOf(err) != "invalid_params" || !strings.Contains(err.Error(), "dark") {
		t.Errorf("unknown setting: %v", err)
	}
	r.Printer = printing.Printer{}
	if err := c.Call(ctx, "printers.configure", map[string]any{"printer": "virtual", "settings": nil}, &r); err != nil || r.Printer.Settings != nil {
		t.Errorf("clearing: %+v, %v", r.Printer, err)
	}
}

func TestTemplatesAndRowsOverWebSocket(t *testing.T) {
	a, home := startTestAgent(t, config.Config{AllowedOrigins: []string{"https://a.example", "https://b.example"}})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	pa, pb := pageClient(t, a.port, "https://a.example"), pageClient(t, a.port, "https://b.example")
	design := json.RawMessage(`{"width":50,"height":30,"elements":[
		{"type":"text","x":2,"y":2,"text":"{{name}}","size":3},
		{"type":"barcode","symbology":"code128","x":2,"y":10,"data":"{{sku}}","height":8},
		{"type":"text","x":2,"y":24,"text":"#{{n}}","size":3,"font":"printer"}]}`)
	var saved struct{ Template printing.Template }
	if err := pa.Call(ctx, "templates.save", map[string]any{"name": "product", "label": design}, &saved); err != nil {
		t.Fatal(err)
	}
	var list struct{ Templates []printing.Template }
	if err := pb.Call(ctx, "templates.list", nil, &list); err != nil || len(list.Templates) != 0 {
		t.Fatalf("b's templates: %+v, %v", list, err)
	}
	if err := pa.Call(ctx, "templates.list", nil, &list); err != nil || len(list.Templates) != 1 || list.Templates[0].Name != "product" {
		t.Fatalf("a's templates: %+v, %v", list, err)
	}
	rows := `[{"name":"사과","sku":"A-1"},{"name":"배","sku":"B-2"},{"name":"감","sku":3}]`
	params := json.RawMessage(`{"printer":"virtual","template":"product","idempotencyKey":"batch-1","title":"Batch {{sku}}",
		"rows":` + rows + `,"counters":[{"name":"n","start":1,"digits":3}]}`)
	var pr struct {
		Duplicate bool
		Job       printing.Job
	}
	if err := pa.Call(ctx, "print", params, &pr); err != nil {
		t.Fatal(err)
	}
	if pr.Job.Labels != 3 || pr.Job.Title != "Batch A-1" {
		t.Errorf("batch job = %+v", pr.Job)
	}
	if err := pa.Subscribe(ctx, "jobs"); err != nil {
		t.Fatal(err)
	}
	got := virtualFile(t, ctx, pa, home, pr.Job)
	for _, want := range []string{"^FDA-1^FS", "^FDB-2^FS", "^FD3^FS", "^FD#001^SF"} {
		if !strings.Contains(got, want) {
			t.Errorf("the job lacks %s", want)
		}
	}
	if strings.Count(got, "^XA") != 3 || strings.Index(got, "A-1") > strings.Index(got, "B-2") {
		t.Errorf("want 3 labels in row order:\n%.300s", got)
	}
	// The same key again: the same job, nothing printed twice.
	if err := pa.Call(ctx, "print", params, &pr); err != nil || !pr.Duplicate {
		t.Errorf("resend: %+v, %v", pr, err)
	}
	// Another site cannot use a's design; a missing value names its row.
	err := pb.Call(ctx, "print", json.RawMessage(`{"printer":"virtual","template":"product","rows":[{"name":"x","sku":"y"}]}`), &pr)
	if reasonOf(err) != "template_not_found" {
		t.Errorf("b printing a's template: %v", err)
	}
	err = pa.Call(ctx, "print", json.RawMessage(`{"printer":"virtual","template":"product","rows":[{"name":"x","sku":"y"},{"name":"z"}],
		"counters":[{"name":"n"}]}`), &pr)
	if reasonOf(err) != "invalid_params" || !strings.Contains(err.Error(), "rows[1].sku: missing") {
		t.Errorf("missing value: %v", err)
	}
	err = pa.Call(ctx, "print", json.RawMessage(`{"printer":"virtual","template":"product","rows":[{"name":{"a":1}}]}`), &pr)
	if reasonOf(err) != "invalid_params" || !strings.Contains(err.Error(), "rows[0].name: must be a string, number or boolean") {
		t.Errorf("object value: %v", err)
	}
	var del struct{ Deleted string }
	if err := pb.Call(ctx, "templates.delete", map[string]any{"name": "product"}, &del); reasonOf(err) != "template_not_found" {
		t.Errorf("b deleting a's template: %v", err)
	}
	if err := pa.Call(ctx, "templates.delete", map[string]any{"name": "product"}, &del); err != nil || del.Deleted != "product" {
		t.Errorf("delete: %+v, %v", del, err)
	}
}
