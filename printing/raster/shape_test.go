package raster

import (
	"encoding/json"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-text/typesetting/harfbuzz"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"github.com/labelbridge/labelbridge/printing/label"
)

// Fonts the shaping tests use (Debian: fonts-noto-core, fonts-nanum,
// fonts-noto-color-emoji; scripts/deps/test-text.txt) and HarfBuzz's own
// tools (libharfbuzz-bin) as the reference.
const (
	notoArabic = "/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf"
	notoThai   = "/usr/share/fonts/truetype/noto/NotoSansThai-Regular.ttf"
	nanum      = "/usr/share/fonts/truetype/nanum/NanumGothic.ttf"
	notoEmoji  = "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"
)

// requireFiles skips locally (fails with CI=true) when a font or tool the
// test compares against is missing.
func requireFiles(t *testing.T, files ...string) {
	t.Helper()
	for _, f := range files {
		if !strings.HasPrefix(f, "/") {
			if _, err := exec.LookPath(f); err == nil {
				continue
			}
		} else if _, err := os.Stat(f); err == nil {
			continue
		}
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing: install the packages in scripts/deps/test-text.txt", f)
		}
		t.Skipf("%s is missing (scripts/deps/test-text.txt)", f)
	}
}

func fileFace(t *testing.T, path string) *Face {
	t.Helper()
	faces, err := loadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return faces[0]
}

// TestPlainTextMatchesXImage: text that needs no shaping is drawn on exactly
// the dots x/image's font.Drawer put it on before shaping existed.
func TestPlainTextMatchesXImage(t *testing.T) {
	t.Parallel()
	requireFiles(t, nanum)
	for _, tc := range []struct{ font, text string }{
		{BuiltinFont, "AVAWAY To. Wolf 1042 \"rush\" ÄÖÜ"},
		{BuiltinFont, "Justified text, kerning: Tr Ty LT"},
		{nanum, "받는 분: 김민수 010-1234-5678"},
		{nanum, "서울특별시 강남구 테헤란로 물류센터"},
	} {
		for _, capH := range []float64{17, 24.5, 40} {
			f := fileFace(t, tc.font)
			got, _, err := RenderText(tc.text, capH, &FontSet{sources: []fontSource{{path: tc.font}}, noColour: true}, "text")
			if err != nil {
				t.Fatal(err)
			}
			want := drawerReference(t, f, tc.text, capH)
			if got.W != want.W || got.H != want.H || string(got.Pix) != string(want.Pix) {
				t.Errorf("%s %q at %.1f: shaped text differs from x/image's drawing (%dx%d, %d ink; want %dx%d, %d ink)",
					filepath.Base(tc.font), tc.text, capH, got.W, got.H, got.InkCount(), want.W, want.H, want.InkCount())
			}
		}
	}
}

// drawerReference draws text the way the renderer did before shaping:
// x/image's font.Drawer, rune by rune with kern-table kerning.
func drawerReference(t *testing.T, f *Face, text string, capH float64) *Bitmap {
	ff, err := opentype.NewFace(f.Font, &opentype.FaceOptions{Size: capH / f.capRatio, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		t.Fatal(err)
	}
	asc, lineH := LineMetrics(capH)
	w := font.MeasureString(ff, text).Ceil() + 1
	alpha := image.NewAlpha(image.Rect(0, 0, w, lineH))
	d := font.Drawer{Dst: alpha, Src: image.Opaque, Face: ff, Dot: fixed.P(0, asc)}
	d.DrawString(text)
	out := NewBitmap(w, lineH)
	for y := 0; y < lineH; y++ {
		for x := 0; x < w; x++ {
			if alpha.AlphaAt(x, y).A >= 128 {
				out.Set(x, y)
			}
		}
	}
	return out
}

type hbGlyph struct {
	G  int `json:"g"`
	Cl int `json:"cl"`
	Dx int `json:"dx"`
	Dy int `json:"dy"`
	Ax int `json:"ax"`
}

// TestShapingMatchesHarfBuzz compares glyphs and positions with HarfBuzz's
// own hb-shape (C HarfBuzz, Debian libharfbuzz-bin) on the same font file:
// Arabic joins (contextual forms) and runs right to left, Thai marks are
// placed by GPOS, Korean/Latin/emoji keep their glyphs and advances.
func TestShapingMatchesHarfBuzz(t *testing.T) {
	t.Parallel()
	requireFiles(t, "hb-shape", notoArabic, notoThai, nanum, notoEmoji)
	for _, tc := range []struct{ name, font, text string }{
		{"arabic", notoArabic, "مرحبا بالعالم"},
		{"thai", notoThai, "น้ำ ที่นี่ ภาษาไทย กั้"},
		{"korean-latin", nanum, "상품명 Product A 받는 분"},
		{"emoji", notoEmoji, "📦✅👍🏽"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := fileFace(t, tc.font)
			out, err := exec.Command("hb-shape", "-O", "json", "--no-glyph-names", "--font-size=upem", tc.font, tc.text).Output()
			if err != nil {
				t.Fatalf("hb-shape: %v", err)
			}
			var want []hbGlyph
			if err := json.Unmarshal(out, &want); err != nil {
				t.Fatalf("hb-shape output %q: %v", out, err)
			}
			rs := []rune(tc.text)
			faces := make([]*Face, len(rs))
			for i := range faces {
				faces[i] = f
			}
			capH := 30.0
			line := shapeLine(rs, faces, capH, false, nil)
			var got []placedGlyph
			for _, r := range line.runs {
				got = append(got, r.glyphs...)
			}
			if len(got) != len(want) {
				t.Fatalf("%d glyphs, hb-shape has %d", len(got), len(want))
			}
			scale := sizeOf(f, capH)
			upem := int(f.gt.Upem())
			pen := 0
			for i, w := range want {
				g := got[i]
				wx := scaleFU(pen+w.Dx, scale, upem)
				wy := -scaleFU(w.Dy, scale, upem)
				if int(g.id) != w.G || abs26(g.x-wx) > 2 || abs26(g.y-wy) > 2 {
					t.Errorf("glyph %d: id %d at (%v, %v), hb-shape: id %d at (%v, %v)", i, g.id, g.x, g.y, w.G, wx, wy)
				}
				pen += w.Ax
			}
		})
	}
}

