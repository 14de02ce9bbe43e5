package document_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/printing/document"
	"github.com/labelbridge/labelbridge/printing/document/documenttest"
	"github.com/labelbridge/labelbridge/printing/raster"
)

// docParams builds checked params for data with extra fields.
func docParams(t testing.TB, format string, data []byte, extra map[string]any) *document.Params {
	t.Helper()
	m := map[string]any{"format": format, "base64": base64.StdEncoding.EncodeToString(data)}
	for k, v := range extra {
		m[k] = v
	}
	raw, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	p, err := document.Parse(raw)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return p
}

func render(t testing.TB, p *document.Params, dpi int) []document.Page {
	t.Helper()
	pages, err := document.Render(context.Background(), p, dpi)
	if err != nil {
		t.Fatalf("Render at %d dpi: %v", dpi, err)
	}
	return pages
}

// checkBarcodes decodes the Code 128 and the QR code of a carrier fixture.
func checkBarcodes(t *testing.T, what string, img image.Image) {
	t.Helper()
	for sym, want := range map[string]string{"code128": documenttest.Tracking, "qr": documenttest.QRData} {
		got, err := documenttest.DecodeAny(img, sym)
		if err != nil || got != want {
			t.Errorf("%s: %s decodes as %q, %v; want %q", what, sym, got, err, want)
		}
	}
}

// edgeInk returns, for each side of b (top, right, bottom, left), the
// distance in dots from that edge to the first line (row or column) whose
// ink covers at least 60% of it: a frame drawn whole sits near every edge.
func edgeInk(b *raster.Bitmap) [4]int {
	line := func(horizontal bool, i int) bool {
		n, total := 0, b.W
		if !horizontal {
			total = b.H
		}
		for j := 0; j < total; j++ {
			x, y := j, i
			if !horizontal {
				x, y = i, j
			}
			if b.Get(x, y) {
				n++
			}
		}
		return n*10 >= total*6
	}
	find := func(horizontal bool, from, step, limit int) int {
		for k := 0; k < limit; k++ {
			if line(horizontal, from+k*step) {
				return k
			}
		}
		return -1
	}
	return [4]int{find(true, 0, 1, b.H), find(false, b.W-1, -1, b.W), find(true, b.H-1, -1, b.H), find(false, 0, 1, b.W)}
}

// A carrier's 4×6 in vector PDF (Chromium --print-to-pdf: Korean address,
// Code 128, QR) prints at the printer's dpi: one page, exactly 4×6 in of
// dots, and both barcodes scan.
func TestCarrierPDF(t *testing.T) {
	pdf := documenttest.CarrierPDF(t)
	for _, dpi := range []int{203, 300} {
		pages := render(t, docParams(t, "pdf", pdf, nil), dpi)
		if len(pages) != 1 {
			t.Fatalf("%d dpi: %d pages", dpi, len(pages))
		}
		b := pages[0].Bitmap
		if w, h := 4*dpi, 6*dpi; b.W != w || b.H != h || pages[0].Rotation != 0 {
			t.Errorf("%d dpi: page is %d×%d turned %d; want %d×%d unturned", dpi, b.W, b.H, pages[0].Rotation, w, h)
		}
		checkBarcodes(t, fmt.Sprintf("%d dpi", dpi), b)
		if e := edgeInk(b); e[0] < 0 || e[0] > dpi/20 || e[2] < 0 || e[2] > dpi/20 {
			t.Errorf("%d dpi: the label's frame is not at its edges: %v", dpi, e)
		}
	}
}

// A 6×4 in landscape page on 4×6 in portrait stock is turned (rotate
// "auto") and printed whole: its frame is along all four edges.
func TestLandscapeOnPortraitStock(t *testing.T) {
	pdf := documenttest.LandscapePDF(t)
	for _, c := range []struct {
		rotate any
		want   int
	}{{"auto", 90}, {270, 270}} {
		pages := render(t, docParams(t, "pdf", pdf, map[string]any{"width": 4, "height": 6, "unit": "in", "rotate": c.rotate}), 203)
		b := pages[0].Bitmap
		if b.W != 812 || b.H != 1218 || pages[0].Rotation != c.want {
			t.Fatalf("rotate %v: page %d×%d turned %d; want 812×1218 turned %d", c.rotate, b.W, b.H, pages[0].Rotation, c.want)
		}
		for side, d := range edgeInk(b) {
			if d < 0 || d > 6 {
				t.Errorf("rotate %v: side %d of the frame is %d dots from the edge (cut off or shrunk): %v", c.rotate, side, d, edgeInk(b))
			}
		}
		if got, err := documenttest.DecodeAny(b, "code128"); err != nil || got != documenttest.Tracking {
			t.Errorf("rotate %v: code 128 = %q, %v", c.rotate, got, err)
		}
	}
	// Without turning, contain fits the landscape page small across the label.
	pages := render(t, docParams(t, "pdf", pdf, map[string]any{"width": 4, "height": 6, "unit": "in", "rotate": 0}), 203)
	if e := edgeInk(pages[0].Bitmap); e[0] < 300 {
		t.Errorf("rotate 0: the page should sit in the middle of the label, its top edge is %d dots down", e[0])
	}
}

