package escpos

import (
	"context"
	"fmt"
	"image"
	"testing"

	"github.com/labelbridge/labelbridge/printing/label"
	"github.com/labelbridge/labelbridge/printing/raster"
	"github.com/labelbridge/labelbridge/printing/raster/rastertest"
)

func TestGolden(t *testing.T) {
	labels := rastertest.GoldenLabels(t)
	wideHeads(labels) // settings_test.go
	for _, name := range rastertest.SortedNames(labels) {
		t.Run(name, func(t *testing.T) {
			out, err := Encode(context.Background(), labels[name], Options{})
			if err != nil {
				t.Fatal(err)
			}
			rastertest.Golden(t, "testdata/golden/"+name+".escpos", out)
		})
	}
}

type parsed struct {
	canvas  *raster.Bitmap // GS v 0 rows drawn where the paper was
	copies  int            // GS V cuts
	natives int            // barcodes printed by the printer
	gsP     int
}

// parse reads our ESC/POS back. Raster rows are drawn at the current paper
// position; ESC J feeds move it in GS P units; a native barcode moves it to
// the end of its band (nativeEnds, in order), as the encoder assumes.
func parse(t *testing.T, data []byte, w, h, dpi int, nativeEnds []int) *parsed {
	t.Helper()
	p := &parsed{canvas: raster.NewBitmap(w, h)}
	y := 0
	unit := 1
	need := func(n int) {
		if len(data) < n {
			t.Fatalf("truncated command % x", data)
		}
	}
	for len(data) > 0 {
		need(2)
		c0, c1 := data[0], data[1]
		switch {
		case c0 == 0x1b && c1 == 0x40: // ESC @
			data = data[2:]
		case c0 == 0x1b && c1 == 0x4a: // ESC J n
			need(3)
			y += int(data[2]) * unit
			data = data[3:]
		case c0 == 0x1d && c1 == 0x50: // GS P x y
			need(4)
			p.gsP = int(data[2])
			unit = dpi / p.gsP
			data = data[4:]
		case c0 == 0x1d && c1 == 0x76: // GS v 0 m xL xH yL yH
			need(8)
			if data[2] != 0x30 || data[3] != 0 {
				t.Fatalf("GS v: want 0x30 0, got % x", data[2:4])
			}
			wb := int(data[4]) | int(data[5])<<8
			rows := int(data[6]) | int(data[7])<<8
			need(8 + wb*rows)
			px := data[8:]
			for r := 0; r < rows; r++ {
				for i := 0; i < wb; i++ {
					v := px[r*wb+i]
					for bit := 0; bit < 8; bit++ {
						if v&(0x80>>bit) != 0 { // 1 = black
							p.canvas.Set(i*8+bit, y+r)
						}
					}
				}
			}
			y += rows
			data = data[8+wb*rows:]
		case c0 == 0x1d && (c1 == 0x4c): // GS L nL nH
			need(4)
			data = data[4:]
		case c0 == 0x1d && (c1 == 0x68 || c1 == 0x77 || c1 == 0x48 || c1 == 0x66): // GS h/w/H/f n
			need(3)
			data = data[3:]
		case c0 == 0x1d && c1 == 0x6b: // GS k m n data
			need(4)
			n := int(data[3])
			need(4 + n)
			data = data[4+n:]
			p.natives++
			if len(nativeEnds) == 0 {
				t.Fatalf("unexpected native barcode")
			}
			y, nativeEnds = nativeEnds[0], nativeEnds[1:]
		case c0 == 0x1d && c1 == 0x28: // GS ( k pL pH cn fn …
			need(5)
			n := int(data[3]) | int(data[4])<<8
			need(5 + n)
			fn := data[6]
			data = data[5+n:]
			if fn == 0x51 { // print the stored symbol
				p.natives++
				if len(nativeEnds) == 0 {
					t.Fatalf("unexpected native QR")
				}
				y, nativeEnds = nativeEnds[0], nativeEnds[1:]
			}
		case c0 == 0x1d && c1 == 0x56: // GS V 66 n
			need(4)
			p.copies++
			data = data[4:]
			if p.copies == 1 && y < h {
				t.Errorf("cut at y=%d before the label's end (%d)", y, h)
			}
		default:
			t.Fatalf("unknown command % x", data[:min(8, len(data))])
		}
	}
	return p
}

