package raster

import (
	"errors"
	"fmt"
	"image"
	"image/color"

	"github.com/boombuler/barcode"
)

// Our own PDF417 encoder (ISO/IEC 15438), so that a label's "columns" is
// honoured: github.com/boombuler/barcode/pdf417 chooses the columns itself.
// Data is byte-compacted (latch 901, or 924 when the length is a multiple
// of 6): every Latin-1/UTF-8 byte string encodes, at 6 bytes per 5
// codewords. Text and numeric compaction are not used.

const (
	pdf417MinRows  = 3
	pdf417MaxRows  = 90
	pdf417MaxCols  = 30
	pdf417MaxWords = 928 // data region, length descriptor included
	pdf417Pad      = 900
	pdf417Start    = 0x1fea8 // 17 modules
	pdf417Stop     = 0x3fa29 // 18 modules
)

// pdf417Codewords is a laid-out PDF417 symbol: rows × cols codewords
// (length descriptor, data, padding, error correction), row by row.
type pdf417Codewords struct {
	Cols, Rows, ECC int
	Words           []int
}

// pdf417ByteCompact returns the data codewords of data in byte compaction.
func pdf417ByteCompact(data []byte) []int {
	if len(data) == 0 {
		return nil
	}
	out := make([]int, 0, 1+len(data)/6*5+5)
	if len(data)%6 == 0 {
		out = append(out, 924)
	} else {
		out = append(out, 901)
	}
	i := 0
	for ; i+6 <= len(data); i += 6 {
		var v uint64
		for _, b := range data[i : i+6] {
			v = v<<8 | uint64(b)
		}
		var g [5]int
		for j := 4; j >= 0; j-- {
			g[j] = int(v % 900)
			v /= 900
		}
		out = append(out, g[:]...)
	}
	for ; i < len(data); i++ {
		out = append(out, int(data[i]))
	}
	return out
}

// pdf417ECCCount is the number of error correction codewords of a level.
func pdf417ECCCount(level int) int { return 2 << level }

// pdf417Generator returns the coefficients (lowest first, leading 1
// omitted) of ∏(x − 3^i), i = 1..k, over GF(929).
func pdf417Generator(k int) []int {
	g := []int{1} // lowest first, with the leading coefficient
	a := 1
	for i := 1; i <= k; i++ {
		a = a * 3 % 929
		next := make([]int, len(g)+1)
		for j, c := range g {
			next[j+1] = (next[j+1] + c) % 929
			next[j] = (next[j] + (929-a)*c) % 929
		}
		g = next
	}
	return g[:k]
}

// pdf417ErrorCorrection returns the k check codewords of words: the
// negated remainder of words(x)·x^k divided by the generator.
func pdf417ErrorCorrection(words []int, k int) []int {
	coef := pdf417Generator(k)
	e := make([]int, k)
	for _, d := range words {
		t := (d + e[k-1]) % 929
		for j := k - 1; j > 0; j-- {
			e[j] = (e[j-1] + 929 - t*coef[j]%929) % 929
		}
		e[0] = (929 - t*coef[0]%929) % 929
	}
	out := make([]int, k)
	for j := range e {
		out[k-1-j] = (929 - e[j]) % 929
	}
	return out
}

// pdf417Rows is the number of rows holding n codewords (data region plus
// error correction) in cols columns, at least 3; 0 if more than 90.
func pdf417Rows(n, cols int) int {
	r := (n + cols - 1) / cols
	if r < pdf417MinRows {
		r = pdf417MinRows
	}
	if r > pdf417MaxRows {
		return 0
	}
	return r
}

// pdf417AutoCols chooses the columns when none are asked for: the symbol
// closest to three times as wide as tall (rows drawn PDF417RowModules high).
func pdf417AutoCols(n int) int {
	best, bestDiff := 0, 0.0
	for c := 1; c <= pdf417MaxCols; c++ {
		r := pdf417Rows(n, c)
		if r == 0 {
			continue
		}
		ratio := float64(17*c+69) / float64(r*PDF417RowModules)
		diff := ratio - 3
		if diff < 0 {
			diff = -diff
		}
		if best == 0 || diff < bestDiff {
			best, bestDiff = c, diff
		}
	}
	return best
}

