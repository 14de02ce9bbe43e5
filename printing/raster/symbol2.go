package raster

import (
	"errors"
	"fmt"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/aztec"
	"github.com/boombuler/barcode/codabar"
	"github.com/boombuler/barcode/datamatrix"
	"github.com/boombuler/barcode/ean"
	"github.com/boombuler/barcode/qr"
	"github.com/boombuler/barcode/twooffive"

	"github.com/labelbridge/labelbridge/printing/label"
)

// SymbolOptions are a barcode's v2 options.
type SymbolOptions struct {
	ECC     int // from label.ParseECC
	Columns int // PDF417 data columns (1–30); 0: chosen for a 3:1 shape
}

// PDF417RowModules is the height of one PDF417 row in modules, as our
// encoder (pdf417.go) draws it and as we ask printers for.
const PDF417RowModules = 2

// encodeV2 encodes the v2 symbologies with github.com/boombuler/barcode
// (UPC-E and PDF417 with our own encoders: boombuler has no UPC-E, and its
// PDF417 cannot be asked for columns). ok is false for
// symbologies it does not handle.
func encodeV2(symbology, data string, opt SymbolOptions) (s *Symbol, ok bool, err error) {
	var (
		bc  barcode.Barcode
		hri = data
	)
	switch symbology {
	case label.QR:
		if opt.ECC == 1 {
			return nil, false, nil // level M: sized without encoding
		}
		bc, err = qr.Encode(data, qr.ErrorCorrectionLevel(opt.ECC), qrMode(data))
		hri = ""
	case label.GS1128:
		fields, perr := label.ParseGS1(data)
		if perr != nil {
			return nil, true, perr
		}
		bc, err = encode128(label.GS1Element(fields, string(Code128FNC1)))
	case label.GS1DataMatrix:
		fields, perr := label.ParseGS1(data)
		if perr != nil {
			return nil, true, perr
		}
		bc, err = datamatrix.Encode(label.GS1Element(fields, string([]byte{datamatrix.FNC1})))
		hri = ""
	case label.EAN8:
		bc, err = ean.Encode(data)
	case label.UPCE:
		bc, err = encodeUPCE(data)
	case label.ITF14:
		bc, err = twooffive.Encode(data, true)
	case label.Codabar:
		bc, err = codabar.Encode(data)
	case label.PDF417:
		bc, err = encodePDF417(data, opt.Columns, opt.ECC) // pdf417.go
		hri = ""
	case label.Aztec:
		bc, err = aztec.Encode([]byte(data), opt.ECC, aztec.DEFAULT_LAYERS)
		hri = ""
	default:
		return nil, false, nil
	}
	if err != nil {
		return nil, true, fmt.Errorf("encode %s: %w", symbology, err)
	}
	r := bc.Bounds()
	if r.Dx() <= 0 || r.Dy() <= 0 {
		return nil, true, fmt.Errorf("encode %s: empty symbol", symbology)
	}
	s = &Symbol{W: r.Dx(), H: r.Dy(), HRI: hri, encode: func() (barcode.Barcode, error) { return bc, nil }}
	if symbology == label.Codabar {
		s.HRI = data[1 : len(data)-1]
	}
	return s, true, s.Load()
}

// PDF417Size returns a PDF417 symbol's data columns and rows.
func (s *Symbol) PDF417Size() (cols, rows int) {
	return (s.W-1)/17 - 4, s.H / PDF417RowModules
}

// AztecLayers returns an Aztec symbol's layers and whether it is compact
// (from its size, as the Aztec standard defines it).
func (s *Symbol) AztecLayers() (layers int, compact bool) {
	if s.W <= 27 && (s.W-11)%4 == 0 {
		return (s.W - 11) / 4, true
	}
	for l := 1; l <= 32; l++ {
		base := 14 + 4*l
		if base+1+2*((base/2-1)/15) == s.W {
			return l, false
		}
	}
	return 0, false
}

// UPC-E: parity patterns by number system 0 (1 swaps them) and check digit,
// and the EAN odd (L) and even (G) digit patterns.
var upceParity = [10]string{"EEEOOO", "EEOEOO", "EEOOEO", "EEOOOE", "EOEEOO", "EOOEEO", "EOOOEE", "EOEOEO", "EOEOOE", "EOOEOE"}

var eanL = [10]string{"0001101", "0011001", "0010011", "0111101", "0100011", "0110001", "0101111", "0111011", "0110111", "0001011"}

// encodeUPCE draws 8 UPC-E digits (number system, 6 digits, check digit):
// guard 101, six digits, guard 010101 (51 modules).
func encodeUPCE(data string) (barcode.Barcode, error) {
	if len(data) != 8 || (data[0] != '0' && data[0] != '1') {
		return nil, errors.New("UPC-E needs number system 0 or 1, 6 digits and the check digit")
	}
	par := upceParity[data[7]-'0']
	bits := "101"
	for i := 0; i < 6; i++ {
		p := eanL[data[1+i]-'0']
		even := par[i] == 'E'
		if data[0] == '1' {
			even = !even
		}
		if even { // G pattern: the L pattern inverted and reversed
			g := make([]byte, 7)
			for j := 0; j < 7; j++ {
				g[6-j] = '0' + '1' - p[j]
			}
			p = string(g)
		}
		bits += p
	}
	bits += "010101"
	return bitsBarcode(bits), nil
}

// checkColumns makes a PDF417 symbol in the columns the element asks for
// (layout.go encodes it first with the error correction level alone); data
// that cannot fit in them is an error naming the columns.
func checkColumns(it *Item, e *label.Element) error {
	if e.Symbology != label.PDF417 || e.Columns == 0 {
		return nil
	}
	sym, err := EncodeSymbolWith(e.Symbology, it.Data, SymbolOptions{ECC: it.ECC, Columns: e.Columns})
	if err != nil {
		return &label.Error{Code: label.ReasonInvalid, Field: it.Field("columns"), Msg: "cannot be encoded", Err: err}
	}
	it.Symbol = sym
	return nil
}
