package tspl

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"strconv"
	"strings"
	"testing"

	"github.com/labelbridge/labelbridge/printing/label"
	"github.com/labelbridge/labelbridge/printing/raster"
	"github.com/labelbridge/labelbridge/printing/raster/rastertest"
)

func TestGolden(t *testing.T) {
	labels := rastertest.GoldenLabels(t)
	for _, name := range rastertest.SortedNames(labels) {
		t.Run(name, func(t *testing.T) {
			out, err := Encode(context.Background(), labels[name], Options{})
			if err != nil {
				t.Fatal(err)
			}
			rastertest.Golden(t, "testdata/golden/"+name+".tspl", out)
		})
	}
}

// parsed is what the test reader understood of TSPL output.
type parsed struct {
	size     string
	canvas   *raster.Bitmap // BITMAP commands drawn (polarity undone)
	commands []string       // other commands, in order
	copies   string
}

// parse reads our TSPL back: BITMAP rows are drawn (a 0 bit is black),
// other commands are collected.
func parse(t *testing.T, data []byte, w, h int) *parsed {
	t.Helper()
	p := &parsed{canvas: raster.NewBitmap(w, h)}
	for len(data) > 0 {
		if bytes.HasPrefix(data, []byte("BITMAP ")) {
			hdr := data[len("BITMAP "):]
			var f [5]int
			for i := range f {
				j := bytes.IndexByte(hdr, ',')
				if j < 0 {
					t.Fatalf("short BITMAP header %q", data[:min(40, len(data))])
				}
				v, err := strconv.Atoi(string(hdr[:j]))
				if err != nil {
					t.Fatalf("BITMAP field %d: %v", i, err)
				}
				f[i] = v
				hdr = hdr[j+1:]
			}
			x, y, wb, rows, mode := f[0], f[1], f[2], f[3], f[4]
			if mode != 0 {
				t.Errorf("BITMAP mode %d, want 0", mode)
			}
			n := wb * rows
			if len(hdr) < n+2 || string(hdr[n:n+2]) != "\r\n" {
				t.Fatalf("BITMAP data: want %d bytes then CRLF", n)
			}
			for r := 0; r < rows; r++ {
				for i := 0; i < wb; i++ {
					v := hdr[r*wb+i]
					for bit := 0; bit < 8; bit++ {
						if v&(0x80>>bit) == 0 { // 0 = black
							p.canvas.Set(x+i*8+bit, y+r)
						}
					}
				}
			}
			data = hdr[n+2:]
			continue
		}
		j := bytes.Index(data, []byte("\r\n"))
		if j < 0 {
			t.Fatalf("command without CRLF: %q", data)
		}
		cmd := string(data[:j])
		data = data[j+2:]
		switch {
		case strings.HasPrefix(cmd, "SIZE "):
			p.size = cmd
		case strings.HasPrefix(cmd, "PRINT "):
			p.copies = cmd
		default:
			p.commands = append(p.commands, cmd)
		}
	}
	return p
}

// TestRasterRoundTrip: raster mode output, read back, equals our preview
// pixel for pixel and every barcode decodes from it.
func TestRasterRoundTrip(t *testing.T) {
	labels := rastertest.GoldenLabels(t)
	labels["shipping"] = rastertest.LoadLabel(t, "testdata/labels/shipping-all-symbologies.json")
	for _, name := range rastertest.SortedNames(labels) {
		for _, dpi := range []int{203, 300} {
			t.Run(fmt.Sprintf("%s/%d", name, dpi), func(t *testing.T) {
				p, err := raster.Layout(context.Background(), labels[name], Options{DPI: dpi})
				if err != nil {
					t.Fatal(err)
				}
				out, err := EncodePlan(p, true)
				if err != nil {
					t.Fatal(err)
				}
				got := parse(t, out, p.Width, p.Height)
				want, _ := p.Render()
				if d := rastertest.Diff(got.canvas, want, want.Rect()); d != 0 {
					t.Fatalf("%d pixels differ from the preview", d)
				}
				if got.copies != fmt.Sprintf("PRINT 1,%d", p.Copies) {
					t.Errorf("copies: %q", got.copies)
				}
				if hasBarcode(p) {
					rastertest.CheckBarcodes(t, got.canvas, p, 8, nil)
				}
			})
		}
	}
}

