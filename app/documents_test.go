package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/client"
	"github.com/labelbridge/labelbridge/config"
	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/printing/document"
	"github.com/labelbridge/labelbridge/printing/document/documenttest"
	"github.com/labelbridge/labelbridge/printing/raster/rastertest"
	"github.com/labelbridge/labelbridge/wire"
)

// A page prints a carrier's PDF (made by Chromium: Korean address, Code 128,
// QR) through the real agent to the virtual printer in every language. The
// job's bytes carry that language's bitmap command, drawn back (ZPL by the
// independent renderer, the others by reading the bitmap commands) they
// scan as the same barcodes, and so do the virtual printer's preview,
// labels.preview and jobs.preview.
func TestDocumentsPrintInEveryLanguage(t *testing.T) {
	pdf := documenttest.CarrierPDF(t)
	doc, _ := json.Marshal(wire.Document{Format: "pdf", Base64: base64.StdEncoding.EncodeToString(pdf)})
	zr := rastertest.StartZPLRenderer(t)
	for _, c := range []struct{ lang, command string }{
		{"zpl", "^GFA,"}, {"tspl", "BITMAP "}, {"epl", "\nGW"}, {"escpos", "\x1dv0"},
	} {
		t.Run(c.lang, func(t *testing.T) {
			a, home := startTestAgent(t, config.Config{Virtual: config.Virtual{Language: c.lang, DPI: 203}})
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			page, err := client.Dial(ctx, client.URL(a.port), client.Options{Origin: "http://localhost:3000"})
			if err != nil {
				t.Fatal(err)
			}
			defer page.Close()
			if err := page.Subscribe(ctx, "jobs"); err != nil {
				t.Fatal(err)
			}
			job, err := page.Print(ctx, client.PrintParams{Document: doc, Copies: 2})
			if err != nil {
				t.Fatal(err)
			}
			if j, err := page.WaitJob(ctx, job.ID); err != nil || j.State != printing.JobDone {
				t.Fatalf("job: %+v, %v", j, err)
			}
			dir := filepath.Join(home, "data", "virtual")
			data, err := os.ReadFile(filepath.Join(dir, job.ID+"."+c.lang))
			if err != nil || !bytes.Contains(data, []byte(c.command)) {
				t.Fatalf("%s job (%v) has no %q:\n%.200q", c.lang, err, c.command, data)
			}
			if c.lang == "zpl" {
				if !bytes.Contains(data, []byte("^PQ2")) {
					t.Errorf("ZPL prints 2 copies with ^PQ2:\n%.200s", data)
				}
				drawn, err := zr.Render(string(data), 101.6, 152.4, 8)
				if err != nil {
					t.Fatal(err)
				}
				checkScans(t, "ZPL drawn by the independent renderer", drawn)
			} else {
				w, h := 812, 1218
				if c.lang == "escpos" { // narrowed to 72 mm of receipt paper
					w, h = 576, 864
				}
				drawn, err := documenttest.Bitmaps(c.lang, data, w, h, 1)
				if err != nil {
					t.Fatal(err)
				}
				checkScans(t, c.lang+" bitmap commands", drawn)
			}
			preview, err := os.ReadFile(filepath.Join(dir, job.ID+".png"))
			if err != nil {
				t.Fatalf("virtual printer preview: %v", err)
			}
			checkScans(t, "virtual printer preview", decodePNG(t, preview))
			var prev wire.PreviewResult
			if err := page.Call(ctx, "labels.preview", map[string]any{"document": json.RawMessage(doc), "dpi": 300}, &prev); err != nil || prev.Pages != 1 {
				t.Fatalf("labels.preview: %+v, %v", prev.Pages, err)
			}
			raw, _ := base64.StdEncoding.DecodeString(prev.PNG)
			checkScans(t, "labels.preview at 300 dpi", decodePNG(t, raw))
			admin := adminClient(t, a.port, a.token)
			var jp wire.PreviewResult
			if err := admin.Call(ctx, "jobs.preview", map[string]any{"job": job.ID}, &jp); err != nil || jp.PNG == "" {
				t.Fatalf("jobs.preview: %v", err)
			}
		})
	}
}

func checkScans(t *testing.T, what string, img image.Image) {
	t.Helper()
	for sym, want := range map[string]string{"code128": documenttest.Tracking, "qr": documenttest.QRData} {
		if got, err := documenttest.DecodeAny(img, sym); err != nil || got != want {
			t.Errorf("%s: %s = %q, %v; want %q", what, sym, got, err, want)
		}
	}
}

func decodePNG(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decode PNG: %v", err)
	}
	return img
}

// Bad documents are refused at print time with the reason and a message
// naming the problem; nothing is queued.
func TestDocumentErrorsOverTheWire(t *testing.T) {
	a, _ := startTestAgent(t, config.Config{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	page, err := client.Dial(ctx, client.URL(a.port), client.Options{Origin: "http://localhost:3000"})
	if err != nil {
		t.Fatal(err)
	}
	defer page.Close()
	for _, c := range []struct{ name, doc, reason, text string }{
		{"truncated", `{"format":"pdf","base64":"` + base64.StdEncoding.EncodeToString([]byte("%PDF-1.7\n1 0 obj <<")) + `"}`, "invalid_params", "damaged"},
		{"bad fit", `{"format":"png","base64":"iVBORw0KGgo=","fit":"stretch"}`, "invalid_params", "document.fit"},
		{"with a label", "", "invalid_params", "send one of them"},
	} {
		params := client.PrintParams{Document: json.RawMessage(c.doc)}
		if c.doc == "" {
			params = client.PrintParams{Document: json.RawMessage(`{"format":"pdf"}`), Label: json.RawMessage(`{"width":1}`)}
		}
		_, err := page.Print(ctx, params)
		var ce *client.Error
		if !errors.As(err, &ce) || ce.Reason != c.reason || !strings.Contains(ce.Message, c.text) {
			t.Errorf("%s: %v; want %s %q", c.name, err, c.reason, c.text)
		}
	}
	var jobs wire.JobsResult
	if err := page.Call(ctx, "jobs.list", map[string]any{}, &jobs); err != nil || len(jobs.Jobs) != 0 {
		t.Errorf("refused documents left jobs: %+v, %v", jobs.Jobs, err)
	}
}

// The wire's (and so the SDK's) document values are the ones the renderer
// accepts.
func TestDocumentValuesMatchTheWire(t *testing.T) {
	for _, c := range []struct {
		name       string
		wire, docs []string
	}{
		{"format", wire.DocumentFormats(), document.Formats},
		{"fit", wire.DocumentFits(), document.Fits},
		{"crop", wire.DocumentCrops(), document.Crops},
		{"dither", wire.DocumentDithers(), document.Dithers},
	} {
		if !slices.Equal(c.wire, slices.Sorted(slices.Values(c.docs))) {
			t.Errorf("%s: wire %q, printing/document %q", c.name, c.wire, c.docs)
		}
	}
}
