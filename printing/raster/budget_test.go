package raster

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/printing/label"
)

// diagonalsLabel is the 63 KB label that took ~15 CPU-minutes: n lines of
// 20 mm across a 2 m × 57 mm label at 600 dpi.
func diagonalsLabel(n int) []byte {
	var els []string
	for range n {
		els = append(els, `{"type":"line","x1":0,"y1":0,"x2":2000,"y2":57,"thickness":20}`)
	}
	return []byte(`{"width":2000,"height":57,"dpi":600,"elements":[` + strings.Join(els, ",") + `]}`)
}

func parse(t testing.TB, data []byte) *label.Label {
	t.Helper()
	l, err := label.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestThickDiagonalsOnHugeLabelTooComplex(t *testing.T) {
	data := diagonalsLabel(1000)
	l := parse(t, data)
	p, err := Layout(t.Context(), l, Options{})
	if err == nil {
		_, err = p.Render()
	}
	if printing.ReasonOf(err, "") != printing.ErrReasonTooComplex {
		t.Fatalf("%d-byte label of thick diagonals: got %v, want too_complex", len(data), err)
	}
	if !strings.Contains(err.Error(), "elements[") || !strings.Contains(err.Error(), "line would draw") {
		t.Errorf("error does not name the element: %v", err)
	}
}

// pngOf returns a base64 two-colour PNG of w×h (a few KB even when big).
func pngOf(t testing.TB, w, h int) string {
	t.Helper()
	img := image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{color.White, color.Black})
	for i := 0; i < w && i < h; i++ {
		img.Pix[i*img.Stride+i] = 1
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}

// withSize rewrites a PNG's IHDR to claim w×h (and fixes its CRC).
func withSize(t *testing.T, b64 string, w, h uint32) string {
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	binary.BigEndian.PutUint32(raw[16:], w)
	binary.BigEndian.PutUint32(raw[20:], h)
	binary.BigEndian.PutUint32(raw[29:], crc32.ChecksumIEEE(raw[12:29]))
	return base64.StdEncoding.EncodeToString(raw)
}

func TestImagesRefusedBeforeDecoding(t *testing.T) {
	big := pngOf(t, 4000, 4000) // 16 million pixels each: within the per-image cap
	img := func(x int, data string) string {
		return fmt.Sprintf(`{"type":"image","x":%d,"y":0,"width":30,"height":30,"data":"%s"}`, x, data)
	}
	t.Run("header claims 30000x30000", func(t *testing.T) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := label.Parse([]byte(`{"width":100,"height":40,"elements":[` + img(0, withSize(t, pngOf(t, 8, 8), 30000, 30000)) + `]}`))
		runtime.ReadMemStats(&after)
		if label.ReasonOf(err) != label.ReasonInvalid || !strings.Contains(err.Error(), "30000×30000") {
			t.Fatalf("got %v, want invalid_label naming 30000×30000", err)
		}
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
			t.Errorf("refusing it allocated %d bytes", grew)
		}
	})
	t.Run("three 16-megapixel images on one label", func(t *testing.T) {
		data := []byte(`{"width":100,"height":40,"elements":[` + img(0, big) + "," + img(35, big) + "," + img(70, big) + `]}`)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		l, err := label.Parse(data)
		if err == nil {
			_, err = Layout(t.Context(), l, Options{})
		}
		runtime.ReadMemStats(&after)
		if printing.ReasonOf(err, "") != printing.ErrReasonTooComplex || !strings.Contains(err.Error(), "elements[2].data") {
			t.Fatalf("got %v, want too_complex naming elements[2].data", err)
		}
		// Decoding one of them takes 16 MB; refusing takes none.
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 8<<20 {
			t.Errorf("parsing and refusing the label allocated %d MB", grew>>20)
		}
	})
}

