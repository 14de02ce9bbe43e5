package encode

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/labelbridge/labelbridge/printing/label"
	"github.com/labelbridge/labelbridge/printing/raster"
	"github.com/labelbridge/labelbridge/printing/raster/rastertest"
	"github.com/labelbridge/labelbridge/printing/zpl"
)

func TestLanguages(t *testing.T) {
	t.Parallel()
	want := []string{"zpl", "tspl", "epl", "escpos"}
	if got := Languages(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Languages() = %v", got)
	}
	for _, lang := range want {
		if _, ok := encoders[lang]; !ok {
			t.Errorf("no encoder for %s", lang)
		}
	}
}

func simple(t testing.TB) *label.Label {
	l, err := label.Parse([]byte(`{"width":50,"height":30,"copies":3,"elements":[
		{"type":"text","x":2,"y":2,"text":"HELLO","size":3,"font":"printer"},
		{"type":"barcode","symbology":"code128","x":2,"y":10,"data":"A1","height":8}]}`))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestErrorsCarryReasons(t *testing.T) {
	t.Parallel()
	if _, err := Label(t.Context(), simple(t), "pcl", Options{}); label.ReasonOf(err) != label.ReasonUnsupportedLanguage ||
		!strings.Contains(err.Error(), `unsupported printer language "pcl" (want zpl, tspl, epl, escpos)`) {
		t.Errorf("unknown language: %v (reason %q)", err, label.ReasonOf(err))
	}
	missing := &label.Label{Width: 50, Height: 30, Elements: []label.Element{
		{Type: "text", Text: "ok"}, // replaced below
	}}
	missing.Elements = []label.Element{{Type: "text", X: 1, Y: 1, Text: "A\U000F0001", Size: 3}}
	if err := missing.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, lang := range Languages() {
		_, err := Label(t.Context(), missing, lang, Options{})
		if label.ReasonOf(err) != label.ReasonFontMissing || !strings.HasPrefix(err.Error(), "elements[0].text: no installed font has U+F0001") {
			t.Errorf("%s: %v (reason %q)", lang, err, label.ReasonOf(err))
		}
	}
	if _, err := Preview(t.Context(), missing, Options{}); label.ReasonOf(err) != label.ReasonFontMissing {
		t.Errorf("preview: %v", err)
	}
	off := &label.Label{Width: 20, Height: 10, Elements: []label.Element{{Type: "barcode", Symbology: "code128", X: 5, Data: "0123456789ABCDEFGH", Module: 0.5}}}
	if err := off.Validate(); err != nil {
		t.Fatal(err)
	}
	if _, err := Label(t.Context(), off, "zpl", Options{}); label.ReasonOf(err) != label.ReasonInvalid {
		t.Errorf("off-label barcode: %v", err)
	}
	if _, err := Label(t.Context(), simple(t), "zpl", Options{DPI: 100}); label.ReasonOf(err) != label.ReasonInvalid {
		t.Errorf("bad printer dpi: %v", err)
	}
}

func TestCopies(t *testing.T) {
	t.Parallel()
	l := simple(t)
	for lang, check := range map[string]func([]byte) bool{
		"zpl":  func(b []byte) bool { return bytes.Contains(b, []byte("^PQ3\n")) },
		"tspl": func(b []byte) bool { return bytes.HasSuffix(b, []byte("PRINT 1,3\r\n")) },
		"epl":  func(b []byte) bool { return bytes.HasSuffix(b, []byte("P3\n")) },
		"escpos": func(b []byte) bool {
			return bytes.Count(b, []byte{0x1b, 0x40}) == 3 && bytes.Count(b, []byte{0x1d, 0x56, 66, 0}) == 3
		},
	} {
		out, err := Label(t.Context(), l, lang, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !check(out) {
			t.Errorf("%s: copies not encoded:\n%q", lang, out)
		}
	}
}

// TestPrinterDPI: units are physical; a printer at another dpi gets the
// layout at its own dpi.
func TestPrinterDPI(t *testing.T) {
	t.Parallel()
	l := simple(t)
	for dpi, want := range map[int]string{0: "^PW400\n^LL240", 203: "^PW400\n^LL240", 300: "^PW591\n^LL354", 600: "^PW1181\n^LL709"} {
		out, err := Label(t.Context(), l, "zpl", Options{DPI: dpi})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("dpi %d: want %q in\n%s", dpi, want, out)
		}
	}
	dotLabel, err := label.Parse([]byte(`{"width":406,"height":203,"unit":"dot","dpi":203,"elements":[]}`))
	if err != nil {
		t.Fatal(err)
	}
	out, _ := Label(t.Context(), dotLabel, "zpl", Options{DPI: 300})
	if !bytes.Contains(out, []byte("^PW600\n^LL300")) {
		t.Errorf("dot label at 300 dpi:\n%s", out)
	}
}

func TestPreview(t *testing.T) {
	t.Parallel()
	l := rastertest.LoadLabel(t, "testdata/labels/shipping-all-symbologies.json")
	for _, dpi := range []int{0, 300} {
		data, err := Preview(t.Context(), l, Options{DPI: dpi})
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		d := dpi
		if d == 0 {
			d = l.DPI
		}
		w, h := l.SizeDots(d)
		if img.Bounds() != image.Rect(0, 0, w, h) {
			t.Errorf("dpi %d: preview %v, want %dx%d", dpi, img.Bounds(), w, h)
		}
		p, err := raster.Layout(context.Background(), l, raster.Options{DPI: dpi})
		if err != nil {
			t.Fatal(err)
		}
		rastertest.CheckBarcodes(t, img, p, 16, nil)
	}
}

// TestAllLabelsAllLanguages: every example label encodes in every language,
// natively and as raster, at 203, 300 and 600 dpi.
func TestAllLabelsAllLanguages(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/labels/*.json")
	more, _ := filepath.Glob("../raster/rastertest/testdata/*.json")
	files = append(files, more...)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		l, err := label.Parse(data)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		w := l.Width // a head as wide as the label (ESC/POS defaults to 72 mm)
		l.PrintWidth = &w
		for _, lang := range Languages() {
			for _, dpi := range []int{203, 300, 600} {
				for _, rm := range []bool{false, true} {
					out, err := Label(t.Context(), l, lang, Options{DPI: dpi, Raster: rm})
					if err != nil {
						if label.ReasonOf(err) == label.ReasonFontMissing && os.Getenv("CI") == "" {
							t.Skipf("no Korean font: %v", err)
						}
						t.Errorf("%s %s %d raster=%v: %v", filepath.Base(f), lang, dpi, rm, err)
						continue
					}
					if len(out) < 20 {
						t.Errorf("%s %s: only %d bytes", filepath.Base(f), lang, len(out))
					}
				}
			}
		}
	}
}

// benchLabel is the benchmark's 100×150 mm label: Code 128, EAN-13, QR, one
// Hangul line and (optionally) a 300×200 px photo-like image.
func benchLabel(b *testing.B, withImage bool) *label.Label {
	b.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 300, 200))
	r := rand.New(rand.NewSource(4))
	for y := 0; y < 200; y++ {
		for x := 0; x < 300; x++ {
			v := uint8((x*255/300+y*255/200)/2) ^ uint8(r.Intn(24))
			img.Set(x, y, color.RGBA{v, uint8(255 - int(v)/2), v / 2, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		b.Fatal(err)
	}
	elems := `{"type":"text","x":5,"y":5,"text":"배송지: 서울 강남구 테헤란로 123","size":4},
		{"type":"barcode","symbology":"code128","x":5,"y":20,"data":"SHIP-000123456","height":15},
		{"type":"barcode","symbology":"ean13","x":5,"y":45,"data":"590123412345","height":15},
		{"type":"barcode","symbology":"qr","x":60,"y":45,"data":"https://example.com/track/000123456","size":30},
		{"type":"box","x":1,"y":1,"width":98,"height":148,"thickness":0.5}`
	if withImage {
		elems += `,{"type":"image","x":5,"y":90,"width":75,"height":50,"data":"` + base64.StdEncoding.EncodeToString(buf.Bytes()) + `"}`
	}
	l, err := label.Parse([]byte(`{"width":100,"height":150,"elements":[` + elems + `]}`))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := Label(b.Context(), l, "zpl", Options{}); err != nil {
		if label.ReasonOf(err) == label.ReasonFontMissing && os.Getenv("CI") == "" {
			b.Skipf("no Korean font: %v", err)
		}
		b.Fatal(err)
	}
	return l
}

// BenchmarkLabel compiles the benchmark label to each language and reports
// bytes per label; for ZPL it also reports the graphic fields' size as ACS
// and as Z64.
func BenchmarkLabel(b *testing.B) {
	for _, withImage := range []bool{true, false} {
		name := "image"
		if !withImage {
			name = "noimage"
		}
		for _, lang := range Languages() {
			if !withImage && lang != "zpl" {
				continue
			}
			b.Run(lang+"/"+name, func(b *testing.B) {
				l := benchLabel(b, withImage)
				var out []byte
				b.ReportAllocs()
				for b.Loop() {
					var err error
					out, err = Label(b.Context(), l, lang, Options{})
					if err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(len(out)), "bytes/label")
				if lang == "zpl" {
					acs, z64, gf := graphicSizes(b, l)
					b.ReportMetric(float64(acs), "acs-bytes")
					b.ReportMetric(float64(z64), "z64-bytes")
					b.ReportMetric(float64(gf), "gf-bytes")
				}
			})
		}
	}
}

// graphicSizes sums the ^GF data of a label's bitmaps as ACS, as Z64 and
// as chosen (the smaller of the two per field).
func graphicSizes(b *testing.B, l *label.Label) (acs, z64, chosen int) {
	p, err := raster.Layout(context.Background(), l, raster.Options{})
	if err != nil {
		b.Fatal(err)
	}
	var items []*raster.Item
	for _, it := range p.Items {
		if it.Type == label.TypeText || it.Type == label.TypeImage {
			items = append(items, it)
		}
	}
	gs, err := p.Graphics(items)
	if err != nil {
		b.Fatal(err)
	}
	for _, g := range gs {
		a, z := len(zpl.ACS(g.Bitmap)), len(zpl.Z64(g.Bitmap))
		acs += a
		z64 += z
		chosen += min(a, z)
	}
	return acs, z64, chosen
}

func BenchmarkParse(b *testing.B) {
	data, err := os.ReadFile("../../testdata/labels/product-ko.json")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := label.Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}
