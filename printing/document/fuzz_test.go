package document_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/jpeg"
	"image/png"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/printing/document"
)

// FuzzDocument feeds arbitrary params and file bytes through Parse and
// Render: every input ends in pages or an error with an API reason, never
// a panic or a hang. Labels are kept small (20×20 mm at 152 dpi) so each
// iteration is fast.
func FuzzDocument(f *testing.F) {
	var pngBuf, jpgBuf bytes.Buffer
	img := image.NewGray(image.Rect(0, 0, 16, 9))
	img.Pix[3] = 0
	_ = png.Encode(&pngBuf, img)
	_ = jpeg.Encode(&jpgBuf, img, nil)
	f.Add(`{"fit":"cover","rotate":90}`, pngBuf.Bytes())
	f.Add(`{"crop":"content","dither":"ordered","threshold":200}`, jpgBuf.Bytes())
	f.Add(`{"pages":"1-","fit":"actual"}`, minimalPDF(288))
	f.Add(`{"pages":"2"}`, minimalPDF(72))
	f.Add(`{"rotate":"auto","dither":"floyd-steinberg"}`, []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF"))
	f.Fuzz(func(t *testing.T, params string, data []byte) {
		var m map[string]any
		if json.Unmarshal([]byte(params), &m) != nil || m == nil {
			m = map[string]any{}
		}
		format := document.Sniff(data)
		if format == "" {
			format = "png"
		}
		m["format"], m["base64"] = format, base64.StdEncoding.EncodeToString(data)
		m["width"], m["height"], m["unit"] = 20, 20, "mm"
		raw, _ := json.Marshal(m)
		p, err := document.Parse(raw)
		if err != nil {
			if printing.ReasonOf(err, "") == "" {
				t.Fatalf("Parse error without a reason: %v", err)
			}
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		pages, err := document.Render(ctx, p, 152)
		if err != nil {
			if printing.ReasonOf(err, "") == "" && ctx.Err() == nil {
				t.Fatalf("Render error without a reason: %v", err)
			}
			return
		}
		for _, pg := range pages {
			if pg.Bitmap.W != 120 || pg.Bitmap.H != 120 {
				t.Fatalf("page %d is %d×%d, want the 120×120 dot label", pg.Number, pg.Bitmap.W, pg.Bitmap.H)
			}
		}
	})
}
