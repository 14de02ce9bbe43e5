package zpl

import (
	"context"
	"fmt"
	"image"
	"math"
	"strings"
	"testing"

	"github.com/labelbridge/labelbridge/printing/label"
	"github.com/labelbridge/labelbridge/printing/raster"
	"github.com/labelbridge/labelbridge/printing/raster/rastertest"
)

func TestGolden(t *testing.T) {
	labels := rastertest.GoldenLabels(t)
	for _, name := range rastertest.SortedNames(labels) {
		for _, mode := range []struct {
			suffix string
			raster bool
		}{{"", false}, {".raster", true}} {
			t.Run(name+mode.suffix, func(t *testing.T) {
				out, err := Encode(context.Background(), labels[name], Options{Raster: mode.raster})
				if err != nil {
					t.Fatal(err)
				}
				rastertest.Golden(t, "testdata/golden/"+name+mode.suffix+".zpl", out)
			})
		}
	}
}

// dpmm is the renderer's dots per millimetre for a dpi.
func dpmm(dpi int) int { return int(math.Round(float64(dpi) / 25.4)) }

// render draws our ZPL with the independent renderer.
func render(t *testing.T, zpl []byte, l *label.Label, dpi int) image.Image {
	t.Helper()
	r := rastertest.StartZPLRenderer(t)
	// zebrash centres ^PW on its canvas: make the canvas exactly the label
	// in dots, so positions compare one to one.
	w, h := l.SizeDots(dpi)
	d := dpmm(dpi)
	img, err := r.Render(string(zpl), float64(w)/float64(d), float64(h)/float64(d), d)
	if err != nil {
		t.Fatalf("render: %v\n%s", err, zpl)
	}
	return img
}

