package raster

import (
	"strings"
	"testing"

	"golang.org/x/image/math/fixed"

	"github.com/labelbridge/labelbridge/printing/label"
)

// TestWrapParagraph: word mode breaks where UAX #14 allows (spaces,
// after hyphens, between CJK ideographs, never before closing
// punctuation) and keeps Korean words whole; a word longer than the line
// is broken inside; char mode breaks anywhere but before closing
// punctuation; Thai breaks between syllables where the line allows. Every
// rune is one unit wide here.
func TestWrapParagraph(t *testing.T) {
	tests := []struct {
		name, text string
		width      int
		mode       string
		want       []string
	}{
		{"spaces", "print the label now", 10, label.WrapWord, []string{"print the", "label now"}},
		{"hyphenated SKU", "SKU-1234-ABCD-99", 10, label.WrapWord, []string{"SKU-1234-", "ABCD-99"}},
		{"no break after opening or before closing punctuation", "AB (CD) EF", 4, label.WrapWord, []string{"AB", "(CD)", "EF"}},
		{"Korean words stay whole", "서울특별시 강남구 테헤란로 123", 7, label.WrapWord, []string{"서울특별시", "강남구", "테헤란로", "123"}},
		{"Korean with digits stays whole", "상자 3개입 포장", 4, label.WrapWord, []string{"상자", "3개입", "포장"}},
		{"Chinese breaks between ideographs", "中文标签打印机测试。完成", 5, label.WrapWord, []string{"中文标签打", "印机测试。", "完成"}},
		{"word longer than the line", "ABCDEFGHIJKLMNOP QR", 8, label.WrapWord, []string{"ABCDEFGH", "IJKLMNOP", "QR"}},
		{"char mode keeps punctuation with its word", "ABC DEF, GHI", 7, label.WrapChar, []string{"ABC DE", "F, GHI"}},
		// เกาะแก้ว: the syllables เกาะ and แก้ว; a break after เ or before า/ะ would split one.
		{"Thai breaks between syllables", "เกาะแก้วเกาะ", 6, label.WrapWord, []string{"เกาะ", "แก้ว", "เกาะ"}},
		{"Thai syllable longer than the line is split", "เกาะ", 2, label.WrapChar, []string{"เก", "าะ"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rs := []rune(tc.text)
			adv := make([]fixed.Int26_6, len(rs))
			for i := range adv {
				adv[i] = 64
			}
			var got []string
			for _, ln := range wrapParagraph(rs, adv, fixed.Int26_6(64*tc.width), tc.mode) {
				got = append(got, string(ln.runes))
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("wrap %q in %d: %q, want %q", tc.text, tc.width, got, tc.want)
			}
		})
	}
}
