package raster

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/pdf417"

	"github.com/labelbridge/labelbridge/printing/label"
)

// decodedPDF417 is a symbol read back from its modules.
type decodedPDF417 struct {
	cols, rows, ecc int
	words           []int // row by row, without row indicators
}

// decodePDF417 reads a drawn symbol back: each row's start and stop
// patterns, its 17-module patterns looked up in its cluster's table (every
// pattern must be one of the 929), and the row indicators, which must agree
// with each other and with the symbol's size (if strict).
func decodePDF417(t *testing.T, bc barcode.Barcode, strict bool) decodedPDF417 {
	t.Helper()
	b := bc.Bounds()
	w, h := b.Dx(), b.Dy()
	if (w-1)%17 != 0 || h%PDF417RowModules != 0 {
		t.Fatalf("symbol %d×%d is not a PDF417 grid", w, h)
	}
	var reverse [3]map[uint32]int
	for c := range reverse {
		reverse[c] = make(map[uint32]int, 929)
		for v, pat := range pdf417Clusters[c] {
			if _, dup := reverse[c][pat]; dup {
				t.Fatalf("cluster %d: pattern %#x twice", c, pat)
			}
			reverse[c][pat] = v
		}
	}
	d := decodedPDF417{cols: (w-1)/17 - 4, rows: h / PDF417RowModules}
	read := func(y, x, n int) uint32 {
		var v uint32
		for i := 0; i < n; i++ {
			v <<= 1
			if isDark(bc, b.Min.X+x+i, b.Min.Y+y) {
				v |= 1
			}
		}
		return v
	}
	var rowsInd, colsInd, eccInd []int
	for r := 0; r < d.rows; r++ {
		for dy := 1; dy < PDF417RowModules; dy++ {
			for x := 0; x < w; x++ {
				if isDark(bc, x, r*PDF417RowModules) != isDark(bc, x, r*PDF417RowModules+dy) {
					t.Fatalf("row %d: lines differ at module %d", r, x)
				}
			}
		}
		y := r * PDF417RowModules
		if read(y, 0, 17) != pdf417Start || read(y, w-18, 18) != pdf417Stop {
			t.Fatalf("row %d: bad start or stop pattern", r)
		}
		var vals []int
		for i := 0; i < d.cols+2; i++ {
			pat := read(y, 17*(i+1), 17)
			v, ok := reverse[r%3][pat]
			if !ok {
				t.Fatalf("row %d codeword %d: pattern %017b is not in cluster %d", r, i, pat, 3*(r%3))
			}
			vals = append(vals, v)
		}
		left, right := vals[0]-30*(r/3), vals[d.cols+1]-30*(r/3)
		switch r % 3 {
		case 0:
			rowsInd, colsInd = append(rowsInd, left), append(colsInd, right)
		case 1:
			eccInd, rowsInd = append(eccInd, left), append(rowsInd, right)
		default:
			colsInd, eccInd = append(colsInd, left), append(eccInd, right)
		}
		d.words = append(d.words, vals[1:d.cols+1]...)
	}
	if !strict {
		return d
	}
	for _, v := range colsInd {
		if v != d.cols-1 {
			t.Fatalf("column indicator %d, want %d", v, d.cols-1)
		}
	}
	for _, v := range rowsInd {
		if v != (d.rows-1)/3 {
			t.Fatalf("row indicator %d, want %d", v, (d.rows-1)/3)
		}
	}
	d.ecc = -1
	for _, v := range eccInd {
		if v%3 != (d.rows-1)%3 || d.ecc >= 0 && v/3 != d.ecc {
			t.Fatalf("level indicator %d inconsistent (rows %d)", v, d.rows)
		}
		d.ecc = v / 3
	}
	return d
}

func isDark(bc barcode.Barcode, x, y int) bool {
	r, _, _, _ := bc.At(x, y).RGBA()
	return r < 0x8000
}