func abs26(v fixed.Int26_6) fixed.Int26_6 {
	if v < 0 {
		return -v
	}
	return v
}

// TestInkMatchesHBView compares the drawn dots with hb-view's rendering of
// the same string with the same font at the same size (aligned on the ink
// box, thresholded at 50%): Arabic joined right to left, Thai with stacked
// marks. The same text drawn glyph by glyph without shaping (what the
// renderer used to do) must not match, so the comparison can tell.
func TestInkMatchesHBView(t *testing.T) {
	t.Parallel()
	requireFiles(t, "hb-view", notoArabic, notoThai)
	for _, tc := range []struct{ name, font, text string }{
		{"arabic", notoArabic, "مرحبا بالعالم"},
		{"thai", notoThai, "ภาษาไทย ปู่ ไก่ น้ำ"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := fileFace(t, tc.font)
			const ppem = 48
			capH := ppem * f.capRatio
			fs := &FontSet{sources: []fontSource{{path: tc.font}}, noColour: true}
			ours, oursAt, err := RenderText(tc.text, capH, fs, "text")
			if err != nil {
				t.Fatal(err)
			}
			ref := hbView(t, tc.font, tc.text, ppem)
			if os.Getenv("LB_DUMP") != "" {
				p1, _ := ours.PNG()
				p2, _ := ref.PNG()
				os.WriteFile("/tmp/ours-"+tc.name+".png", p1, 0o644)
				os.WriteFile("/tmp/ref-"+tc.name+".png", p2, 0o644)
			}
			// hb-view puts the baseline at the font's ascender (margin 0).
			f.mu.Lock()
			ext := f.hb.ExtentsForDirection(harfbuzz.LeftToRight)
			f.mu.Unlock()
			refBase := scaleFU(int(ext.Ascender), fixed.I(ppem), int(f.gt.Upem())).Round()
			ourBase, _ := LineMetrics(capH)
			ourBase += oursAt.Y
			if d := dice(ours, ref, ourBase, refBase); d < 0.9 {
				t.Errorf("ink agrees with hb-view only %.2f (Dice), want ≥ 0.90", d)
			}
			// Unshaped: each character drawn alone, left to right.
			un := NewBitmap(ours.W*2, ours.H)
			x := 0
			for _, r := range tc.text {
				b, at, err := RenderText(string(r), capH, fs, "text")
				if err != nil {
					t.Fatal(err)
				}
				un.Or(b, image.Pt(x-at.X, oursAt.Y-at.Y))
				x += b.W - at.X - 1
			}
			if d := dice(un, ref, ourBase, refBase); d >= 0.9 {
				t.Errorf("unshaped text agrees %.2f with hb-view: the comparison cannot tell", d)
			}
		})
	}
}

