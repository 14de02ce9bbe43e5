package raster

import (
	"image"
	"image/color"

	"github.com/boombuler/barcode"
)

// bitsBarcode is a 1D barcode given as a string of '1' (bar) and '0'.
type bitsBarcode string

func (b bitsBarcode) ColorModel() color.Model { return color.GrayModel }
func (b bitsBarcode) Bounds() image.Rectangle { return image.Rect(0, 0, len(b), 1) }
func (b bitsBarcode) Metadata() barcode.Metadata {
	return barcode.Metadata{CodeKind: "UPC-E", Dimensions: 1}
}
func (b bitsBarcode) Content() string { return string(b) }
func (b bitsBarcode) At(x, y int) color.Color {
	if x >= 0 && x < len(b) && b[x] == '1' {
		return color.Black
	}
	return color.White
}