// TestUnknownFamiliesSpawnNoProcessPerName resolves many distinct unknown
// font families in a child process whose PATH holds fake fc-match and
// fc-list that log each run: fontconfig runs a bounded number of times,
// not once per name, and the family cache stays bounded.
func TestUnknownFamiliesSpawnNoProcessPerName(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("shell-script fakes")
	}
	const names = 300
	if dir := os.Getenv("LB_FAMILY_CHILD"); dir != "" {
		for i := range names {
			if got := resolveFamily(fmt.Sprintf("No Such Family %d", i)); len(got) != 0 {
				t.Fatalf("resolved a family that does not exist: %v", got)
			}
		}
		if n := familyCache.m.len(); n > maxCachedFamilies {
			t.Fatalf("family cache holds %d entries", n)
		}
		return
	}
	bin := t.TempDir()
	log := filepath.Join(bin, "runs.log")
	for _, name := range []string{"fc-match", "fc-list"} {
		script := "#!/bin/sh\necho " + name + " >> '" + log + "'\n"
		if err := os.WriteFile(filepath.Join(bin, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestUnknownFamiliesSpawnNoProcessPerName$")
	cmd.Env = append(os.Environ(), "LB_FAMILY_CHILD="+bin, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	runs, _ := os.ReadFile(log)
	if n := strings.Count(string(runs), "\n"); n > 3 {
		t.Errorf("resolving %d unknown families ran fontconfig %d times", names, n)
	}
}

// cancelAfter is a context that reports itself cancelled after n checks:
// a cancellation that lands in the middle of a render, deterministically.
type cancelAfter struct {
	context.Context
	n atomic.Int64
}

func (c *cancelAfter) Err() error {
	if c.n.Add(-1) < 0 {
		return context.Canceled
	}
	return nil
}

func TestCancelledContextStopsRender(t *testing.T) {
	l := parse(t, diagonalsLabel(4)) // within budget, about a second of drawing
	t.Run("before", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if _, err := Layout(ctx, l, Options{}); !errors.Is(err, context.Canceled) {
			t.Fatalf("Layout with a cancelled context: %v", err)
		}
	})
	t.Run("during", func(t *testing.T) {
		ctx := &cancelAfter{Context: t.Context()}
		ctx.n.Store(50)
		p, err := Layout(ctx, l, Options{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = p.Render()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Render after cancel: %v, want context.Canceled", err)
		}
		if p.Used() > p.Estimate()/4 {
			t.Errorf("kept drawing after the cancel: %d of %d dots", p.Used(), p.Estimate())
		}
	})
}

// FuzzLabelBudget: any label Parse accepts either fails to lay out or draws
// (as a canvas, as encoder graphics, and as a preview) within its estimate,
// and the estimate within the budget.
func FuzzLabelBudget(f *testing.F) {
	more, _ := filepath.Glob("rastertest/testdata/*.json")
	for _, file := range more {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	for _, s := range []string{
		`{"width":50,"height":30,"unit":"dot","elements":[{"type":"line","x1":0,"y1":0,"x2":50,"y2":30,"thickness":9}]}`,
		`{"width":300,"height":200,"unit":"dot","elements":[{"type":"line","x1":3,"y1":190,"x2":290,"y2":2,"thickness":1},{"type":"line","x1":10,"y1":0,"x2":11,"y2":200,"thickness":40}]}`,
		`{"width":40,"height":30,"elements":[{"type":"box","x":1,"y":1,"width":30,"height":20,"thickness":0.5},{"type":"text","x":2,"y":2,"text":"Ab\u0301\u0301\u0301","size":3,"rotation":90}]}`,
		`{"width":60,"height":40,"elements":[{"type":"barcode","symbology":"code128","x":2,"y":2,"data":"ABC-1","rotation":180},{"type":"barcode","symbology":"qr","x":30,"y":2,"data":"hi","size":20}]}`,
		`{"width":1,"height":1,"unit":"dot","elements":[]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := label.Parse(data)
		if err != nil {
			return
		}
		if w, h := l.SizeDots(l.UnitDPI()); int64(w)*int64(h) > 4<<20 {
			return // keep iterations fast; big labels are covered by the tests above
		}
		for _, path := range []string{"render", "graphics", "preview"} {
			p, err := Layout(t.Context(), l, Options{})
			if err != nil {
				if label.ReasonOf(err) == "" {
					t.Fatalf("layout: error without a reason: %v", err)
				}
				return
			}
			if p.Estimate() > MaxWorkDots {
				t.Fatalf("estimate %d over the budget %d", p.Estimate(), MaxWorkDots)
			}
			switch path {
			case "render":
				_, err = p.Render()
			case "graphics":
				_, err = p.Graphics(p.Items)
			case "preview":
				_, err = Preview(p)
			}
			if err != nil && label.ReasonOf(err) == "" {
				t.Fatalf("%s: error without a reason: %v", path, err)
			}
			if p.Used() > p.Estimate() {
				t.Fatalf("%s used %d dots, over its estimate of %d", path, p.Used(), p.Estimate())
			}
		}
	})
}
