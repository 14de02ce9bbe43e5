package raster

import (
	"errors"
	"fmt"
	"image/color"
	"strings"
	"sync"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/code39"
	"github.com/boombuler/barcode/datamatrix"
	"github.com/boombuler/barcode/ean"
	"github.com/boombuler/barcode/qr"

	"github.com/labelbridge/labelbridge/printing/label"
)

// Symbol is an encoded barcode as a grid of modules: W×H modules (H is 1
// for 1D barcodes), without quiet zones. A QR code's size is known before
// its modules are computed (mask selection is slow), so printers that draw
// QR natively never pay for it.
type Symbol struct {
	W, H int
	HRI  string // human-readable text for 1D barcodes

	once   sync.Once
	encode func() (barcode.Barcode, error)
	dark   []bool
	err    error
}

// Load computes the modules (once).
func (s *Symbol) Load() error {
	s.once.Do(func() {
		if s.encode == nil {
			return
		}
		bc, err := s.encode()
		if err != nil {
			s.err = err
			return
		}
		r := bc.Bounds()
		if r.Dx() != s.W || r.Dy() != s.H {
			s.err = fmt.Errorf("symbol is %d×%d modules, expected %d×%d", r.Dx(), r.Dy(), s.W, s.H)
			return
		}
		s.dark = make([]bool, s.W*s.H)
		for y := 0; y < s.H; y++ {
			for x := 0; x < s.W; x++ {
				g := color.GrayModel.Convert(bc.At(r.Min.X+x, r.Min.Y+y)).(color.Gray)
				s.dark[y*s.W+x] = g.Y < 128
			}
		}
	})
	return s.err
}

// Dark reports whether module (x, y) is dark (false if Load failed).
func (s *Symbol) Dark(x, y int) bool {
	if x < 0 || y < 0 || x >= s.W || y >= s.H || s.Load() != nil {
		return false
	}
	return s.dark[y*s.W+x]
}

// Is2D reports whether the symbol is a matrix code.
func (s *Symbol) Is2D() bool { return s.H > 1 }

// Code39Ratio is the wide-to-narrow ratio of the Code 39 we draw (and ask
// printers for), matching github.com/boombuler/barcode.
const Code39Ratio = 2

// QR mode choice. boombuler's automatic mode would take "+12" as numeric
// (strconv.Atoi accepts the sign) and drop the "+", so we choose.
const qrAlnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"

func qrMode(data string) qr.Encoding {
	digits, alnum := true, true
	for _, r := range data {
		if r < '0' || r > '9' {
			digits = false
		}
		if !strings.ContainsRune(qrAlnum, r) {
			alnum = false
		}
	}
	switch {
	case digits:
		return qr.Numeric
	case alnum:
		return qr.AlphaNumeric
	}
	return qr.Unicode
}

// qrDataBytesM is the data capacity in bytes of QR versions 1–40 at error
// correction level M.
var qrDataBytesM = [40]int{16, 28, 44, 64, 86, 108, 124, 154, 182, 216, 254, 290, 334, 365, 415, 453, 507, 563, 627,
	669, 714, 782, 860, 914, 1000, 1062, 1128, 1193, 1267, 1373, 1455, 1541, 1631, 1725, 1812, 1914, 1992, 2102, 2216, 2334}

// qrVersion returns the smallest version (level M) holding data in mode,
// as boombuler/barcode picks it, or 0 when it does not fit.
func qrVersion(data string, mode qr.Encoding) int {
	n := len(data)
	var bits int
	var count [3]int // character count bits for versions 1–9, 10–26, 27–40
	switch mode {
	case qr.Numeric:
		bits = n / 3 * 10
		switch n % 3 {
		case 1:
			bits += 4
		case 2:
			bits += 7
		}
		count = [3]int{10, 12, 14}
	case qr.AlphaNumeric:
		bits = n/2*11 + n%2*6
		count = [3]int{9, 11, 13}
	default:
		bits = n * 8
		count = [3]int{8, 16, 16}
	}
	for v := 1; v <= 40; v++ {
		cb := count[0]
		if v >= 27 {
			cb = count[2]
		} else if v >= 10 {
			cb = count[1]
		}
		if qrDataBytesM[v-1]*8 >= bits+4+cb {
			return v
		}
	}
	return 0
}

// EncodeSymbol encodes normalised data (see label.NormalizeData) with
// github.com/boombuler/barcode. QR uses error correction level M.
func EncodeSymbol(symbology, data string) (*Symbol, error) {
	ecc, _ := label.ParseECC(symbology, "")
	return EncodeSymbolWith(symbology, data, SymbolOptions{ECC: ecc})
}

// EncodeSymbolWith is EncodeSymbol with a barcode's options (error
// correction).
func EncodeSymbolWith(symbology, data string, opt SymbolOptions) (*Symbol, error) {
	if s, ok, err := encodeV2(symbology, data, opt); ok {
		return s, err
	}
	if symbology == label.QR {
		mode := qrMode(data)
		v := qrVersion(data, mode)
		if v == 0 {
			return nil, errors.New("encode qr: too much data for a QR code")
		}
		side := 17 + 4*v
		return &Symbol{W: side, H: side, encode: func() (barcode.Barcode, error) {
			return qr.Encode(data, qr.M, mode)
		}}, nil
	}
	var (
		bc  barcode.Barcode
		err error
		hri = data
	)
	switch symbology {
	case label.Code128:
		bc, err = encode128(data) // symbol128.go: the packing every encoder sends
	case label.Code39:
		bc, err = code39.Encode(data, false, false)
		hri = "*" + data + "*" // printers print the start and stop characters
	case label.EAN13:
		bc, err = ean.Encode(data)
	case label.UPCA:
		// UPC-A is EAN-13 with a leading 0: the bars are identical.
		bc, err = ean.Encode("0" + data)
	case label.DataMatrix:
		if data[0] == 0xE8 {
			// boombuler/barcode reads a leading byte 0xE8 as GS1 FNC1.
			return nil, errors.New("encode datamatrix: data may not start with a character from U+8000 to U+8FFF")
		}
		bc, err = datamatrix.Encode(data)
		hri = ""
	default:
		return nil, fmt.Errorf("unknown symbology %q", symbology)
	}
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", symbology, err)
	}
	r := bc.Bounds()
	if r.Dx() <= 0 || r.Dy() <= 0 {
		return nil, fmt.Errorf("encode %s: empty symbol", symbology)
	}
	s := &Symbol{W: r.Dx(), H: r.Dy(), HRI: hri, encode: func() (barcode.Barcode, error) { return bc, nil }}
	return s, s.Load()
}