// hbView renders text with hb-view and thresholds it at 50%.
func hbView(t *testing.T, fontFile, text string, ppem int) *Bitmap {
	t.Helper()
	out := filepath.Join(t.TempDir(), "hb.png")
	cmd := exec.Command("hb-view", "--font-size="+itoa(ppem), "--margin=0", "-O", "png", "-o", out, fontFile, text)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("hb-view: %v: %s", err, b)
	}
	fh, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	img, err := png.Decode(fh)
	if err != nil {
		t.Fatal(err)
	}
	return FromImage(img)
}

// dice lays b over a, left ink edges together and baselines (baseA,
// baseB) together, and returns 2|A∩B| / (|A|+|B|).
func dice(a, b *Bitmap, baseA, baseB int) float64 {
	ra, rb := a.InkBounds(), b.InkBounds()
	if ra.Empty() || rb.Empty() {
		return 0
	}
	dx, dy := rb.Min.X-ra.Min.X, baseB-baseA
	both := 0
	for y := ra.Min.Y; y < ra.Max.Y; y++ {
		for x := ra.Min.X; x < ra.Max.X; x++ {
			if a.Get(x, y) && image.Pt(x+dx, y+dy).In(rb) && b.Get(x+dx, y+dy) {
				both++
			}
		}
	}
	return 2 * float64(both) / float64(a.Ink(ra)+b.Ink(rb))
}

// TestEmojiGreyDithered: colour emoji print as dithered grey (neither blank
// nor a solid block), digits and spaces next to them still print when the
// element names the emoji font, and a mixed Korean/Latin/emoji line takes
// each part from its own font.
func TestEmojiGreyDithered(t *testing.T) {
	t.Parallel()
	requireFiles(t, notoEmoji, nanum)
	b, _, err := RenderText("📦", 40, NewFontSet(notoEmoji, nil), "text")
	if err != nil {
		t.Fatal(err)
	}
	r := b.InkBounds()
	if r.Empty() || r.Dx() < 30 || r.Dy() < 30 {
		t.Fatalf("emoji ink box %v, want about 45 dots square", r)
	}
	if frac := float64(b.Ink(r)) / float64(r.Dx()*r.Dy()); frac < 0.1 || frac > 0.9 {
		t.Errorf("emoji ink covers %.2f of its box: not dithered grey", frac)
	}

	// Naming the emoji font: the digits come from the next font.
	digits, _, err := RenderText("123", 40, NewFontSet(notoEmoji, nil), "text")
	if err != nil {
		t.Fatal(err)
	}
	if digits.InkCount() < 100 {
		t.Errorf("digits with the emoji font named drew %d dots", digits.InkCount())
	}

	fs := NewFontSet("", []string{nanum})
	rs := []rune("상품 Box 📦")
	faces, err := lineFaces(rs, fs, "text")
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"Nanum", "Nanum", "Nanum", "Nanum", "Nanum", "Nanum", "Nanum", "Emoji"} {
		if faces[i] == nil || !strings.Contains(faces[i].Path, want) {
			t.Errorf("rune %d %q: face %v, want %s", i, rs[i], faces[i], want)
		}
	}
	// "#" alone is text; "#️⃣" is an emoji keycap.
	if fs.faceAt([]rune("#"), 0).colour {
		t.Error("a lone # went to the colour font")
	}
	if f := fs.faceAt([]rune("#\uFE0F\u20E3"), 0); f == nil || !f.colour {
		t.Error("the keycap #️⃣ did not go to the colour font")
	}
}

// TestFontMissingHint: the error for a character no font has names a
// package that has it, or says that none is known (never fonts-nanum for
// everything).
func TestFontMissingHint(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		r    rune
		want string
	}{
		{'가', "fonts-nanum"},
		{'ก', "fonts-noto-core"},
		{'ع', "fonts-noto-core"},
		{'क', "fonts-noto-core"},
		{'漢', "fonts-noto-cjk"},
		{'📦', "fonts-noto-color-emoji"},
		{'Ж', "fonts-dejavu-core"},
		{0x10FFFD, ""},
	} {
		err := missingError("elements[0].text", tc.r)
		var le *label.Error
		if !errorsAs(err, &le) || le.Code != label.ReasonFontMissing {
			t.Fatalf("%U: %v is not a font_missing label error", tc.r, err)
		}
		switch {
		case tc.want == "" && (!strings.Contains(le.Hint, "No font package") || strings.Contains(le.Hint, "fonts-")):
			t.Errorf("%U: hint %q, want no package", tc.r, le.Hint)
		case tc.want != "" && (!strings.Contains(le.Hint, "apt-get install "+tc.want) || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%U: error %q hint %q, want %s", tc.r, err, le.Hint, tc.want)
		}
	}
}

func errorsAs(err error, target **label.Error) bool {
	e, ok := err.(*label.Error)
	if ok {
		*target = e
	}
	return ok
}
