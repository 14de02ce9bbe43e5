package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/client"
	"github.com/labelbridge/labelbridge/config"
	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/printing/document/documenttest"
	"github.com/labelbridge/labelbridge/printing/raster/rastertest"
	"github.com/labelbridge/labelbridge/wire"
)

// The printer's label size (printers.configure labelWidth, labelHeight,
// unit) is the size of a document printed without one: a 400×600 pixel PNG
// (no resolution recorded: one pixel a dot) prints 400×600 dots on the
// virtual printer (203 dpi) until 4×6 in media is configured, then
// 812×1218 dots, scaled up and still scannable, in the job's bytes (^PW,
// ^LL; drawn by the independent ZPL renderer), the virtual printer's
// preview and jobs.preview; a document's own
// width and height still win. Bad sizes are refused naming the field, and
// printers.get and printers.list report the size.
func TestPrinterLabelSizeForDocuments(t *testing.T) {
	a, home := startTestAgent(t, config.Config{Virtual: config.Virtual{Language: "zpl", DPI: 203}})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	admin := adminClient(t, a.port, a.token)
	page := pageClient(t, a.port, "http://localhost:3000")
	if err := page.Subscribe(ctx, "jobs"); err != nil {
		t.Fatal(err)
	}
	doc, _ := json.Marshal(wire.Document{Format: "png", Base64: base64.StdEncoding.EncodeToString(documenttest.CarrierPNG(t, 400, 600, 0))})
	printed := func(doc json.RawMessage) (zpl string, preview image.Image, job printing.Job) {
		t.Helper()
		job, err := page.Print(ctx, client.PrintParams{Printer: "virtual", Document: doc})
		if err != nil {
			t.Fatal(err)
		}
		zpl = virtualFile(t, ctx, page, home, job)
		png, err := os.ReadFile(filepath.Join(home, "data", "virtual", job.ID+".png"))
		if err != nil {
			t.Fatalf("virtual printer preview: %v", err)
		}
		return zpl, decodePNG(t, png), job
	}
	size := func(img image.Image) image.Point { return img.Bounds().Size() }

	zpl, preview, _ := printed(doc)
	if !strings.Contains(zpl, "^PW400\n^LL600\n") || size(preview) != image.Pt(400, 600) {
		t.Fatalf("no label size configured: want the page's own 400×600 dots, got preview %v:\n%.120s", size(preview), zpl)
	}

	var r wire.PrinterResult
	for _, c := range []struct {
		settings map[string]any
		want     string
	}{
		{map[string]any{"labelWidth": 4, "unit": "in"}, "settings.labelHeight: required with labelWidth"},
		{map[string]any{"labelWidth": 4, "labelHeight": 6, "unit": "cm"}, `settings.unit: "cm" is not one of mm, in, dot`},
		{map[string]any{"labelWidth": 4, "labelHeight": 80, "unit": "in"}, "settings.labelHeight: 80 in is out of range"},
		{map[string]any{"unit": "in"}, "settings.unit: is the unit of labelWidth and labelHeight"},
		{map[string]any{"labelWidth": "4in", "labelHeight": 6}, "labelWidth"},
	} {
		err := admin.Call(ctx, "printers.configure", map[string]any{"printer": "virtual", "settings": c.settings}, &r)
		if reasonOf(err) != "invalid_params" || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v; want invalid_params %q", c.settings, err, c.want)
		}
	}
	if saved := readTestConfig(t, home).PrinterSettings; len(saved) != 0 {
		t.Fatalf("refused settings were saved: %+v", saved)
	}

	settings := map[string]any{"labelWidth": 4, "labelHeight": 6, "unit": "in", "darkness": 20}
	if err := admin.Call(ctx, "printers.configure", map[string]any{"printer": "virtual", "settings": settings}, &r); err != nil {
		t.Fatal(err)
	}
	check := func(what string, p printing.Printer) {
		t.Helper()
		if w, h, unit, ok := p.Settings.LabelSize(); p.Settings == nil || !ok || w != 4 || h != 6 || unit != "in" {
			t.Errorf("%s: settings %+v", what, p.Settings)
		}
	}
	check("printers.configure", r.Printer)
	check("config printerSettings", printing.Printer{Settings: ptrTo(readTestConfig(t, home).PrinterSettings["virtual"])})
	var got wire.PrinterResult
	if err := page.Call(ctx, "printers.get", map[string]any{"printer": "virtual"}, &got); err != nil {
		t.Fatal(err)
	}
	check("printers.get", got.Printer)
	var list wire.PrintersResult
	if err := page.Call(ctx, "printers.list", nil, &list); err != nil {
		t.Fatal(err)
	}
	for _, p := range list.Printers {
		if p.ID == "virtual" {
			check("printers.list", p)
		}
	}

	zpl, preview, job := printed(doc)
	if !strings.Contains(zpl, "^PW812\n^LL1218\n") || !strings.HasPrefix(zpl, "~SD20\n") || size(preview) != image.Pt(812, 1218) {
		t.Fatalf("4×6 in media: want 812×1218 dots with darkness 20, got preview %v:\n%.120s", size(preview), zpl)
	}
	checkScans(t, "document on the printer's 4×6 in label", preview)
	drawn, err := rastertest.StartZPLRenderer(t).Render(zpl, 101.6, 152.4, 8)
	if err != nil {
		t.Fatal(err)
	}
	checkScans(t, "the job's ZPL drawn by the independent renderer", drawn)
	var jp wire.PreviewResult
	if err := admin.Call(ctx, "jobs.preview", map[string]any{"job": job.ID}, &jp); err != nil {
		t.Fatalf("jobs.preview: %v", err)
	}
	raw, _ := base64.StdEncoding.DecodeString(jp.PNG)
	if s := size(decodePNG(t, raw)); s != image.Pt(812, 1218) {
		t.Errorf("jobs.preview is %v, want the printed 812×1218", s)
	}

	// The document's own size wins over the printer's.
	var own map[string]any
	_ = json.Unmarshal(doc, &own)
	own["width"], own["height"] = 50, 30 // mm: 400×240 dots at 203 dpi
	sized, _ := json.Marshal(own)
	zpl, preview, _ = printed(sized)
	if !strings.Contains(zpl, "^PW400\n^LL240\n") || size(preview) != image.Pt(400, 240) {
		t.Errorf("document width/height 50×30 mm: want 400×240 dots, got preview %v:\n%.120s", size(preview), zpl)
	}
}

func ptrTo[T any](v T) *T { return &v }
