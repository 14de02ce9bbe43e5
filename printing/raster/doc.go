// Package raster is Labelbridge's 1-bit renderer. It lays a label out in
// printer dots (Layout → Plan), chooses fonts per character from the
// system's fonts (NFC-normalised, coverage checked per rune, found through
// a persisted fontscan index), shapes text with go-text/typesetting
// (bidi, HarfBuzz), thresholds outline glyphs at 50% and dithers colour
// emoji, encodes barcodes with github.com/boombuler/barcode, scales and
// dithers images (Floyd–Steinberg), and draws elements into Bitmaps (1 bit
// = black) for the language encoders and for PNG previews.
//
// Bitmap polarity is always 1 = black here; encoders invert rows for
// languages where a 0 bit prints black (TSPL, EPL2) via AppendRows.
package raster
