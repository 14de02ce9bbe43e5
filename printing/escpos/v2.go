package escpos

import (
	"bytes"
	"image"

	"github.com/labelbridge/labelbridge/printing/label"
	"github.com/labelbridge/labelbridge/printing/raster"
)

// Label model v2 in ESC/POS. A band holding one of these alone is sent
// natively:
//
//   - GS k 68 EAN-8 and GS k 66 UPC-E (number system 0, sent as the 11
//     UPC-A digits it expands to, which every GS k 66 accepts);
//   - GS k 73 GS1-128: FNC1 ({1) and the code sets ({B, {C) chosen exactly
//     as github.com/boombuler/barcode chooses them for the preview, so the
//     printed bars are the preview's bars;
//   - GS ( k PDF417 (cn 48) with our symbol's columns and rows, module
//     width and a row height of two modules, error correction level as
//     asked (printable ASCII data, module 2–8 dots);
//   - QR (GS ( k cn 49) with the element's ecc.
//
// The human-readable line of the 1D codes is not the printer's (GS H 0):
// it is sent as raster rows under the bars, drawn as the preview draws it.
//
// Bitmaps for the rest, and why: ITF-14 and Codabar (ESC/POS has no
// command for the wide-to-narrow ratio, so the printer's symbol may be
// wider than the space reserved for it), Data Matrix, GS1 Data Matrix and
// Aztec (GS ( k cn 54 and Aztec exist on few models only), and every shape
// and text box (ESC/POS has no drawing commands).

// nativeV2 returns the commands for a v2 barcode (or a QR code with its
// ecc), or nil (raster); handled is false for items v1 code sends.
func nativeV2(it *raster.Item, p *raster.Plan, unit int) (cmd []byte, handled bool) {
	switch it.Symbology {
	case label.QR, label.EAN8, label.UPCE, label.GS1128, label.PDF417:
	case label.ITF14, label.Codabar, label.GS1DataMatrix, label.Aztec:
		return nil, true
	default:
		return nil, false
	}
	x := it.BarsBounds().Min.X
	if x%unit != 0 {
		return nil, true // GS L moves in motion units: off by a dot from the preview
	}
	m := it.Module
	var body bytes.Buffer
	switch it.Symbology {
	case label.QR:
		if m < 1 || m > 16 {
			return nil, true
		}
		n := len(it.Data) + 3
		body.Write([]byte{0x1d, 0x28, 0x6b, 4, 0, 0x31, 0x41, 0x32, 0})               // model 2
		body.Write([]byte{0x1d, 0x28, 0x6b, 3, 0, 0x31, 0x43, byte(m)})               // module size
		body.Write([]byte{0x1d, 0x28, 0x6b, 3, 0, 0x31, 0x45, byte(0x30 + it.ECC&3)}) // L M Q H
		body.Write([]byte{0x1d, 0x28, 0x6b, byte(n), byte(n >> 8), 0x31, 0x50, 0x30}) // store
		body.WriteString(it.Data)
		body.Write([]byte{0x1d, 0x28, 0x6b, 3, 0, 0x31, 0x51, 0x30}) // print
	case label.PDF417:
		if m < 2 || m > 8 || !label.IsPrintableASCII(it.Data) {
			return nil, true
		}
		cols, rows := it.Symbol.PDF417Size()
		n := len(it.Data) + 3
		body.Write([]byte{0x1d, 0x28, 0x6b, 3, 0, 0x30, 0x41, byte(cols)})                // columns
		body.Write([]byte{0x1d, 0x28, 0x6b, 3, 0, 0x30, 0x42, byte(rows)})                // rows
		body.Write([]byte{0x1d, 0x28, 0x6b, 3, 0, 0x30, 0x43, byte(m)})                   // module width
		body.Write([]byte{0x1d, 0x28, 0x6b, 3, 0, 0x30, 0x44, raster.PDF417RowModules})   // row height
		body.Write([]byte{0x1d, 0x28, 0x6b, 4, 0, 0x30, 0x45, 0x30, byte(0x30 + it.ECC)}) // level
		body.Write([]byte{0x1d, 0x28, 0x6b, byte(n), byte(n >> 8), 0x30, 0x50, 0x30})     // store
		body.WriteString(it.Data)
		body.Write([]byte{0x1d, 0x28, 0x6b, 3, 0, 0x30, 0x51, 0x30}) // print
	default:
		if m < 2 || m > 6 || it.BarHeight > 255 {
			return nil, true
		}
		var typ byte
		var data []byte
		switch it.Symbology {
		case label.EAN8:
			typ, data = 68, []byte(it.Data[:7])
		case label.UPCE:
			if it.Data[0] != '0' {
				return nil, true
			}
			typ, data = 66, []byte(label.UPCEToUPCA(it.Data[:7]))
		case label.GS1128:
			data = Code128Data([]rune(label.GS1Element(it.GS1, string(rune(fnc1)))))
			if data == nil || len(data) > 255 {
				return nil, true
			}
			typ = 73
		}
		body.Write([]byte{0x1d, 0x68, byte(it.BarHeight)}) // GS h height
		body.Write([]byte{0x1d, 0x77, byte(m)})            // GS w module
		body.Write([]byte{0x1d, 0x48, 0})                  // GS H: no printer HRI
		body.Write([]byte{0x1d, 0x6b, typ, byte(len(data))})
		body.Write(data)
	}
	var b bytes.Buffer
	left := (x + unit/2) / unit
	b.Write([]byte{0x1d, 0x4c, byte(left), byte(left >> 8)}) // GS L left margin
	b.Write(body.Bytes())
	b.Write([]byte{0x1d, 0x4c, 0, 0}) // GS L 0: left margin back
	if err := writeHRI(&b, it, p); err != nil {
		return nil, true
	}
	return b.Bytes(), true
}

