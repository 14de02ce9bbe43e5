package zpl

import (
	"context"
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/labelbridge/labelbridge/printing/label"
	"github.com/labelbridge/labelbridge/printing/raster"
	"github.com/labelbridge/labelbridge/printing/raster/rastertest"
)

// Printer-drawn parts (issue 13): our ZPL drawn by the independent
// renderer (zpl-renderer-js, zebrash) against our preview, on label sets
// of our own (testdata/printed) at 203 and 300 dpi: grid-* hold every
// symbology at each rotation, the 1D ones at two module widths. Every
// barcode decodes from both, and each barcode's ink (bars, modules,
// human-readable line, guard bars) has the same bounding box in both, to
// a dot.

// partMargin is how far around an item's bounds its ink is looked for.
const partMargin = 12

// inkBox returns the bounding box of the ink of img inside r.
func inkBox(img *raster.Bitmap, r image.Rectangle) image.Rectangle {
	r = r.Intersect(img.Rect())
	return img.Sub(r).InkBounds().Add(r.Min)
}

// edgeDiff is the largest distance between the matching edges of a and b.
func edgeDiff(a, b image.Rectangle) int {
	if a.Empty() != b.Empty() {
		return 1 << 20
	}
	d := 0
	for _, v := range []int{a.Min.X - b.Min.X, a.Min.Y - b.Min.Y, a.Max.X - b.Max.X, a.Max.Y - b.Max.Y} {
		d = max(d, v, -v)
	}
	return d
}

// partKey names an item for the report: symbology and rotation.
func partKey(it *raster.Item) string {
	if it.Rotation != 0 {
		return fmt.Sprintf("%s@%d", it.Symbology, it.Rotation)
	}
	return it.Symbology
}

// partDiffs returns, per barcode item, the distance between the preview's
// and the renderer's ink boxes around it.
func partDiffs(p *raster.Plan, preview, printed *raster.Bitmap) map[*raster.Item]int {
	out := map[*raster.Item]int{}
	for _, it := range p.Items {
		if it.Type != label.TypeBarcode {
			continue
		}
		r := it.Bounds.Inset(-partMargin)
		out[it] = edgeDiff(inkBox(preview, r), inkBox(printed, r))
	}
	return out
}

func printedLabels(t *testing.T) map[string]*label.Label {
	files, err := filepath.Glob("testdata/printed/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no labels in testdata/printed: %v", err)
	}
	out := map[string]*label.Label{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		l, err := label.Parse(data)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[strings.TrimSuffix(filepath.Base(f), ".json")] = l
	}
	return out
}

// zebrashLacks says which symbologies zebrash cannot draw (see
// TestRenderDecode).
func zebrashLacks(it *raster.Item) string {
	switch it.Symbology {
	case label.UPCA, label.EAN8, label.UPCE, label.Codabar:
		return "zebrash does not implement ^BU, ^B8, ^B9 or ^BK"
	}
	return ""
}

// zebrashSizesItsOwn says which symbols zebrash draws at a size of its own
// choosing: it ignores ^B7's column count (and so picks other rows), so a
// native PDF417 decodes from its image but has another shape than the
// printer's, which follows the columns and rows we send.
func zebrashSizesItsOwn(it *raster.Item) string {
	if it.Symbology == label.PDF417 && it.Rotation == 0 {
		return "zebrash ignores ^B7's columns"
	}
	return zebrashLacks(it)
}

func TestPrinterDrawnPartsMatchPreview(t *testing.T) {
	worst := map[string]int{}
	for name, l := range printedLabels(t) {
		for _, dpi := range []int{203, 300} {
			t.Run(fmt.Sprintf("%s/%d", name, dpi), func(t *testing.T) {
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
				printed := raster.FromImage(render(t, z, l, dpi))
				margin := int(3 * float64(dpi) / 25.4)
				t.Run("preview", func(t *testing.T) { rastertest.CheckBarcodes(t, preview, p, margin, nil) })
				t.Run("zebrash", func(t *testing.T) { rastertest.CheckBarcodes(t, printed, p, margin, zebrashLacks) })
				for it, d := range partDiffs(p, preview, printed) {
					if zebrashSizesItsOwn(it) != "" {
						continue
					}
					k := partKey(it)
					worst[k] = max(worst[k], d)
					if d > 1 {
						r := it.Bounds.Inset(-partMargin)
						t.Errorf("elements[%d] %s: printed ink %v, preview ink %v (%d dots apart)\n%s",
							it.Index, k, inkBox(printed, r), inkBox(preview, r), d, z)
					}
				}
			})
		}
	}
	var keys []string
	for k := range worst {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("%-16s printed vs preview: %d dots at most", k, worst[k])
	}
}

