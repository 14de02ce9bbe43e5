package encode

import (
	"fmt"
	"os"
	"testing"

	"github.com/labelbridge/labelbridge/printing/label"
)

// courierV2 is a Korean courier label (100×150 mm) that uses the label
// model v2: text boxes with wrap, align, shrink and ellipsis, bold and
// reversed text, a rounded frame, an ellipse, GS1-128 (SSCC), PDF417 and
// a QR code with ecc Q.
func courierV2(tb testing.TB) *label.Label {
	tb.Helper()
	data, err := os.ReadFile("../../testdata/labels/courier-v2-ko.json")
	if err != nil {
		tb.Fatal(err)
	}
	l, err := label.Parse(data)
	if err != nil {
		tb.Fatal(err)
	}
	return l
}

// TestCourierV2 encodes the v2 courier label in every language at 203 and
// 300 dpi, natively and as one bitmap.
func TestCourierV2(t *testing.T) {
	l := courierV2(t)
	for _, lang := range Languages() {
		for _, dpi := range []int{203, 300} {
			for _, rm := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%d/raster=%v", lang, dpi, rm), func(t *testing.T) {
					out, err := Label(t.Context(), l, lang, Options{DPI: dpi, Raster: rm})
					if err != nil {
						t.Fatal(err)
					}
					if len(out) < 1000 {
						t.Errorf("only %d bytes", len(out))
					}
				})
			}
		}
	}
}

// BenchmarkCourierV2 lays out and encodes the v2 courier label per
// language (203 dpi) and reports the bytes sent per label.
func BenchmarkCourierV2(b *testing.B) {
	for _, lang := range Languages() {
		b.Run(lang, func(b *testing.B) {
			l := courierV2(b)
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
		})
	}
}