func hasBarcode(p *raster.Plan) bool {
	for _, it := range p.Items {
		if it.Type == label.TypeBarcode {
			return true
		}
	}
	return false
}

// TestRasterisedBarcodes: barcodes TSPL cannot draw natively (rotated ones)
// are sent as BITMAP and must decode from our own output.
func TestRasterisedBarcodes(t *testing.T) {
	l := rastertest.GoldenLabels(t)["rotated"]
	for _, dpi := range []int{203, 300} {
		t.Run(fmt.Sprint(dpi), func(t *testing.T) {
			p, err := raster.Layout(context.Background(), l, Options{DPI: dpi})
			if err != nil {
				t.Fatal(err)
			}
			out, err := EncodePlan(p, false)
			if err != nil {
				t.Fatal(err)
			}
			got := parse(t, out, p.Width, p.Height)
			rastertest.CheckBarcodes(t, got.canvas, p, 8, func(it *raster.Item) string {
				if native(it, p.DPI) != "" {
					return "native command (golden file)"
				}
				return ""
			})
		})
	}
}

// TestPolarity: a filled box and an all-black image print black.
func TestPolarity(t *testing.T) {
	l := rastertest.GoldenLabels(t)["graphics"]
	p, err := raster.Layout(context.Background(), l, Options{})
	if err != nil {
		t.Fatal(err)
	}
	box, img := p.Items[0].Bounds, p.Items[1].Bounds
	half := image.Rect(img.Min.X, img.Min.Y, img.Min.X+img.Dx()/2, img.Max.Y)
	for _, rm := range []bool{false, true} {
		out, err := EncodePlan(p, rm)
		if err != nil {
			t.Fatal(err)
		}
		got := parse(t, out, p.Width, p.Height)
		if n := got.canvas.Ink(half); n != half.Dx()*half.Dy() {
			t.Errorf("raster=%v: black image half has %d of %d black", rm, n, half.Dx()*half.Dy())
		}
		white := image.Rect(half.Max.X, img.Min.Y, img.Max.X, img.Max.Y)
		if n := got.canvas.Ink(white); n != 0 {
			t.Errorf("raster=%v: transparent image half has %d black pixels", rm, n)
		}
		if rm {
			if n := got.canvas.Ink(box); n != box.Dx()*box.Dy() {
				t.Errorf("raster: black box has %d of %d black", n, box.Dx()*box.Dy())
			}
		} else {
			want := fmt.Sprintf("BAR %d,%d,%d,%d", box.Min.X, box.Min.Y, box.Dx(), box.Dy())
			if !contains(got.commands, want) {
				t.Errorf("filled box: want %q in %q", want, got.commands)
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestCommands(t *testing.T) {
	t.Parallel()
	l := rastertest.GoldenLabels(t)["barcodes"]
	out, err := Encode(context.Background(), l, Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := parse(t, out, 800, 640)
	if p.size != "SIZE 100 mm,80 mm" {
		t.Errorf("size %q", p.size)
	}
	// Bars at the layout's bars (EAN-13's and UPC-A's first digit is
	// printed outside them), the printer's line off (readable 0); Code 128
	// "ABC-123^~_" is a bitmap: the printer's code-set packing of its
	// digits could change its width (raster.Code128Fixed).
	for _, prefix := range []string{`BARCODE 440,32,"39",80,0,0,2,4,"CODE 39"`,
		`BARCODE 48,176,"EAN13",96,0,0,2,2,"400638133393"`, `BARCODE 456,176,"UPCA",96,0,0,2,2,"03600029145"`,
		`QRCODE 32,352,M,9,A,0,"HELLO 123"`, `DMATRIX 440,352,`} {
		found := false
		for _, c := range p.commands {
			if strings.HasPrefix(c, prefix) {
				found = true
			}
		}
		if !found {
			t.Errorf("missing %s in %q", prefix, p.commands)
		}
	}
	if got := quote(`say "hi"`); got != `"say \["]hi\["]"` {
		t.Errorf("quote = %s", got)
	}
}
