// Package rastertest holds test helpers for the label encoders: barcode
// decoding with github.com/makiuchi-d/gozxing (crop, rotate back, add a
// quiet zone, decode) and the independent ZPL renderer in tools/zplrender
// (zpl-renderer-js, zebrash compiled to WASM, run by Node).
//
// Only tests import it, so gozxing never reaches the Labelbridge binary.
package rastertest

import (
	"fmt"
	"image"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/aztec"
	"github.com/makiuchi-d/gozxing/datamatrix"
	"github.com/makiuchi-d/gozxing/oned"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/labelbridge/labelbridge/printing/label"
	"github.com/labelbridge/labelbridge/printing/raster"
)

// QuietZone is the white border added around a crop before decoding.
const QuietZone = 40

// Decode crops r (grown by margin on every side, clipped to img) out of
// img, turns it back by rotation degrees (the element's clockwise
// rotation), surrounds it with a quiet zone and decodes it as symbology.
func Decode(img image.Image, r image.Rectangle, margin, rotation int, symbology string) (string, error) {
	cr := r.Inset(-margin).Intersect(img.Bounds())
	var crop *raster.Bitmap
	if b, ok := img.(*raster.Bitmap); ok {
		crop = b.Sub(cr)
	} else if si, ok := img.(interface {
		SubImage(image.Rectangle) image.Image
	}); ok {
		crop = raster.FromImage(si.SubImage(cr))
	} else {
		crop = raster.FromImage(img).Sub(cr.Sub(img.Bounds().Min))
	}
	switch rotation {
	case 90:
		crop = crop.Rotate(270)
	case 180:
		crop = crop.Rotate(180)
	case 270:
		crop = crop.Rotate(90)
	}
	padded := raster.NewBitmap(crop.W+2*QuietZone, crop.H+2*QuietZone)
	padded.Or(crop, image.Pt(QuietZone, QuietZone))
	return DecodeBitmap(padded, symbology)
}

// DecodeBitmap decodes a whole bitmap as symbology.
func DecodeBitmap(b *raster.Bitmap, symbology string) (string, error) {
	bmp, err := gozxing.NewBinaryBitmapFromImage(b)
	if err != nil {
		return "", err
	}
	hints := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}
	var reader gozxing.Reader
	switch symbology {
	case label.Code128, label.GS1128:
		reader = oned.NewCode128Reader()
	case label.EAN8:
		reader = oned.NewEAN8Reader()
	case label.UPCE:
		reader = oned.NewUPCEReader()
	case label.ITF14:
		reader = oned.NewITFReader()
	case label.Codabar:
		reader = oned.NewCodaBarReader()
	case label.Aztec:
		reader = aztec.NewAztecReader()
		pure := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_PURE_BARCODE: true}
		if res, err := reader.Decode(bmp, pure); err == nil {
			return res.GetText(), nil
		}
	case label.Code39:
		reader = oned.NewCode39Reader()
	case label.EAN13:
		reader = oned.NewEAN13Reader()
	case label.UPCA:
		reader = oned.NewUPCAReader()
	case label.QR:
		reader = qrcode.NewQRCodeReader()
	case label.DataMatrix, label.GS1DataMatrix:
		reader = datamatrix.NewDataMatrixReader()
		// Try the pure-barcode path first: it is exact for clean renders.
		pure := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_PURE_BARCODE: true}
		if res, err := reader.Decode(bmp, pure); err == nil {
			return res.GetText(), nil
		}
	default:
		return "", fmt.Errorf("no reader for %q", symbology)
	}
	res, err := reader.Decode(bmp, hints)
	if err != nil {
		return "", err
	}
	return res.GetText(), nil
}

// Expected returns what a decoder reads from an item's barcode: its data,
// with GS1 data as the element string gozxing returns (the leading FNC1
// dropped, GS (0x1d) for every separating FNC1) and Codabar without its
// start and stop characters. ok is false for symbologies gozxing cannot
// read (PDF417).
func Expected(it *raster.Item) (want string, ok bool) {
	switch it.Symbology {
	case label.PDF417:
		return "", false
	case label.GS1DataMatrix: // gozxing keeps a GS for the leading FNC1 here
		return label.GS1Element(it.GS1, "\x1d"), true
	case label.GS1128:
		return label.GS1Element(it.GS1, "\x1d")[1:], true
	case label.Codabar:
		return it.Data[1 : len(it.Data)-1], true
	}
	return it.Data, true
}
