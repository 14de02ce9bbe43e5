//go:build !unix

package raster

import "os"

// readFontFile returns the contents of a font file (read whole where
// mapping it is not implemented: fontmap_unix.go).
func readFontFile(path string, _ os.FileInfo) ([]byte, error) { return os.ReadFile(path) }
