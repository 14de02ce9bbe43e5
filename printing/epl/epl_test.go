package epl

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
			rastertest.Golden(t, "testdata/golden/"+name+".epl", out)
		})
	}
}

type parsed struct {
	canvas   *raster.Bitmap // GW graphics drawn (polarity undone)
	commands []string
}

// parse reads our EPL2 back: GW rows are drawn (a 0 bit is black), other
// commands collected.
func parse(t *testing.T, data []byte, w, h int) *parsed {
	t.Helper()
	p := &parsed{canvas: raster.NewBitmap(w, h)}
	if !bytes.HasPrefix(data, []byte("\nN\n")) {
		t.Fatalf("output does not start with LF N: %q", data[:min(10, len(data))])
	}
	data = data[1:]
	for len(data) > 0 {
		j := bytes.IndexByte(data, '\n')
		if j < 0 {
			t.Fatalf("command without LF: %q", data)
		}
		cmd := string(data[:j])
		data = data[j+1:]
		if !strings.HasPrefix(cmd, "GW") {
			p.commands = append(p.commands, cmd)
			continue
		}
		var f [4]int
		for i, s := range strings.Split(cmd[2:], ",") {
			v, err := strconv.Atoi(s)
			if err != nil || i > 3 {
				t.Fatalf("bad GW header %q", cmd)
			}
			f[i] = v
		}
		x, y, wb, rows := f[0], f[1], f[2], f[3]
		n := wb * rows
		if len(data) < n+1 || data[n] != '\n' {
			t.Fatalf("GW data: want %d bytes then LF", n)
		}
		for r := 0; r < rows; r++ {
			for i := 0; i < wb; i++ {
				v := data[r*wb+i]
				for bit := 0; bit < 8; bit++ {
					if v&(0x80>>bit) == 0 { // 0 = black
						p.canvas.Set(x+i*8+bit, y+r)
					}
				}
			}
		}
		data = data[n+1:]
	}
	return p
}

func hasBarcode(p *raster.Plan) bool {
	for _, it := range p.Items {
		if it.Type == label.TypeBarcode {
			return true
		}
	}
	return false
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
				if last := got.commands[len(got.commands)-1]; last != fmt.Sprintf("P%d", p.Copies) {
					t.Errorf("last command %q, want P%d", last, p.Copies)
				}
				if hasBarcode(p) {
					rastertest.CheckBarcodes(t, got.canvas, p, 8, nil)
				}
			})
		}
	}
}

// TestRasterisedBarcodes: QR, Data Matrix and rotated barcodes are sent as
// GW graphics and must decode from our own output.
func TestRasterisedBarcodes(t *testing.T) {
	labels := rastertest.GoldenLabels(t)
	for _, name := range []string{"barcodes", "rotated"} {
		for _, dpi := range []int{203, 300} {
			t.Run(fmt.Sprintf("%s/%d", name, dpi), func(t *testing.T) {
				p, err := raster.Layout(context.Background(), labels[name], Options{DPI: dpi})
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
}

func TestPolarity(t *testing.T) {
	l := rastertest.GoldenLabels(t)["graphics"]
	p, err := raster.Layout(context.Background(), l, Options{})
	if err != nil {
		t.Fatal(err)
	}
	box, img := p.Items[0].Bounds, p.Items[1].Bounds
	half := image.Rect(img.Min.X, img.Min.Y, img.Min.X+img.Dx()/2, img.Max.Y)
	white := image.Rect(half.Max.X, img.Min.Y, img.Max.X, img.Max.Y)
	for _, rm := range []bool{false, true} {
		out, err := EncodePlan(p, rm)
		if err != nil {
			t.Fatal(err)
		}
		got := parse(t, out, p.Width, p.Height)
		if n := got.canvas.Ink(half); n != half.Dx()*half.Dy() {
			t.Errorf("raster=%v: black image half has %d of %d black", rm, n, half.Dx()*half.Dy())
		}
		if n := got.canvas.Ink(white); n != 0 {
			t.Errorf("raster=%v: transparent image half has %d black pixels", rm, n)
		}
		if rm {
			if n := got.canvas.Ink(box); n != box.Dx()*box.Dy() {
				t.Errorf("raster: black box has %d of %d black", n, box.Dx()*box.Dy())
			}
		} else if want := fmt.Sprintf("LO%d,%d,%d,%d", box.Min.X, box.Min.Y, box.Dx(), box.Dy()); !contains(got.commands, want) {
			t.Errorf("filled box: want %q in %q", want, got.commands)
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

func TestPickFont(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		capDots   float64
		dpi       int
		font, mul int
	}{
		{8.4, 203, 1, 1},  // 12-dot cell
		{16.8, 203, 4, 1}, // 24-dot cell
		{33.6, 203, 4, 2}, // 48 dots
		{14, 300, 1, 1},   // 20-dot cell at 300 dpi
		{1000, 203, 4, 9}, // clamps at the largest
	} {
		f, m := pickFont(tc.capDots, tc.dpi)
		if f != tc.font || m != tc.mul {
			t.Errorf("pickFont(%v, %d) = %d×%d, want %d×%d", tc.capDots, tc.dpi, f, m, tc.font, tc.mul)
		}
	}
	if got := quote(`a "b" \c`); got != `"a \"b\" \\c"` {
		t.Errorf("quote = %s", got)
	}
}