// byteDecompact undoes byte compaction (latch 901 or 924) of the data
// region after the length descriptor, stopping at padding.
func byteDecompact(t *testing.T, words []int) []byte {
	t.Helper()
	if len(words) == 0 || words[0] != 901 && words[0] != 924 {
		t.Fatalf("data does not start with a byte latch: %v", words)
	}
	var data []int
	for _, w := range words[1:] {
		if w == pdf417Pad {
			break
		}
		data = append(data, w)
	}
	var out []byte
	i := 0
	for ; i+5 <= len(data) && (words[0] == 924 || i+5 < len(data)); i += 5 {
		var v uint64
		for _, w := range data[i : i+5] {
			v = v*900 + uint64(w)
		}
		for j := 5; j >= 0; j-- {
			out = append(out, byte(v>>(8*uint(j))))
		}
	}
	for ; i < len(data); i++ {
		out = append(out, byte(data[i]))
	}
	return out
}

// TestPDF417RoundTrip: for columns 1, 3, 5, 10 and automatic, and every
// error correction level, the symbol has exactly the columns asked for,
// its indicators name them, the check codewords are the data region's,
// and the bytes decode back. Data that cannot fit is a clear error.
func TestPDF417RoundTrip(t *testing.T) {
	datas := []string{"A", "PDF417 on a warehouse label", "123456", strings.Repeat("Ünïcödé 0123456789 ", 9)}
	for _, data := range datas {
		for _, cols := range []int{0, 1, 3, 5, 10} {
			for ecc := 0; ecc <= 8; ecc++ {
				t.Run(fmt.Sprintf("%d bytes/cols %d/ecc %d", len(data), cols, ecc), func(t *testing.T) {
					n := 1 + len(pdf417ByteCompact([]byte(data))) + pdf417ECCCount(ecc)
					bc, err := encodePDF417(data, cols, ecc)
					if cols > 0 && (n+cols-1)/cols > pdf417MaxRows {
						if err == nil || !strings.Contains(err.Error(), "use more columns") {
							t.Fatalf("%d codewords in %d columns: error %v", n, cols, err)
						}
						return
					}
					if err != nil {
						t.Fatal(err)
					}
					d := decodePDF417(t, bc, true)
					if cols > 0 && d.cols != cols {
						t.Errorf("columns %d, want %d", d.cols, cols)
					}
					if d.ecc != ecc {
						t.Errorf("level %d, want %d", d.ecc, ecc)
					}
					if d.rows < pdf417MinRows || d.rows > pdf417MaxRows || d.rows*d.cols < n || (d.rows-1)*d.cols >= n && d.rows > pdf417MinRows {
						t.Errorf("%d rows of %d columns for %d codewords", d.rows, d.cols, n)
					}
					k := pdf417ECCCount(ecc)
					region := d.words[:len(d.words)-k]
					if region[0] != len(region) {
						t.Errorf("length descriptor %d, want %d", region[0], len(region))
					}
					if got, want := fmt.Sprint(d.words[len(region):]), fmt.Sprint(pdf417ErrorCorrection(region, k)); got != want {
						t.Errorf("check codewords %s, want %s", got, want)
					}
					if got := string(byteDecompact(t, region[1:])); got != data {
						t.Errorf("decoded %q, want %q", got, data)
					}
				})
			}
		}
	}
}

// TestPDF417ErrorCorrectionValues: the generator polynomials we compute
// have the roots 3^1..3^k, and level 0's is the standard's (27, 917).
func TestPDF417ErrorCorrectionValues(t *testing.T) {
	if g := pdf417Generator(2); g[0] != 27 || g[1] != 917 {
		t.Errorf("level 0 generator %v, want [27 917]", g)
	}
	for level := 0; level <= 8; level++ {
		k := pdf417ECCCount(level)
		g := append(pdf417Generator(k), 1)
		a := 1
		for i := 1; i <= k; i++ {
			a = a * 3 % 929
			v := 0
			for j := len(g) - 1; j >= 0; j-- {
				v = (v*a + g[j]) % 929
			}
			if v != 0 {
				t.Fatalf("level %d: 3^%d is not a root", level, i)
			}
		}
	}
}

