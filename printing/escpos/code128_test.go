package escpos

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/labelbridge/labelbridge/printing/label"
	"github.com/labelbridge/labelbridge/printing/raster"
	"github.com/labelbridge/labelbridge/printing/raster/rastertest"
)

// gsk73 parses GS k 73 data the way an ESC/POS printer reads it ({A {B {C
// select code sets, {1 is FNC1, {{ is "{", {S shifts; set C bytes are
// values 0–99) into codeword values (start, data, check, stop) and the
// content they carry.
func gsk73(t *testing.T, data string) (values []int, content string) {
	t.Helper()
	set := byte(0)
	var out []rune
	for i := 0; i < len(data); i++ {
		c := data[i]
		if c == '{' {
			if i+1 >= len(data) {
				t.Fatalf("GS k 73 data %q ends in a lone {", data)
			}
			i++
			switch f := data[i]; f {
			case 'A', 'B', 'C':
				if len(values) == 0 {
					values = append(values, 103+int(f-'A'))
				} else {
					values = append(values, map[byte]int{'A': 101, 'B': 100, 'C': 99}[f])
				}
				set = f
			case '1':
				values = append(values, 102)
				out = append(out, raster.Code128FNC1)
			case '{':
				if set != 'B' {
					t.Fatalf("{{ outside code set B in %q", data)
				}
				values = append(values, '{'-' ')
				out = append(out, '{')
			default:
				t.Fatalf("GS k 73 data %q: {%c is a function code, not data", data, f)
			}
			continue
		}
		switch {
		case len(values) == 0:
			t.Fatalf("GS k 73 data %q does not start with a code set", data)
		case set == 'C':
			if c > 99 {
				t.Fatalf("byte %d in code set C", c)
			}
			values = append(values, int(c))
			out = append(out, rune('0'+c/10), rune('0'+c%10))
		case set == 'A' && c < ' ':
			values = append(values, int(c)+64)
			out = append(out, rune(c))
		default:
			values = append(values, int(c)-' ')
			out = append(out, rune(c))
		}
	}
	sum := values[0]
	for i, v := range values[1:] {
		sum += (i + 1) * v
	}
	return append(values, sum%103, 106), string(out)
}

// code128Bars returns the modules of the codewords GS k 73 data makes.
func code128Bars(t *testing.T, data string) []bool {
	t.Helper()
	values, _ := gsk73(t, data)
	var bars []bool
	for _, c := range raster.Code128Modules(values) {
		bars = append(bars, c == '1')
	}
	return bars
}

// TestCode128BracesPrintAsData sends Code 128 data holding "{" (which GS k
// reads as function codes: {B switches code set, {1 inserts FNC1), reads
// the GS k 73 bytes back as a printer does and checks they carry exactly
// the data, in exactly the preview's codewords, and that the preview
// decodes to it.
func TestCode128BracesPrintAsData(t *testing.T) {
	for _, data := range []string{"{B12", "A{1B", "{{", "x{C99{", "SKU-{A}-0042", "{"} {
		t.Run(data, func(t *testing.T) {
			l := &label.Label{Width: 70, Height: 20, Elements: []label.Element{
				{Type: label.TypeBarcode, Symbology: label.Code128, X: 2, Y: 2, Data: data, Height: 8}}}
			if err := l.Validate(); err != nil {
				t.Fatal(err)
			}
			p, err := raster.Layout(context.Background(), l, Options{DPI: 203})
			if err != nil {
				t.Fatal(err)
			}
			out, err := EncodePlan(p, false)
			if err != nil {
				t.Fatal(err)
			}
			i := bytes.Index(out, []byte{0x1d, 0x6b, 73})
			if i < 0 {
				t.Fatalf("no GS k 73 in % x", out)
			}
			n := int(out[i+3])
			arg := string(out[i+4 : i+4+n])
			values, content := gsk73(t, arg)
			if content != data {
				t.Errorf("GS k 73 %q prints %q, want %q", arg, content, data)
			}
			it := p.Items[0]
			mods := raster.Code128Modules(values)
			for x := 0; x < it.Symbol.W; x++ {
				if x >= len(mods) || (mods[x] == '1') != it.Symbol.Dark(x, 0) {
					t.Fatalf("the printer's bars differ from the preview's at module %d (%d modules sent, %d previewed)", x, len(mods), it.Symbol.W)
				}
			}
			if len(mods) != it.Symbol.W {
				t.Errorf("%d modules sent, %d previewed", len(mods), it.Symbol.W)
			}
			preview, err := p.Render()
			if err != nil {
				t.Fatal(err)
			}
			got, err := rastertest.Decode(preview, it.BarsBounds(), 4, 0, label.Code128)
			if err != nil || got != data {
				t.Errorf("preview decodes to %q (%v), want %q", got, err, data)
			}
		})
	}
}

func ExampleCode128Data() {
	fmt.Printf("%q\n", Code128Data([]rune("{B12")))
	// Output: "{B{{B12"
}
