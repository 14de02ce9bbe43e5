//go:build !windows && !darwin

package raster

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
