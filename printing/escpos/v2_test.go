package escpos

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"testing"

	"github.com/boombuler/barcode/code128"

	"github.com/labelbridge/labelbridge/printing/label"
	"github.com/labelbridge/labelbridge/printing/raster"
	"github.com/labelbridge/labelbridge/printing/raster/rastertest"
)

// TestNativeMatchesPreview redraws the native barcodes of our ESC/POS (GS
// k bars from the command's own type, data, GS w module and GS h height,
// placed by GS L) over the raster rows and compares the whole label with
// the preview dot for dot; 2D codes (printer-drawn) are checked for their
// parameters.
func TestNativeMatchesPreview(t *testing.T) {
	l := rastertest.GoldenLabels(t)["v2-receipt"]
	for _, dpi := range []int{203, 300} {
		t.Run(fmt.Sprint(dpi), func(t *testing.T) {
			p, err := raster.Layout(context.Background(), l, Options{DPI: dpi})
			if err != nil {
				t.Fatal(err)
			}
			out, err := EncodePlan(p, false)
			if err != nil {
				t.Fatal(err)
			}
			ends := nativeEnds(p)
			got := parse(t, out, p.Width, p.Height, dpi, ends)
			nc := rastertest.NewNativeCanvas(p)
			nc.Canvas = got.canvas
			var natives []*raster.Item
			unit, _ := motionUnit(dpi)
			for _, b := range bands(p.Items) {
				if len(b.items) == 1 && native(b.items[0], p, unit) != nil {
					natives = append(natives, b.items[0])
				}
			}
			if len(natives) < 5 {
				t.Fatalf("%d native barcodes, want ean8, upce, gs1-128, pdf417 and qr", len(natives))
			}
			redrawNatives(t, nc, out[:bytes.Index(out, []byte{0x1d, 0x56})], natives, unit)
			nc.Check(t)
		})
	}
}

// redrawNatives walks one copy's commands and draws each GS k barcode.
func redrawNatives(t *testing.T, nc *rastertest.NativeCanvas, data []byte, natives []*raster.Item, unit int) {
	t.Helper()
	left, module, height := 0, 0, 0
	next := func() *raster.Item {
		if len(natives) == 0 {
			t.Fatal("more native commands than native items")
		}
		it := natives[0]
		natives = natives[1:]
		return it
	}
	var pdf []byte // PDF417 settings: columns, rows, module, row height, level
	for len(data) > 1 {
		switch c0, c1 := data[0], data[1]; {
		case c0 == 0x1d && c1 == 0x4c:
			left = (int(data[2]) | int(data[3])<<8) * unit
			data = data[4:]
		case c0 == 0x1d && c1 == 0x77:
			module, data = int(data[2]), data[3:]
		case c0 == 0x1d && c1 == 0x68:
			height, data = int(data[2]), data[3:]
		case c0 == 0x1d && c1 == 0x6b:
			n := int(data[3])
			typ, arg := data[2], string(data[4:4+n])
			data = data[4+n:]
			it := next()
			y := it.Bounds.Min.Y
			switch typ {
			case 68:
				nc.Bars(t, "GS k 68", label.EAN8, arg, left, y, module, height)
			case 66:
				if arg != label.UPCEToUPCA(it.Data[:7]) {
					t.Errorf("GS k 66 %q: want the UPC-A digits of %s", arg, it.Data)
				}
				nc.Bars(t, "GS k 66", label.UPCE, it.Data, left, y, module, height)
			case 73:
				content := decodeCode128Data(t, arg)
				if want := label.GS1Element(it.GS1, string(code128.FNC1)); content != want {
					t.Errorf("GS k 73 holds %q, want %q", content, want)
				}
				// the bars of exactly the codewords sent
				bc := code128Bars(t, arg)
				if len(bc) != it.Symbol.W {
					t.Errorf("GS k 73: %d modules, the preview has %d", len(bc), it.Symbol.W)
				}
				for x := range bc {
					if bc[x] {
						nc.Fill(image.Rect(left+x*module, y, left+(x+1)*module, y+height))
					}
				}
			default:
				t.Errorf("unexpected GS k type %d", typ)
			}
		case c0 == 0x1d && c1 == 0x28:
			n := int(data[3]) | int(data[4])<<8
			cn, fn, args := data[5], data[6], data[7:5+n]
			data = data[5+n:]
			switch {
			case cn == 0x30 && fn >= 0x41 && fn <= 0x45:
				pdf = append(pdf, args[len(args)-1])
			case fn == 0x51:
				it := next()
				nc.MaskItemAt(t, "GS ( k print", left, it.Bounds.Min.Y)
				if cn == 0x30 {
					cols, rows := it.Symbol.PDF417Size()
					want := []byte{byte(cols), byte(rows), byte(it.Module), 2, byte(0x30 + it.ECC)}
					if !bytes.Equal(pdf, want) {
						t.Errorf("PDF417 settings % x, want % x", pdf, want)
					}
				}
				pdf = nil
			case cn == 0x31 && fn == 0x45:
				if args[0] != byte(0x30+natives[0].ECC) {
					t.Errorf("QR error correction %c, want %c", args[0], 0x30+natives[0].ECC)
				}
			}
		case c0 == 0x1d && c1 == 0x76:
			wb, rows := int(data[4])|int(data[5])<<8, int(data[6])|int(data[7])<<8
			data = data[8+wb*rows:]
		case c0 == 0x1b && c1 == 0x4a, c0 == 0x1d && (c1 == 0x48 || c1 == 0x66):
			data = data[3:]
		case c0 == 0x1b && c1 == 0x40:
			data = data[2:]
		case c0 == 0x1d && c1 == 0x50:
			data = data[4:]
		default:
			t.Fatalf("unknown command % x", data[:min(8, len(data))])
		}
	}
	if len(natives) != 0 {
		t.Errorf("%d native items were not sent natively", len(natives))
	}
}

// decodeCode128Data reads GS k 73 data back into content with FNC1.
func decodeCode128Data(t *testing.T, s string) string {
	var b []rune
	set := byte(0)
	for i := 0; i < len(s); i++ {
		if s[i] == '{' && i+1 < len(s) {
			i++
			switch s[i] {
			case 'B', 'C', 'A':
				set = s[i]
			case '1':
				b = append(b, code128.FNC1)
			case '{':
				b = append(b, '{')
			}
			continue
		}
		if set == 'C' {
			b = append(b, rune('0'+s[i]/10), rune('0'+s[i]%10))
			continue
		}
		b = append(b, rune(s[i]))
	}
	return string(b)
}

func TestCode128Data(t *testing.T) {
	f := string(rune(fnc1))
	for _, c := range []struct{ in, want string }{
		{f + "0109501101530003", "{C{1\x01\x09\x32\x0b\x01\x35\x00\x03"},
		{f + "10AB12", "{C{1\x0a{BAB12"},
		{f + "1234" + f + "21A", "{C{1\x0c\x22{1\x15{BA"},
		{"a{b", "{Ba{{b"},
		{"{B12", "{B{{B12"},
		{"{1", "{B{{1"},
		{"A\tb", "{BA{A\t{Bb"},
	} {
		if got := string(Code128Data([]rune(c.in))); got != c.want {
			t.Errorf("Code128Data(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if Code128Data([]rune("é")) != nil {
		t.Error("a character outside ASCII: want nil")
	}
}
