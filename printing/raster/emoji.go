package raster

import (
	ot "github.com/go-text/typesetting/font/opentype"
)

// Emoji: colour fonts (Noto Color Emoji's CBDT bitmaps, Apple's sbix,
// COLR layers) are used for characters shown as emoji, and their glyphs are
// drawn in grey and dithered like images (glyphdraw.go).

// colourCapRatio is the "cap height" of a colour emoji font as a fraction
// of its em: an emoji is about 1.17 em tall, so at this ratio it stands
// about as tall as the line's ascent (1.3 cap heights).
const colourCapRatio = 0.9

// hasColourTables reports whether a font draws glyphs from colour bitmaps
// or layers.
func hasColourTables(ld *ot.Loader) bool {
	for _, t := range []string{"CBDT", "sbix", "COLR"} {
		if ld.HasTable(ot.MustNewTag(t)) {
			return true
		}
	}
	return false
}

// emojiPresentationRanges are the characters shown as emoji by default
// (Unicode's Emoji_Presentation property, condensed: the pictographic
// planes and the dingbats and symbols that default to emoji style).
var emojiPresentationRanges = [][2]rune{
	{0x231A, 0x231B}, {0x23E9, 0x23EC}, {0x23F0, 0x23F0}, {0x23F3, 0x23F3},
	{0x25FD, 0x25FE}, {0x2614, 0x2615}, {0x2648, 0x2653}, {0x267F, 0x267F},
	{0x2693, 0x2693}, {0x26A1, 0x26A1}, {0x26AA, 0x26AB}, {0x26BD, 0x26BE},
	{0x26C4, 0x26C5}, {0x26CE, 0x26CE}, {0x26D4, 0x26D4}, {0x26EA, 0x26EA},
	{0x26F2, 0x26F3}, {0x26F5, 0x26F5}, {0x26FA, 0x26FA}, {0x26FD, 0x26FD},
	{0x2705, 0x2705}, {0x270A, 0x270B}, {0x2728, 0x2728}, {0x274C, 0x274C},
	{0x274E, 0x274E}, {0x2753, 0x2755}, {0x2757, 0x2757}, {0x2795, 0x2797},
	{0x27B0, 0x27B0}, {0x27BF, 0x27BF}, {0x2B1B, 0x2B1C}, {0x2B50, 0x2B50},
	{0x2B55, 0x2B55},
	{0x1F004, 0x1F004}, {0x1F0CF, 0x1F0CF}, {0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A},
	{0x1F1E6, 0x1F1FF}, {0x1F201, 0x1F201}, {0x1F21A, 0x1F21A}, {0x1F22F, 0x1F22F},
	{0x1F232, 0x1F236}, {0x1F238, 0x1F23A}, {0x1F250, 0x1F251}, {0x1F300, 0x1F320},
	{0x1F32D, 0x1F335}, {0x1F337, 0x1F37C}, {0x1F37E, 0x1F393}, {0x1F3A0, 0x1F3CA},
	{0x1F3CF, 0x1F3D3}, {0x1F3E0, 0x1F3F0}, {0x1F3F4, 0x1F3F4}, {0x1F3F8, 0x1F43E},
	{0x1F440, 0x1F440}, {0x1F442, 0x1F4FC}, {0x1F4FF, 0x1F53D}, {0x1F54B, 0x1F54E},
	{0x1F550, 0x1F567}, {0x1F57A, 0x1F57A}, {0x1F595, 0x1F596}, {0x1F5A4, 0x1F5A4},
	{0x1F5FB, 0x1F64F}, {0x1F680, 0x1F6C5}, {0x1F6CC, 0x1F6CC}, {0x1F6D0, 0x1F6D2},
	{0x1F6D5, 0x1F6D7}, {0x1F6DC, 0x1F6DF}, {0x1F6EB, 0x1F6EC}, {0x1F6F4, 0x1F6FC},
	{0x1F7E0, 0x1F7EB}, {0x1F7F0, 0x1F7F0}, {0x1F90C, 0x1F93A}, {0x1F93C, 0x1F945},
	{0x1F947, 0x1F9FF}, {0x1FA70, 0x1FAFF},
}

func inRanges(r rune, ranges [][2]rune) bool {
	lo, hi := 0, len(ranges)
	for lo < hi {
		m := (lo + hi) / 2
		switch {
		case r < ranges[m][0]:
			hi = m
		case r > ranges[m][1]:
			lo = m + 1
		default:
			return true
		}
	}
	return false
}

// emojiChar reports whether a colour font may draw r: pictographs,
// dingbats and symbols with emoji forms, regional indicators, skin tones,
// joiners, selectors, tags and the keycap mark (digits, '#' and '*' only
// inside a keycap sequence, see emojiPresentation).
func emojiChar(r rune) bool {
	switch {
	case r >= 0x1F000 && r <= 0x1FAFF, r >= 0x2190 && r <= 0x21FF, r >= 0x2300 && r <= 0x23FF,
		r >= 0x25A0 && r <= 0x27BF, r >= 0x2900 && r <= 0x297F, r >= 0x2B00 && r <= 0x2BFF,
		r == 0x00A9, r == 0x00AE, r == 0x203C, r == 0x2049, r == 0x2122, r == 0x2139,
		r == 0x3030, r == 0x303D, r == 0x3297, r == 0x3299, r == 0x20E3, ignorable(r):
		return true
	}
	return false
}

// emojiPresentation reports whether rs[i] is shown as emoji: it is emoji
// by default and not followed by the text selector U+FE0E, or it is
// followed by the emoji selector U+FE0F, or it starts a keycap sequence.
func emojiPresentation(rs []rune, i int) bool {
	r := rs[i]
	next := rune(0)
	if i+1 < len(rs) {
		next = rs[i+1]
	}
	switch {
	case next == 0xFE0E:
		return false
	case next == 0xFE0F || next == 0x20E3:
		return r != ' '
	}
	return inRanges(r, emojiPresentationRanges) || (r >= 0x1F3FB && r <= 0x1F3FF)
}
