//go:build darwin

package raster

import (
	"os"
	"path/filepath"
)

// osFontCandidates lists macOS fonts, Korean (Apple SD Gothic Neo) first.
func osFontCandidates() []fontSource {
	return []fontSource{
		{path: "/System/Library/Fonts/AppleSDGothicNeo.ttc", prefer: "Apple SD Gothic Neo Regular"},
		{path: "/System/Library/Fonts/Supplemental/AppleGothic.ttf"},
		{path: "/System/Library/Fonts/Helvetica.ttc"},
		{path: "/System/Library/Fonts/Supplemental/Arial Unicode.ttf"},
		{path: "/Library/Fonts/Arial Unicode.ttf"},
	}
}

// fontDirs lists directories searched for family names.
func fontDirs() []string {
	dirs := []string{"/System/Library/Fonts", "/Library/Fonts"}
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, "Library", "Fonts"))
	}
	return dirs
}
