// Package documenttest makes realistic document fixtures for tests, at test
// time and into t.TempDir (never into the tree): carrier-style PDFs printed
// by headless Chromium (--print-to-pdf of a page with a Korean address, a
// Code 128 and a QR code drawn as vector SVG), and PNGs drawn in Go. It
// also decodes the barcodes back out of a bitmap with gozxing.
package documenttest

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/code128"
	"github.com/boombuler/barcode/qr"

	"github.com/labelbridge/labelbridge/printing/raster"
	"github.com/labelbridge/labelbridge/printing/raster/rastertest"
)

// The fixtures' contents, which decoding must find.
const (
	Tracking = "1Z999AA10123456784"
	QRData   = "https://track.example.com/ko/1Z999AA10123456784"
	Address  = "서울특별시 강남구 테헤란로 152, 강남파이낸스센터 21층"
)

// Chromium returns the path of headless Chromium; without it the test is
// skipped, or fails when CI is set.
func Chromium(tb testing.TB) string {
	tb.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		tb.Fatal("chromium not found: install it (apt-get install chromium; scripts/deps/test-core.txt)")
	}
	tb.Skip("chromium not found (set CI=true to make this fatal)")
	return ""
}

// PrintToPDF prints html with headless Chromium (a fresh profile in a temp
// folder) and returns the PDF. The page size comes from the html's @page.
func PrintToPDF(tb testing.TB, html string) []byte {
	tb.Helper()
	bin := Chromium(tb)
	dir := tb.TempDir()
	page, out := filepath.Join(dir, "page.html"), filepath.Join(dir, "out.pdf")
	if err := os.WriteFile(page, []byte(html), 0o600); err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--no-first-run", "--disable-sync", "--user-data-dir="+filepath.Join(dir, "profile"),
		"--no-pdf-header-footer", "--print-to-pdf="+out, "file://"+page)
	if b, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("chromium --print-to-pdf: %v\n%s", err, b)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		tb.Fatalf("chromium wrote no PDF: %v", err)
	}
	return data
}

// Qpdf runs qpdf with args (for encrypted and damaged fixtures); without it
// the test is skipped, or fails when CI is set.
func Qpdf(tb testing.TB, args ...string) {
	tb.Helper()
	bin, err := exec.LookPath("qpdf")
	if err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatal("qpdf not found: install it (apt-get install qpdf; scripts/deps/test-core.txt)")
		}
		tb.Skip("qpdf not found (set CI=true to make this fatal)")
	}
	if b, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
		tb.Fatalf("qpdf %s: %v\n%s", strings.Join(args, " "), err, b)
	}
}