// TestPDF417MatchesBoombuler: given boombuler's data codewords, columns
// and level, our layout draws exactly its bars (tables, start and stop,
// padding, Reed–Solomon, row indicators). Only symbols whose rows are a
// multiple of 3 are compared: boombuler v1.1.0's left indicator in cluster
// 0 rows is (rows−3)/3, the standard's (rows−1)/3 otherwise.
func TestPDF417MatchesBoombuler(t *testing.T) {
	compared := 0
	for _, data := range []string{"PDF417 on a warehouse label", "6101234567890|06234", strings.Repeat("label ", 40), "x", "0123456789012345678901234567890123456789"} {
		for ecc := 0; ecc <= 8; ecc++ {
			theirs, err := pdf417.Encode(data, byte(ecc))
			if err != nil {
				continue
			}
			d := decodePDF417(t, theirs, false)
			if d.rows%3 != 0 || d.rows < pdf417MinRows {
				continue
			}
			d = decodePDF417(t, theirs, true) // its indicators are the standard's here
			k := pdf417ECCCount(ecc)
			region := d.words[:len(d.words)-k]
			// Their padding is passed as data (900 is also their text
			// latch): the layout then adds none and has their rows.
			p, err := pdf417Layout(region[1:], d.cols, ecc)
			if err != nil {
				t.Fatalf("%q ecc %d: %v", data, ecc, err)
			}
			ours := newPDF417Image(p)
			if ours.Bounds() != theirs.Bounds() {
				t.Fatalf("%q ecc %d: %v, boombuler %v", data, ecc, ours.Bounds(), theirs.Bounds())
			}
			for y := 0; y < ours.h; y++ {
				for x := 0; x < ours.w; x++ {
					if isDark(ours, x, y) != isDark(theirs, x, y) {
						t.Fatalf("%q ecc %d: module (%d,%d) differs", data, ecc, x, y)
					}
				}
			}
			compared++
		}
	}
	if compared < 10 {
		t.Fatalf("only %d symbols compared", compared)
	}
}

// TestPDF417Columns: a label's columns are honoured through the layout
// (the symbol every language and the preview use); data that cannot fit
// in them is an error naming the columns.
func TestPDF417Columns(t *testing.T) {
	el := label.Element{Type: "barcode", Symbology: "pdf417", X: 2, Y: 2, Data: "PDF417 on a warehouse label", Module: 0.25, ECC: "3"}
	for _, cols := range []int{0, 1, 2, 3, 5, 10, 30} {
		l := &label.Label{Width: 160, Height: 60, Elements: []label.Element{el}}
		l.Elements[0].Columns = cols
		p, err := Layout(context.Background(), l, Options{})
		if err != nil {
			t.Fatalf("columns %d: %v", cols, err)
		}
		got, rows := p.Items[0].Symbol.PDF417Size()
		if cols > 0 && got != cols || rows < pdf417MinRows {
			t.Errorf("columns %d: symbol of %d columns, %d rows", cols, got, rows)
		}
	}
	l := &label.Label{Width: 100, Height: 60, Elements: []label.Element{el}}
	l.Elements[0].Columns, l.Elements[0].ECC = 1, "6"
	_, err := Layout(context.Background(), l, Options{})
	if err == nil || !strings.Contains(err.Error(), "elements[0].columns") || !strings.Contains(err.Error(), "use more columns") {
		t.Errorf("columns 1, ecc 6: error %v", err)
	}
}

func BenchmarkPDF417(b *testing.B) {
	data := strings.Repeat("PDF417 on a warehouse label ", 20)
	for i := 0; i < b.N; i++ {
		if _, err := encodePDF417(data, 10, 5); err != nil {
			b.Fatal(err)
		}
	}
}