// TestRenderDecode draws our ZPL with zpl-renderer-js (zebrash) and our own
// preview, and decodes every barcode from both at 203 and 300 dpi.
func TestRenderDecode(t *testing.T) {
	labels := map[string]*label.Label{
		"shipping": rastertest.LoadLabel(t, "testdata/labels/shipping-all-symbologies.json"),
		"product":  rastertest.LoadLabel(t, "testdata/labels/product-ko.json"),
	}
	for name, l := range rastertest.GoldenLabels(t) {
		labels["golden-"+name] = l
	}
	// zebrash has no ^BU (UPC-A); everything else must decode from its
	// render. Native rotated QR does not exist in ZPL (we send a bitmap).
	noUPC := func(it *raster.Item) string {
		switch it.Symbology {
		case label.UPCA:
			return "zebrash does not implement ^BU (UPC-A)"
		case label.EAN8, label.UPCE, label.Codabar:
			return "zebrash does not implement ^B8, ^B9 or ^BK"
		}
		return ""
	}
	for _, name := range rastertest.SortedNames(labels) {
		l := labels[name]
		for _, dpi := range []int{203, 300} {
			t.Run(fmt.Sprintf("%s/%d", name, dpi), func(t *testing.T) {
				p, err := raster.Layout(context.Background(), l, Options{DPI: dpi})
				if err != nil {
					t.Fatal(err)
				}
				if !hasBarcode(p) {
					t.Skip("no barcodes")
				}
				margin := int(3 * float64(dpi) / 25.4)
				preview, err := p.Render()
				if err != nil {
					t.Fatal(err)
				}
				t.Run("preview", func(t *testing.T) { rastertest.CheckBarcodes(t, preview, p, margin, nil) })
				for _, rm := range []bool{false, true} {
					z, err := EncodePlan(p, rm)
					if err != nil {
						t.Fatal(err)
					}
					img := render(t, z, l, dpi)
					t.Run(fmt.Sprintf("zebrash/raster=%v", rm), func(t *testing.T) {
						skip := noUPC
						if rm {
							skip = nil // our own bitmap: UPC-A included
						}
						rastertest.CheckBarcodes(t, img, p, margin, skip)
					})
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

// TestHangulMatchesPreview checks that Korean text prints (ink where the
// text is) and that zebrash draws our ^GF exactly as our preview does.
func TestHangulMatchesPreview(t *testing.T) {
	l := rastertest.LoadLabel(t, "testdata/labels/product-ko.json")
	for _, dpi := range []int{203, 300} {
		t.Run(fmt.Sprint(dpi), func(t *testing.T) {
			p, err := raster.Layout(context.Background(), l, Options{DPI: dpi})
			if err != nil {
				t.Fatal(err)
			}
			preview, err := p.Render()
			if err != nil {
				t.Fatal(err)
			}
			z, err := EncodePlan(p, false)
			if err != nil {
				t.Fatal(err)
			}
			img := render(t, z, l, dpi)
			checked := 0
			for _, it := range p.Items {
				if it.Type != label.TypeText || it.PrinterFont || !hasHangul(it.Text) {
					continue
				}
				r := it.Bounds
				ink := preview.Ink(r)
				if ink < r.Dx()*r.Dy()/50 {
					t.Errorf("elements[%d]: only %d ink pixels in %v", it.Index, ink, r)
				}
				diff := rastertest.Diff(preview, img, r)
				if diff > ink/100 { // within 1% of the ink
					t.Errorf("elements[%d] %q: %d pixels differ between zebrash and preview (ink %d)", it.Index, it.Text, diff, ink)
				}
				checked++
			}
			if checked == 0 {
				t.Fatal("no Hangul text in the product label")
			}
		})
	}
}

func hasHangul(s string) bool {
	for _, r := range s {
		if r >= 0xAC00 && r <= 0xD7A3 {
			return true
		}
	}
	return false
}

// TestPolarity checks that a black square (a filled box, and an all-black
// image) prints black: natively, as a graphic field, and in raster mode.
func TestPolarity(t *testing.T) {
	l := rastertest.GoldenLabels(t)["graphics"]
	p, err := raster.Layout(context.Background(), l, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, rm := range []bool{false, true} {
		z, err := EncodePlan(p, rm)
		if err != nil {
			t.Fatal(err)
		}
		img := render(t, z, l, p.DPI)
		got := raster.FromImage(img)
		box := p.Items[0].Bounds                                                       // the filled box
		img0 := p.Items[1].Bounds                                                      // image: left half black
		half := image.Rect(img0.Min.X, img0.Min.Y, img0.Min.X+img0.Dx()/2, img0.Max.Y) // black part
		white := image.Rect(img0.Min.X+img0.Dx()/2+1, img0.Min.Y, img0.Max.X, img0.Max.Y)
		for _, c := range []struct {
			name  string
			r     image.Rectangle
			black bool
		}{{"box", box, true}, {"image black half", half, true}, {"image transparent half", white, false}} {
			ink := got.Ink(c.r)
			area := c.r.Dx() * c.r.Dy()
			if c.black && ink != area || !c.black && ink != 0 {
				t.Errorf("raster=%v %s %v: %d of %d pixels black", rm, c.name, c.r, ink, area)
			}
		}
		if !rm && !strings.Contains(string(z), "^GB64,64,64") {
			t.Errorf("filled box not sent natively:\n%s", z)
		}
	}
}

func TestCopiesAndSize(t *testing.T) {
	t.Parallel()
	l := &label.Label{Width: 50, Height: 25, Copies: 3, Elements: []label.Element{{Type: "box", Width: 10, Height: 10}}}
	if err := l.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		dpi  int
		want []string
	}{
		{203, []string{"^PW400", "^LL200", "^PQ3", "^CI28"}},
		{300, []string{"^PW591", "^LL295", "^PQ3"}},
	} {
		out, err := Encode(context.Background(), l, Options{DPI: tc.dpi})
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range tc.want {
			if !strings.Contains(string(out), w) {
				t.Errorf("dpi %d: missing %s in\n%s", tc.dpi, w, out)
			}
		}
	}
}

func TestFieldDataEscapes(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"plain":     "^FDplain^FS",
		"a^b~c_d":   "^FH_^FDa_5Eb_7Ec_5Fd^FS",
		"tab\there": "^FH_^FDtab_09here^FS",
		"under_ok":  "^FDunder_ok^FS",
	} {
		if got := fieldData(in); got != want {
			t.Errorf("fieldData(%q) = %q, want %q", in, got, want)
		}
	}
}