// TestQRAtTheBottomPrintsWhereLaidOut puts a QR code flush with the label's
// bottom edge (and one at its top, nearer than the ^BQ origin shift): each
// prints exactly where the preview shows it, whole, and decodes.
func TestQRAtTheBottomPrintsWhereLaidOut(t *testing.T) {
	for _, dpi := range []int{203, 300} {
		t.Run(fmt.Sprint(dpi), func(t *testing.T) {
			const w, h = 400, 300 // dots
			mk := func(y float64) *label.Label {
				l := &label.Label{Width: w, Height: h, Unit: label.UnitDot, DPI: dpi, Elements: []label.Element{
					{Type: label.TypeBarcode, Symbology: label.QR, X: 20, Y: y, Data: "BOTTOM-EDGE-QR", Module: 4},
					{Type: label.TypeBarcode, Symbology: label.QR, X: 250, Y: 4, Data: "TOP-QR", Module: 4},
				}}
				if err := l.Validate(); err != nil {
					t.Fatal(err)
				}
				return l
			}
			probe, err := raster.Layout(context.Background(), mk(0), Options{DPI: dpi})
			if err != nil {
				t.Fatal(err)
			}
			side := probe.Items[0].Bounds.Dy()
			l := mk(float64(h - side))
			p, err := raster.Layout(context.Background(), l, Options{DPI: dpi})
			if err != nil {
				t.Fatalf("a QR code flush with the bottom edge must fit: %v", err)
			}
			if b := p.Items[0].Bounds; b.Max.Y != h || b.Dy() != side {
				t.Fatalf("QR laid out at %v, want flush with the bottom (%d) and %d tall", b, h, side)
			}
			z, err := EncodePlan(p, false)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(z), fmt.Sprintf("^FO20,%d^BQN", h-side-QROriginShift)) {
				t.Errorf("the bottom QR code is not sent %d dots higher than laid out:\n%s", QROriginShift, z)
			}
			preview, err := p.Render()
			if err != nil {
				t.Fatal(err)
			}
			printed := raster.FromImage(render(t, z, l, dpi))
			rastertest.CheckBarcodes(t, printed, p, 8, nil)
			for it, d := range partDiffs(p, preview, printed) {
				if d > 0 {
					r := it.Bounds.Inset(-partMargin)
					t.Errorf("elements[%d]: printed ink %v, preview %v", it.Index, inkBox(printed, r), inkBox(preview, r))
				}
			}
		})
	}
}

// TestWideModuleLineFitsOrIsRefused puts Code 128 at ^BY3–^BY6 with its
// human-readable line (which grows with the module) flush with the
// label's bottom edge: it fits exactly, prints as previewed, and a dot
// lower it is refused with an error naming the element.
func TestWideModuleLineFitsOrIsRefused(t *testing.T) {
	for _, dpi := range []int{203, 300} {
		for _, m := range []int{3, 4, 5, 6} {
			t.Run(fmt.Sprintf("%d/BY%d", dpi, m), func(t *testing.T) {
				mk := func(y float64) *label.Label {
					l := &label.Label{Width: 800, Height: 400, Unit: label.UnitDot, DPI: dpi, Elements: []label.Element{
						{Type: label.TypeBarcode, Symbology: label.Code128, X: 10, Y: y, Data: "WIDE-7", Module: float64(m), Height: 60}}}
					if err := l.Validate(); err != nil {
						t.Fatal(err)
					}
					return l
				}
				probe, err := raster.Layout(context.Background(), mk(0), Options{DPI: dpi})
				if err != nil {
					t.Fatal(err)
				}
				it := probe.Items[0]
				if it.HRICap < float64(raster.HRIModuleCap*m) {
					t.Errorf("line cap height %.0f at module %d, want at least %d", it.HRICap, m, raster.HRIModuleCap*m)
				}
				top := 400 - it.Bounds.Dy()
				l := mk(float64(top))
				p, err := raster.Layout(context.Background(), l, Options{DPI: dpi})
				if err != nil {
					t.Fatalf("flush with the bottom edge: %v", err)
				}
				if b := p.Items[0].Bounds; b.Max.Y != 400 {
					t.Fatalf("laid out at %v", b)
				}
				z, err := EncodePlan(p, false)
				if err != nil {
					t.Fatal(err)
				}
				preview, err := p.Render()
				if err != nil {
					t.Fatal(err)
				}
				printed := raster.FromImage(render(t, z, l, dpi))
				rastertest.CheckBarcodes(t, printed, p, 8, nil)
				for it, d := range partDiffs(p, preview, printed) {
					if d > 0 {
						r := it.Bounds.Inset(-partMargin)
						t.Errorf("elements[%d]: printed ink %v, preview %v", it.Index, inkBox(printed, r), inkBox(preview, r))
					}
				}
				if ink := inkBox(printed, image.Rect(0, 0, 800, 400)); ink.Max.Y > 400 || ink.Empty() {
					t.Errorf("printed ink %v", ink)
				}
				_, err = raster.Layout(context.Background(), mk(float64(top+2)), Options{DPI: dpi})
				var le *label.Error
				if !errors.As(err, &le) || le.Field != "elements[0].data" || !strings.Contains(err.Error(), "runs off the label") {
					t.Errorf("two dots lower: got %v, want an error naming elements[0] that runs off the label", err)
				}
			})
		}
	}
}