// svgBarcode draws a barcode as vector rectangles, w×h inches.
func svgBarcode(b barcode.Barcode, w, h float64) string {
	r := b.Bounds()
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg xmlns="http://www.w3.org/2000/svg" width="%gin" height="%gin" viewBox="0 0 %d %d" preserveAspectRatio="none" shape-rendering="crispEdges">`,
		w, h, r.Dx(), r.Dy())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; {
			if !dark(b.At(x, y)) {
				x++
				continue
			}
			x0 := x
			for x < r.Max.X && dark(b.At(x, y)) {
				x++
			}
			fmt.Fprintf(&sb, `<rect x="%d" y="%d" width="%d" height="1"/>`, x0-r.Min.X, y-r.Min.Y, x-x0)
		}
	}
	sb.WriteString(`</svg>`)
	return sb.String()
}

func dark(c color.Color) bool {
	g := color.GrayModel.Convert(c).(color.Gray)
	return g.Y < 128
}

func code128SVG(tb testing.TB, w, h float64) string {
	b, err := code128.Encode(Tracking)
	if err != nil {
		tb.Fatal(err)
	}
	return svgBarcode(b, w, h)
}

func qrSVG(tb testing.TB, side float64) string {
	b, err := qr.Encode(QRData, qr.M, qr.Auto)
	if err != nil {
		tb.Fatal(err)
	}
	return svgBarcode(b, side, side)
}

// labelBody is a carrier-style 4×6 in label: a frame, sender and Korean
// address, a QR code and a Code 128 tracking barcode.
func labelBody(tb testing.TB) string {
	return `<div class="label">
<div class="from">FROM: Labelbridge Warehouse · 경기도 성남시 분당구 판교역로 235</div>
<div class="to"><b>SHIP TO</b><br>김민준 (Kim Minjun)<br>` + Address + `<br>06236 REPUBLIC OF KOREA</div>
<div class="qr">` + qrSVG(tb, 1.3) + `</div>
<div class="svc">EXPRESS 1</div>
<div class="bc">` + code128SVG(tb, 3.4, 1.0) + `<div class="hri">` + Tracking + `</div></div>
</div>`
}

const labelCSS = `body{margin:0;font-family:"NanumGothic","Noto Sans CJK KR",sans-serif;-webkit-print-color-adjust:exact}
.label{position:relative;width:4in;height:6in;box-sizing:border-box;border:0.04in solid #000;overflow:hidden}
.from{position:absolute;left:0.15in;top:0.12in;font-size:8pt}
.to{position:absolute;left:0.15in;top:0.45in;width:3.7in;font-size:12pt;line-height:1.3}
.qr{position:absolute;left:0.15in;top:1.9in}
.svc{position:absolute;left:1.7in;top:2.3in;font:bold 26pt sans-serif}
.bc{position:absolute;left:0.3in;top:3.9in;width:3.4in}
.hri{text-align:center;font:10pt monospace}`

// CarrierPDF returns a 4×6 in carrier label as a vector PDF.
func CarrierPDF(tb testing.TB) []byte {
	tb.Helper()
	return PrintToPDF(tb, `<!doctype html><meta charset="utf-8"><style>@page{size:4in 6in;margin:0}`+labelCSS+`</style>`+labelBody(tb))
}

// LandscapePDF returns a 6×4 in landscape page: a frame around the edge
// and a Code 128 (it must print turned, and whole, on 4×6 stock).
func LandscapePDF(tb testing.TB) []byte {
	tb.Helper()
	return PrintToPDF(tb, `<!doctype html><meta charset="utf-8"><style>@page{size:6in 4in;margin:0}
body{margin:0;font-family:"NanumGothic",sans-serif}
.page{position:relative;width:6in;height:4in;box-sizing:border-box;border:0.06in solid #000}
.t{position:absolute;left:0.3in;top:0.3in;font-size:16pt}
.bc{position:absolute;left:1.1in;top:1.6in}</style>
<div class="page"><div class="t">`+Address+`</div><div class="bc">`+code128SVG(tb, 3.8, 1.2)+`</div></div>`)
}

// A4CornerPDF returns an A4 page with the 4×6 in carrier label in its
// top-left corner (0.4 in from the edges), the rest blank.
func A4CornerPDF(tb testing.TB) []byte {
	tb.Helper()
	return PrintToPDF(tb, `<!doctype html><meta charset="utf-8"><style>@page{size:A4;margin:0}`+labelCSS+
		`.label{left:0.4in;top:0.4in}</style>`+labelBody(tb))
}

// MultiPagePDF returns a PDF of n 4×6 in pages, page i showing "PAGE i" and
// a Code 128 of "PAGE-i".
func MultiPagePDF(tb testing.TB, n int) []byte {
	tb.Helper()
	var sb strings.Builder
	sb.WriteString(`<!doctype html><meta charset="utf-8"><style>@page{size:4in 6in;margin:0}body{margin:0}
.p{width:4in;height:6in;page-break-after:always;position:relative;overflow:hidden}.p:last-child{page-break-after:auto}
.bc{position:absolute;left:0.5in;top:2in}</style>`)
	for i := 1; i <= n; i++ {
		b, err := code128.Encode(fmt.Sprintf("PAGE-%d", i))
		if err != nil {
			tb.Fatal(err)
		}
		fmt.Fprintf(&sb, `<div class="p"><h1>PAGE %d</h1><div class="bc">%s</div></div>`, i, svgBarcode(b, 3, 1))
	}
	return PrintToPDF(tb, sb.String())
}

// CarrierPNG returns a w×h pixel PNG of a label with a frame, a Code 128
// and a QR code (modules of whole pixels), recording dpi in pHYs when dpi > 0.
func CarrierPNG(tb testing.TB, w, h, dpi int) []byte {
	tb.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	fill := func(r image.Rectangle) {
		r = r.Intersect(img.Rect)
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				img.Pix[y*img.Stride+x] = 0
			}
		}
	}
	t := max(2, w/100)
	fill(image.Rect(0, 0, w, t))
	fill(image.Rect(0, h-t, w, h))
	fill(image.Rect(0, 0, t, h))
	fill(image.Rect(w-t, 0, w, h))
	draw := func(b barcode.Barcode, x0, y0, mod, height int) {
		r := b.Bounds()
		for y := 0; y < r.Dy(); y++ {
			for x := 0; x < r.Dx(); x++ {
				if dark(b.At(r.Min.X+x, r.Min.Y+y)) {
					hgt := mod
					if r.Dy() == 1 {
						hgt = height
					}
					fill(image.Rect(x0+x*mod, y0+y*mod, x0+(x+1)*mod, y0+y*mod+hgt))
				}
			}
		}
	}
	c, err := code128.Encode(Tracking)
	if err != nil {
		tb.Fatal(err)
	}
	mod := max(1, (w-8*t)/c.Bounds().Dx())
	draw(c, (w-mod*c.Bounds().Dx())/2, h/2, mod, h/6)
	q, err := qr.Encode(QRData, qr.M, qr.Auto)
	if err != nil {
		tb.Fatal(err)
	}
	qm := max(1, (h/3)/q.Bounds().Dx())
	draw(q, 4*t, 4*t, qm, 0)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		tb.Fatal(err)
	}
	data := buf.Bytes()
	if dpi > 0 {
		p, err := raster.PNG(raster.FromImage(img), dpi)
		if err != nil {
			tb.Fatal(err)
		}
		data = p
	}
	return data
}

// DecodeAny decodes symbology ("code128" or "qr") anywhere in img, trying
// each quarter turn; it returns the first text found.
func DecodeAny(img image.Image, symbology string) (string, error) {
	var last error
	for _, rot := range []int{0, 90, 180, 270} {
		s, err := rastertest.Decode(img, img.Bounds(), 0, rot, symbology)
		if err == nil {
			return s, nil
		}
		last = err
	}
	return "", last
}
