package encode

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/png"
	"strings"
	"testing"

	"github.com/labelbridge/labelbridge/printing/label"
	"github.com/labelbridge/labelbridge/printing/raster"
)

// worstCaseLabel is the most expensive label the budgets allow, roughly: a
// 100×150 mm label at 600 dpi with a full-size image decoded from a
// 16-megapixel PNG, then thick diagonal lines added until one more would go
// over the work budget.
func worstCaseLabel(b *testing.B) *label.Label {
	b.Helper()
	img := image.NewGray(image.Rect(0, 0, 4000, 4000))
	for y := range 4000 {
		for x := range 4000 {
			img.Pix[y*img.Stride+x] = uint8((x ^ y) >> 4)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		b.Fatal(err)
	}
	els := []string{`{"type":"image","x":0,"y":0,"width":100,"height":150,"data":"` + base64.StdEncoding.EncodeToString(buf.Bytes()) + `"}`}
	build := func(lines int) *label.Label {
		all := els
		for i := range lines {
			all = append(all, fmt.Sprintf(`{"type":"line","x1":0,"y1":%d,"x2":100,"y2":150,"thickness":10}`, i%150))
		}
		l, err := label.Parse([]byte(`{"width":100,"height":150,"dpi":600,"elements":[` + strings.Join(all, ",") + `]}`))
		if err != nil {
			b.Fatal(err)
		}
		return l
	}
	n := 0
	for ; n < 1000; n++ {
		if _, err := raster.Layout(b.Context(), build(n+1), raster.Options{}); err != nil {
			break
		}
	}
	return build(n)
}

// BenchmarkWorstCaseLabel encodes (ZPL) and previews the worst-case label.
// Peak RSS: /usr/bin/time -v go test -run '^$' -bench BenchmarkWorstCaseLabel ./printing/encode
func BenchmarkWorstCaseLabel(b *testing.B) {
	l := worstCaseLabel(b)
	for _, what := range []string{"zpl", "preview"} {
		b.Run(what, func(b *testing.B) {
			var est, used int64
			for b.Loop() {
				p, err := raster.Layout(b.Context(), l, raster.Options{})
				if err != nil {
					b.Fatal(err)
				}
				if what == "zpl" {
					_, err = encoders["zpl"](p, false)
				} else {
					_, err = raster.Preview(p)
				}
				if err != nil {
					b.Fatal(err)
				}
				est, used = p.Estimate(), p.Used()
			}
			b.ReportMetric(float64(est)/1e6, "Mdots-estimate")
			b.ReportMetric(float64(used)/1e6, "Mdots-drawn")
		})
	}
}
