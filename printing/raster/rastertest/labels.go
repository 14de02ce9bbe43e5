package rastertest

import (
	"bytes"
	"flag"
	"image"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/labelbridge/labelbridge/printing/label"
	"github.com/labelbridge/labelbridge/printing/raster"
)

var update = flag.Bool("update", false, "rewrite golden files with the current output")

// LoadLabel parses a label file relative to the repository root, e.g.
// "testdata/labels/product-ko.json".
func LoadLabel(tb testing.TB, rel string) *label.Label {
	tb.Helper()
	root, err := RepoRoot()
	if err != nil {
		tb.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(root, rel))
	if err != nil {
		tb.Fatal(err)
	}
	l, err := label.Parse(data)
	if err != nil {
		tb.Fatalf("%s: %v", rel, err)
	}
	return l
}

// GoldenLabels returns the labels every language's golden tests encode
// (printing/raster/rastertest/testdata/*.json), by name. They use only
// printer fonts and the built-in Go font, so their output does not depend on
// the machine's fonts.
func GoldenLabels(tb testing.TB) map[string]*label.Label {
	tb.Helper()
	root, err := RepoRoot()
	if err != nil {
		tb.Fatal(err)
	}
	dir := filepath.Join(root, "printing", "raster", "rastertest", "testdata")
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no golden labels in %s: %v", dir, err)
	}
	out := map[string]*label.Label{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		l, err := label.Parse(data)
		if err != nil {
			tb.Fatalf("%s: %v", f, err)
		}
		out[strings.TrimSuffix(filepath.Base(f), ".json")] = l
	}
	return out
}

// SortedNames returns map keys in order.
func SortedNames[V any](m map[string]V) []string {
	var names []string
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// Golden compares got with the file at path (relative to the test's
// package directory), rewriting it under -update.
func Golden(tb testing.TB, path string, got []byte) {
	tb.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("golden file missing (run go test -update): %v", err)
	}
	if !bytes.Equal(got, want) {
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		lo := max(0, i-40)
		tb.Errorf("%s: output differs from golden at byte %d of %d (golden %d bytes)\n got: %q\nwant: %q\n(run go test -update to accept)",
			path, i, len(got), len(want), snippet(got, lo, i+40), snippet(want, lo, i+40))
	}
}

func snippet(b []byte, lo, hi int) []byte {
	if lo > len(b) {
		return nil
	}
	return b[lo:min(hi, len(b))]
}

// CheckBarcodes decodes every barcode item of p from img (margin dots of
// slack around each) and reports any that does not read back as its data.
// skip may exclude items (returning a reason, logged).
func CheckBarcodes(t *testing.T, img image.Image, p *raster.Plan, margin int, skip func(*raster.Item) string) {
	t.Helper()
	n := 0
	for _, it := range p.Items {
		if it.Type != label.TypeBarcode {
			continue
		}
		if skip != nil {
			if why := skip(it); why != "" {
				t.Logf("elements[%d] %s: skipped: %s", it.Index, it.Symbology, why)
				continue
			}
		}
		want, ok := Expected(it)
		if !ok {
			t.Logf("elements[%d] %s: no decoder in gozxing", it.Index, it.Symbology)
			continue
		}
		got, err := Decode(img, it.Bounds, margin, it.Rotation, it.Symbology)
		if err != nil {
			t.Errorf("elements[%d] %s %q at %v (rotation %d): does not decode: %v", it.Index, it.Symbology, it.Data, it.Bounds, it.Rotation, err)
			continue
		}
		if got != want {
			t.Errorf("elements[%d] %s: decoded %q, want %q", it.Index, it.Symbology, got, want)
		}
		n++
	}
	if n == 0 {
		t.Errorf("no barcode was checked")
	}
}

// Diff counts pixels that differ between a and b inside r.
func Diff(a, b image.Image, r image.Rectangle) int {
	ba, bb := toBitmap(a), toBitmap(b)
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if ba.Get(x, y) != bb.Get(x, y) {
				n++
			}
		}
	}
	return n
}

func toBitmap(img image.Image) *raster.Bitmap {
	if b, ok := img.(*raster.Bitmap); ok {
		return b
	}
	return raster.FromImage(img)
}
