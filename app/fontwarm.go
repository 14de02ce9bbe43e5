package main

import "github.com/labelbridge/labelbridge/printing/raster"

// warmFonts reads the font index (printing/raster, saved in the user's
// cache folder) in the background as the agent starts, so that the first
// label does not wait for it.
func warmFonts() { go raster.WarmFonts() }