// An A4 page with a 4×6 in label in its corner: crop "content" trims the
// white page so the label fills the 4×6 in label; crop "none" does not.
func TestA4CornerCropsToTheLabel(t *testing.T) {
	pdf := documenttest.A4CornerPDF(t)
	pages := render(t, docParams(t, "pdf", pdf, map[string]any{"width": 4, "height": 6, "unit": "in", "crop": "content"}), 203)
	b := pages[0].Bitmap
	if b.W != 812 || b.H != 1218 || pages[0].Rotation != 0 {
		t.Fatalf("page %d×%d turned %d", b.W, b.H, pages[0].Rotation)
	}
	for side, d := range edgeInk(b) {
		if d < 0 || d > 8 {
			t.Errorf("crop content: side %d of the label's frame is %d dots from the edge: %v", side, d, edgeInk(b))
		}
	}
	checkBarcodes(t, "crop content", b)
	whole := render(t, docParams(t, "pdf", pdf, map[string]any{"width": 4, "height": 6, "unit": "in"}), 203)[0].Bitmap
	if e := edgeInk(whole); e[3] >= 0 && e[3] < 20 {
		t.Errorf("crop none: the label should be shrunk with the A4 page, its frame is at %v", e)
	}
}

// A PNG prints too: at its own size (pHYs 203 dpi) on a 203 dpi printer,
// and scaled into 4×6 in on a 300 dpi one.
func TestPNG(t *testing.T) {
	png := documenttest.CarrierPNG(t, 812, 1218, 203)
	b := render(t, docParams(t, "png", png, nil), 203)[0].Bitmap
	if b.W != 812 || b.H != 1218 {
		t.Fatalf("203 dpi: %d×%d", b.W, b.H)
	}
	checkBarcodes(t, "png at 203 dpi", b)
	b = render(t, docParams(t, "png", png, map[string]any{"width": 4, "height": 6, "unit": "in", "dither": "floyd-steinberg"}), 300)[0].Bitmap
	if b.W != 1200 || b.H != 1800 {
		t.Fatalf("300 dpi: %d×%d", b.W, b.H)
	}
	checkBarcodes(t, "png at 300 dpi", b)
	// fit actual keeps the image's physical size: 4 in at 203 dpi is 4 in at 300.
	b = render(t, docParams(t, "png", png, map[string]any{"width": 6, "height": 8, "unit": "in", "fit": "actual", "rotate": 0}), 300)[0].Bitmap
	if e := edgeInk(b); e[3] < 290 || e[3] > 310 {
		t.Errorf("fit actual: the 4 in image on 6 in stock should start 1 in from the left, starts %d dots in", e[3])
	}
}

// pages picks pages; a page past the end is a clear error.
func TestPages(t *testing.T) {
	pdf := documenttest.MultiPagePDF(t, 3)
	pages := render(t, docParams(t, "pdf", pdf, map[string]any{"pages": "3,1-2"}), 203)
	if len(pages) != 3 || pages[0].Number != 3 || pages[1].Number != 1 {
		t.Fatalf("pages = %d, first %d", len(pages), pages[0].Number)
	}
	if got, err := documenttest.DecodeAny(pages[0].Bitmap, "code128"); err != nil || got != "PAGE-3" {
		t.Errorf("page 3 decodes as %q, %v", got, err)
	}
	_, err := document.Render(context.Background(), docParams(t, "pdf", pdf, map[string]any{"pages": "2-5"}), 203)
	wantReason(t, err, printing.ErrReasonInvalidParams, "page 5 is past the end of the document (3 pages)")
}

func wantReason(t *testing.T, err error, reason, text string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want %s %q", reason, text)
	}
	if got := printing.ReasonOf(err, ""); got != reason || !strings.Contains(err.Error(), text) {
		t.Errorf("error %q (%s); want %s containing %q", err, got, reason, text)
	}
}

// Encrypted, damaged and oversized PDFs are refused with a reason and a
// message that names the problem.
func TestBadPDFs(t *testing.T) {
	pdf := documenttest.CarrierPDF(t)
	dir := t.TempDir()
	in, enc := filepath.Join(dir, "in.pdf"), filepath.Join(dir, "enc.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	documenttest.Qpdf(t, "--encrypt", "user-pw", "owner-pw", "256", "--", in, enc)
	encrypted, err := os.ReadFile(enc)
	if err != nil {
		t.Fatal(err)
	}
	many := filepath.Join(dir, "many.pdf")
	documenttest.Qpdf(t, "--empty", "--pages", in, strings.TrimSuffix(strings.Repeat("1,", document.MaxPages+1), ","), "--", many)
	manyPages, err := os.ReadFile(many)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, reason, text string
		data               []byte
	}{
		{"encrypted", printing.ErrReasonInvalidParams, "encrypted", encrypted},
		{"truncated", printing.ErrReasonInvalidParams, "damaged", pdf[:len(pdf)*2/3]},
		{"cut at the header", printing.ErrReasonInvalidParams, "damaged", pdf[:40]},
		{"too many pages", printing.ErrReasonTooComplex, fmt.Sprintf("the limit is %d", document.MaxPages), manyPages},
		{"page too large", printing.ErrReasonTooComplex, "pages up to 200 in a side", minimalPDF(250 * 72)},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := document.Render(context.Background(), docParams(t, "pdf", c.data, nil), 203)
			wantReason(t, err, c.reason, c.text)
		})
	}
	// The hand-made PDF itself is fine at a normal size.
	if pages := render(t, docParams(t, "pdf", minimalPDF(288), nil), 203); len(pages) != 1 || pages[0].Bitmap.W != 812 {
		t.Errorf("minimal 4 in PDF: %d pages", len(pages))
	}
}

// minimalPDF is a valid one-page PDF of side×side points holding a box.
func minimalPDF(side int) []byte {
	content := "0 0 0 rg 10 10 50 50 re f"
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 4 0 R >>", side, side),
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content),
	}
	var b strings.Builder
	b.WriteString("%PDF-1.4\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return []byte(b.String())
}

// A request that goes away stops the render with the context's error.
func TestRenderStopsWithTheContext(t *testing.T) {
	p := docParams(t, "pdf", minimalPDF(288), nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := document.Render(ctx, p, 203)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v; want context.Canceled", err)
	}
}