// NativeBarsEnd returns where the paper is after a native command for it
// (before the raster rows of its human-readable line, if any).
func NativeBarsEnd(it *raster.Item) int {
	if it.Parts != nil {
		return it.BarsBounds().Max.Y
	}
	return it.Bounds.Max.Y
}

// writeHRI writes the rows under a 1D code's bars, with its human-readable
// line drawn as the preview draws it.
func writeHRI(b *bytes.Buffer, it *raster.Item, p *raster.Plan) error {
	y0 := NativeBarsEnd(it)
	if y0 >= it.Bounds.Max.Y {
		return nil
	}
	hri, at, err := it.HRIBitmap()
	if err != nil || hri == nil {
		return err
	}
	rows := raster.NewBitmap(p.Width, it.Bounds.Max.Y-y0)
	rows.Or(hri, it.Bounds.Min.Add(at).Sub(image.Pt(0, y0)))
	wb := max(1, (min(p.Width, it.Bounds.Min.X+at.X+hri.W)+7)/8)
	for r0 := 0; r0 < rows.H; r0 += MaxRasterRows {
		h := min(MaxRasterRows, rows.H-r0)
		b.Write([]byte{0x1d, 0x76, 0x30, 0, byte(wb), byte(wb >> 8), byte(h), byte(h >> 8)})
		b.Write(rows.AppendRows(nil, image.Rect(0, r0, wb*8, r0+h), false))
	}
	return nil
}

// fnc1 stands for FNC1 in the content given to Code128Data.
const fnc1 = '\u00f1'

// Code128Data returns GS k 73 data for content: the code sets the preview
// draws (raster.Code128Pack) spelled out as {A, {B and {C, FNC1 as {1 and
// a "{" in the data as {{ (GS k reads "{" as the start of a function
// code), so the printer draws exactly the preview's codewords. nil when
// content has a character Code 128 cannot encode.
func Code128Data(content []rune) []byte {
	ops, err := raster.Code128Pack(string(content))
	if err != nil {
		return nil
	}
	var out []byte
	set := byte(0)
	for _, op := range ops {
		switch {
		case op.Set != 0:
			out, set = append(out, '{', op.Set), op.Set
		case op.FNC1:
			out = append(out, '{', '1')
		case op.Char == '{' && set != 'C':
			out = append(out, '{', '{')
		default:
			out = append(out, op.Char)
		}
	}
	return out
}
