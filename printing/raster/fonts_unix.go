//go:build !windows && !darwin

package raster

import (
	"os"
	"path/filepath"
)

// osFontCandidates lists the usual Linux locations of Korean fonts (Nanum,
// Noto CJK), then common Latin fallbacks. fc-match adds more at run time.
func osFontCandidates() []fontSource {
	return []fontSource{
		{path: "/usr/share/fonts/truetype/nanum/NanumGothic.ttf"},
		{path: "/usr/share/fonts/truetype/nanum/NanumBarunGothic.ttf"},
		{path: "/usr/share/fonts/truetype/nanum/NanumSquareR.ttf"},
		{path: "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", prefer: "Noto Sans CJK KR"},
		{path: "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", prefer: "Noto Sans CJK KR"},
		{path: "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc", prefer: "Noto Sans CJK KR"},
		{path: "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"},
	}
}

// fontDirs lists directories searched for family names.
func fontDirs() []string {
	dirs := []string{"/usr/share/fonts", "/usr/local/share/fonts"}
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, ".local", "share", "fonts"), filepath.Join(home, ".fonts"))
	}
	return dirs
}
