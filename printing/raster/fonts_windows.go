//go:build windows

package raster

import (
	"os"
	"path/filepath"
)

func windowsFontsDir() string {
	dir := os.Getenv("WINDIR")
	if dir == "" {
		dir = `C:\Windows`
	}
	return filepath.Join(dir, "Fonts")
}

// osFontCandidates lists Windows' fonts, Korean (Malgun Gothic) first.
func osFontCandidates() []fontSource {
	d := windowsFontsDir()
	var out []fontSource
	for _, f := range []string{"malgun.ttf", "gulim.ttc", "arial.ttf", "segoeui.ttf", "msyh.ttc", "msgothic.ttc", "simsun.ttc"} {
		out = append(out, fontSource{path: filepath.Join(d, f)})
	}
	return out
}