// nativeEnds lists where the encoder expects each native band to end.
func nativeEnds(p *raster.Plan) []int {
	unit, _ := motionUnit(p.DPI)
	var ends []int
	for _, b := range bands(p.Items) {
		if len(b.items) == 1 && native(b.items[0], p, unit) != nil {
			ends = append(ends, NativeBarsEnd(b.items[0]))
		}
	}
	return ends
}

func hasBarcode(p *raster.Plan) bool {
	for _, it := range p.Items {
		if it.Type == label.TypeBarcode {
			return true
		}
	}
	return false
}

func TestRasterRoundTrip(t *testing.T) {
	labels := rastertest.GoldenLabels(t)
	labels["shipping"] = rastertest.LoadLabel(t, "testdata/labels/shipping-all-symbologies.json")
	wideHeads(labels) // settings_test.go
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
				got := parse(t, out, p.Width, p.Height, dpi, nil)
				want, _ := p.Render()
				if d := rastertest.Diff(got.canvas, want, want.Rect()); d != 0 {
					t.Fatalf("%d pixels differ from the preview", d)
				}
				if got.copies != p.Copies {
					t.Errorf("%d copies, want %d", got.copies, p.Copies)
				}
				if hasBarcode(p) {
					rastertest.CheckBarcodes(t, got.canvas, p, 8, nil)
				}
			})
		}
	}
}

// TestBands: in normal mode, everything but native barcodes is raster at
// the right place (compared with the preview), and rasterised barcodes
// (Data Matrix, rotated ones) decode.
func TestBands(t *testing.T) {
	labels := rastertest.GoldenLabels(t)
	labels["shipping"] = rastertest.LoadLabel(t, "testdata/labels/shipping-all-symbologies.json")
	wideHeads(labels) // settings_test.go
	for _, name := range rastertest.SortedNames(labels) {
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
				ends := nativeEnds(p)
				got := parse(t, out, p.Width, p.Height, dpi, ends)
				if got.natives != len(ends) {
					t.Errorf("%d native barcodes, want %d", got.natives, len(ends))
				}
				unit, _ := motionUnit(dpi)
				isNative := func(it *raster.Item) string {
					for _, b := range bands(p.Items) {
						if len(b.items) == 1 && b.items[0] == it && native(it, p, unit) != nil {
							return "native command (golden file)"
						}
					}
					return ""
				}
				// Every non-native item matches the preview where it is
				// (up to feed rounding of one motion unit).
				want, _ := p.Render()
				for _, it := range p.Items {
					if isNative(it) != "" {
						continue
					}
					best := -1
					for dy := -unit; dy <= unit; dy++ {
						d := 0
						r := it.Bounds
						for yy := r.Min.Y; yy < r.Max.Y; yy++ {
							for xx := r.Min.X; xx < r.Max.X; xx++ {
								if got.canvas.Get(xx, yy+dy) != want.Get(xx, yy) {
									d++
								}
							}
						}
						if best < 0 || d < best {
							best = d
						}
					}
					if best != 0 {
						t.Errorf("elements[%d] %s: %d pixels differ from the preview", it.Index, it.Type, best)
					}
				}
				if hasBarcode(p) && len(ends) < countBarcodes(p) {
					rastertest.CheckBarcodes(t, got.canvas, p, 8, isNative)
				}
			})
		}
	}
}

func countBarcodes(p *raster.Plan) int {
	n := 0
	for _, it := range p.Items {
		if it.Type == label.TypeBarcode {
			n++
		}
	}
	return n
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
		got := parse(t, out, p.Width, p.Height, p.DPI, nil)
		for _, c := range []struct {
			name  string
			r     image.Rectangle
			black bool
		}{{"box", box, true}, {"image black half", half, true}, {"transparent half", white, false}} {
			n, area := got.canvas.Ink(c.r), c.r.Dx()*c.r.Dy()
			if c.black && n != area || !c.black && n != 0 {
				t.Errorf("raster=%v %s: %d of %d black", rm, c.name, n, area)
			}
		}
	}
}

func TestMotionUnit(t *testing.T) {
	t.Parallel()
	for dpi, want := range map[int][2]int{203: {1, 203}, 300: {2, 150}, 600: {3, 200}, 152: {1, 152}} {
		d, g := motionUnit(dpi)
		if d != want[0] || g != want[1] {
			t.Errorf("motionUnit(%d) = %d,%d want %v", dpi, d, g, want)
		}
	}
}
