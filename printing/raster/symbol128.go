package raster

import (
	"fmt"
	"strings"

	"github.com/boombuler/barcode/code128"
)

// Code 128 code-set packing: the one choice of start code, code-set
// switches and characters that the preview draws and every encoder sends.
//
// The choice is the one github.com/zxing's Code128Writer makes (start in
// code set C on two digits, switch to C inside B only for an even run of at
// least four digits, A only for control characters), which is also what
// zebrash draws for ZPL's ^BC automatic mode: so ZPL's printer-packed bars
// are the preview's bars, ESC/POS gets the same codewords spelled out with
// {A {B {C (see escpos.Code128Data), and TSPL and EPL2, whose printers pack
// by their own undocumented rules, are sent Code 128 natively only when
// every packing has the same width (see Code128Fixed).

// Code128FNC1 stands for FNC1 in Code 128 content (as in boombuler/barcode).
const Code128FNC1 = code128.FNC1

// Code128Op is one codeword of a packed Code 128 symbol: a start or
// code-set switch (Set), FNC1, or one character (sets A and B: Char is the
// byte; set C: Char is the value 0–99).
type Code128Op struct {
	Set  byte // 'A', 'B' or 'C': a start code (first op) or a switch
	FNC1 bool
	Char byte
}

// Code 128 codeword values.
const (
	c128CodeC  = 99
	c128CodeB  = 100
	c128CodeA  = 101
	c128FNC1   = 102
	c128StartA = 103
	c128Stop   = 106
)

// Code128Pack packs content (printable ASCII, control characters and
// Code128FNC1) into codewords. It fails on characters Code 128 has no
// code for.
func Code128Pack(content string) ([]Code128Op, error) {
	rs := []rune(content)
	for i, r := range rs {
		if r != Code128FNC1 && r > 127 {
			return nil, fmt.Errorf("character %q at %d is not in Code 128 (ASCII only)", r, i)
		}
	}
	var ops []Code128Op
	set := byte(0)
	for pos := 0; pos < len(rs); {
		next := c128Choose(rs, pos, set)
		if next != set {
			ops = append(ops, Code128Op{Set: next})
			set = next
			continue
		}
		switch r := rs[pos]; {
		case r == Code128FNC1:
			ops = append(ops, Code128Op{FNC1: true})
			pos++
		case set == 'C':
			ops = append(ops, Code128Op{Char: byte((r-'0')*10 + rs[pos+1] - '0')})
			pos += 2
		default:
			ops = append(ops, Code128Op{Char: byte(r)})
			pos++
		}
	}
	return ops, nil
}

// c128Kind classifies what starts at rs[i]: 0 uncodable in C, 1 one digit,
// 2 two digits, 3 FNC1.
func c128Kind(rs []rune, i int) int {
	if i >= len(rs) {
		return 0
	}
	if rs[i] == Code128FNC1 {
		return 3
	}
	if rs[i] < '0' || rs[i] > '9' {
		return 0
	}
	if i+1 >= len(rs) || rs[i+1] < '0' || rs[i+1] > '9' {
		return 1
	}
	return 2
}

// c128Choose is zxing's Code128Writer.chooseCode.
func c128Choose(rs []rune, i int, old byte) byte {
	k := c128Kind(rs, i)
	switch {
	case k == 1:
		if old == 'A' {
			return 'A'
		}
		return 'B'
	case k == 0:
		if i < len(rs) {
			c := rs[i]
			if c < ' ' || (old == 'A' && c < '`') {
				return 'A'
			}
		}
		return 'B'
	case old == 'A' && k == 3:
		return 'A'
	case old == 'C':
		return 'C'
	case old == 'B':
		if k == 3 {
			return 'B'
		}
		k = c128Kind(rs, i+2)
		if k == 0 || k == 1 {
			return 'B'
		}
		if k == 3 {
			if c128Kind(rs, i+3) == 2 {
				return 'C'
			}
			return 'B'
		}
		j := i + 4
		for c128Kind(rs, j) == 2 {
			j += 2
		}
		if c128Kind(rs, j) == 1 {
			return 'B'
		}
		return 'C'
	}
	if k == 3 {
		k = c128Kind(rs, i+1)
	}
	if k == 2 {
		return 'C'
	}
	return 'B'
}

// Code128Values returns the codeword values of ops with the check
// character and the stop code.
func Code128Values(ops []Code128Op) []int {
	var v []int
	set := byte(0)
	for i, op := range ops {
		switch {
		case op.Set != 0 && i == 0:
			v = append(v, c128StartA+int(op.Set-'A'))
		case op.Set != 0:
			v = append(v, map[byte]int{'A': c128CodeA, 'B': c128CodeB, 'C': c128CodeC}[op.Set])
		case op.FNC1:
			v = append(v, c128FNC1)
		case set == 'C':
			v = append(v, int(op.Char))
		case set == 'A' && op.Char < ' ':
			v = append(v, int(op.Char)+64)
		default:
			v = append(v, int(op.Char)-' ')
		}
		if op.Set != 0 {
			set = op.Set
		}
	}
	sum := 0
	for i, c := range v {
		sum += c * max(1, i)
	}
	return append(v, sum%103, c128Stop)
}

// code128Patterns are the bar and space widths of codewords 0–106.
var code128Patterns = strings.Fields(`212222 222122 222221 121223 121322 131222 122213 122312 132212 221213
221312 231212 112232 122132 122231 113222 123122 123221 223211 221132 221231 213212 223112 312131 311222
321122 321221 312212 322112 322211 212123 212321 232121 111323 131123 131321 112313 132113 132311 211313
231113 231311 112133 112331 132131 113123 113321 133121 313121 211331 231131 213113 213311 213131 311123
311321 331121 312113 312311 332111 314111 221411 431111 111224 111422 121124 121421 141122 141221 112214
112412 122114 122411 142112 142211 241211 221114 413111 241112 134111 111242 121142 121241 114212 124112
124211 411212 421112 421211 212141 214121 412121 111143 111341 131141 114113 114311 411113 411311 113141
114131 311141 411131 211412 211214 211232 2331112`)

// Code128Modules returns codeword values (as Code128Values gives them) as
// modules: '1' a bar, '0' a space.
func Code128Modules(values []int) string { return string(code128Bits(values)) }

// code128Bits draws codeword values as modules ('1' bar, '0' space).
func code128Bits(values []int) bitsBarcode {
	var b strings.Builder
	for _, v := range values {
		for i, w := range code128Patterns[v] {
			c := byte('1')
			if i%2 == 1 {
				c = '0'
			}
			b.WriteString(strings.Repeat(string(c), int(w-'0')))
		}
	}
	return bitsBarcode(b.String())
}

// encode128 packs and draws Code 128 content.
func encode128(content string) (bitsBarcode, error) {
	ops, err := Code128Pack(content)
	if err != nil {
		return "", err
	}
	return code128Bits(Code128Values(ops)), nil
}

// Code128Fixed reports whether every way of packing content has the width
// of ours: true when it holds no two digits in a row, no FNC1 and no control
// character, so no
// packer has a reason to use code set C. TSPL and EPL2 printers pack Code
// 128 themselves (by rules their manuals do not give); encoders send it
// natively only then, and a bitmap of our bars otherwise.
func Code128Fixed(content string) bool {
	rs := []rune(content)
	for i, r := range rs {
		if r == Code128FNC1 || r > 127 || r < ' ' {
			return false
		}
		if i > 0 && r >= '0' && r <= '9' && rs[i-1] >= '0' && rs[i-1] <= '9' {
			return false
		}
	}
	return true
}