// pdf417Layout lays data codewords out in cols columns (0: chosen) at
// error correction level ecc (0–8).
func pdf417Layout(data []int, cols, ecc int) (*pdf417Codewords, error) {
	if ecc < 0 || ecc > 8 {
		return nil, fmt.Errorf("PDF417 error correction level %d is out of range (0–8)", ecc)
	}
	if cols < 0 || cols > pdf417MaxCols {
		return nil, fmt.Errorf("PDF417 columns %d is out of range (1–%d)", cols, pdf417MaxCols)
	}
	k := pdf417ECCCount(ecc)
	n := 1 + len(data) // with the length descriptor
	if n+k > pdf417MaxWords+1 {
		return nil, fmt.Errorf("too much data for PDF417: %d data codewords and %d for error correction level %d (the limit is %d in all; lower ecc or send less data)", n, k, ecc, pdf417MaxWords+1)
	}
	if cols == 0 {
		if cols = pdf417AutoCols(n + k); cols == 0 {
			return nil, fmt.Errorf("too much data for PDF417: %d codewords need more than %d rows of %d columns", n+k, pdf417MaxRows, pdf417MaxCols)
		}
	}
	rows := pdf417Rows(n+k, cols)
	if rows == 0 {
		return nil, fmt.Errorf("too much data for PDF417 in %d columns: %d codewords need more than %d rows; use more columns", cols, n+k, pdf417MaxRows)
	}
	region := rows*cols - k // length descriptor, data and padding
	if region > pdf417MaxWords {
		return nil, fmt.Errorf("too much data for PDF417: %d rows of %d columns leave %d data codewords (the limit is %d)", rows, cols, region, pdf417MaxWords)
	}
	words := make([]int, 0, rows*cols)
	words = append(words, region)
	words = append(words, data...)
	for len(words) < region {
		words = append(words, pdf417Pad)
	}
	words = append(words, pdf417ErrorCorrection(words, k)...)
	return &pdf417Codewords{Cols: cols, Rows: rows, ECC: ecc, Words: words}, nil
}

// indicators returns row r's left and right row indicator codewords.
func (p *pdf417Codewords) indicators(r int) (left, right int) {
	base := 30 * (r / 3)
	rowsPart := (p.Rows - 1) / 3
	eccPart := 3*p.ECC + (p.Rows-1)%3
	colsPart := p.Cols - 1
	switch r % 3 {
	case 0:
		return base + rowsPart, base + colsPart
	case 1:
		return base + eccPart, base + rowsPart
	default:
		return base + colsPart, base + eccPart
	}
}

// Width is the symbol's width in modules (without quiet zones).
func (p *pdf417Codewords) Width() int { return (p.Cols+4)*17 + 1 }

// rowBits returns row r's modules: start, left indicator, data, right
// indicator, stop.
func (p *pdf417Codewords) rowBits(r int) []bool {
	bits := make([]bool, 0, p.Width())
	add := func(v uint32, n int) {
		for i := n - 1; i >= 0; i-- {
			bits = append(bits, v>>uint(i)&1 == 1)
		}
	}
	table := &pdf417Clusters[r%3]
	left, right := p.indicators(r)
	add(pdf417Start, 17)
	add(table[left], 17)
	for _, w := range p.Words[r*p.Cols : (r+1)*p.Cols] {
		add(table[w], 17)
	}
	add(table[right], 17)
	add(pdf417Stop, 18)
	return bits
}

// pdf417Image is a laid-out symbol drawn PDF417RowModules modules per row.
type pdf417Image struct {
	w, h int
	dark []bool
}

func newPDF417Image(p *pdf417Codewords) *pdf417Image {
	im := &pdf417Image{w: p.Width(), h: p.Rows * PDF417RowModules}
	im.dark = make([]bool, 0, im.w*im.h)
	for r := 0; r < p.Rows; r++ {
		row := p.rowBits(r)
		for i := 0; i < PDF417RowModules; i++ {
			im.dark = append(im.dark, row...)
		}
	}
	return im
}

func (im *pdf417Image) ColorModel() color.Model { return color.GrayModel }
func (im *pdf417Image) Bounds() image.Rectangle { return image.Rect(0, 0, im.w, im.h) }
func (im *pdf417Image) Metadata() barcode.Metadata {
	return barcode.Metadata{CodeKind: "PDF417", Dimensions: 2}
}
func (im *pdf417Image) Content() string { return "" }
func (im *pdf417Image) At(x, y int) color.Color {
	if x >= 0 && y >= 0 && x < im.w && y < im.h && im.dark[y*im.w+x] {
		return color.Black
	}
	return color.White
}

// encodePDF417 encodes data (byte compaction) in cols columns (0: chosen
// for a 3:1 shape) at error correction level ecc.
func encodePDF417(data string, cols, ecc int) (barcode.Barcode, error) {
	if data == "" {
		return nil, errors.New("PDF417 needs data")
	}
	p, err := pdf417Layout(pdf417ByteCompact([]byte(data)), cols, ecc)
	if err != nil {
		return nil, err
	}
	return newPDF417Image(p), nil
}
