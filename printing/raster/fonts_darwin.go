//go:build darwin

package raster

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
