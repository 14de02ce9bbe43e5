package encode

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/labelbridge/labelbridge/printing/label"
)

// FuzzEncode: any label Parse accepts encodes in every language (or fails
// with a reasoned error) without panicking.
func FuzzEncode(f *testing.F) {
	files, _ := filepath.Glob("../../testdata/labels/*.json")
	more, _ := filepath.Glob("../raster/rastertest/testdata/*.json")
	for _, file := range append(files, more...) {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, uint8(0))
	}
	f.Add([]byte(`{"width":5,"height":5,"unit":"dot","elements":[{"type":"line","x1":0,"y1":0,"x2":5,"y2":5,"thickness":9}]}`), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, flags uint8) {
		l, err := label.Parse(data)
		if err != nil {
			return
		}
		opt := Options{Raster: flags&1 != 0}
		if flags&2 != 0 {
			opt.DPI = 300
		}
		for _, lang := range Languages() {
			if _, err := Label(t.Context(), l, lang, opt); err != nil && label.ReasonOf(err) == "" {
				t.Fatalf("%s: error without a reason: %v", lang, err)
			}
		}
		if _, err := Preview(t.Context(), l, opt); err != nil && label.ReasonOf(err) == "" {
			t.Fatalf("preview: error without a reason: %v", err)
		}
	})
}
