package raster

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"sort"
	"testing"

	gtfont "github.com/go-text/typesetting/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
)

// No COLR font is packaged in Debian (fonts-noto-color-emoji is CBDT,
// twemoji is not packaged), so the test builds one: Go Regular with a cmap
// mapping U+2B50 (⭐, an emoji) to 'H', and COLR v0/CPAL tables making
// 'H' two layers: 'H' filled with colour, then 'I' in the text colour.

// be appends big-endian 16-bit values.
func be(b []byte, vs ...int) []byte {
	for _, v := range vs {
		b = binary.BigEndian.AppendUint16(b, uint16(v))
	}
	return b
}

// ownFontSet is the font set of text whose element names the font file
// path, a test font outside the OS's font folders, which the configuration
// must name for a label to use it.
func ownFontSet(path string) *FontSet { return NewFontSet(path, []string{path}) }

// goRegularGlyphs returns a lookup of Go Regular's glyph ids (failing the
// test for a character it lacks).
func goRegularGlyphs(t testing.TB) func(rune) int {
	t.Helper()
	f, err := sfnt.Parse(goregular.TTF)
	if err != nil {
		t.Fatal(err)
	}
	var buf sfnt.Buffer
	return func(c rune) int {
		x, err := f.GlyphIndex(&buf, c)
		if err != nil || x == 0 {
			t.Fatalf("no glyph for %q", c)
		}
		return int(x)
	}
}

// colrTestFont writes the test font with layer colour (r, g, b) and
// returns its path.
func colrTestFont(t *testing.T, r, g, b byte) string {
	t.Helper()
	gid := goRegularGlyphs(t)
	h, i := gid('H'), gid('I')
	tabs := goRegularTables()
	// cmap: one format 12 subtable (Windows, UCS-4), U+2B50 → 'H'.
	tabs["cmap"] = cmap12([3]int{0x2B50, 0x2B50, h})
	// COLR v0: base 'H' = layers ('H', palette 0), ('I', foreground).
	colr := be(nil, 0, 1, 0, 14, 0, 20, 2)
	colr = be(colr, h, 0, 2)
	colr = be(colr, h, 0, i, foregroundPalette)
	tabs["COLR"] = colr
	// CPAL v0: one palette of one colour (BGRA).
	tabs["CPAL"] = append(be(nil, 0, 1, 1, 1, 0, 14, 0), b, g, r, 255)
	return writeFont(t, tabs, "colr.ttf")
}

// goRegularTables returns Go Regular's tables by tag.
func goRegularTables() map[string][]byte {
	tabs := map[string][]byte{}
	src := goregular.TTF
	n := int(binary.BigEndian.Uint16(src[4:]))
	for k := 0; k < n; k++ {
		rec := src[12+16*k:]
		off, ln := binary.BigEndian.Uint32(rec[8:]), binary.BigEndian.Uint32(rec[12:])
		tabs[string(rec[:4])] = src[off : off+ln]
	}
	return tabs
}

// cmap12 returns a cmap of one format 12 subtable (Windows, UCS-4) mapping
// the groups' character ranges [first, last] to glyphs from gid on.
func cmap12(groups ...[3]int) []byte {
	cmap := be(nil, 0, 1, 3, 10, 0, 12)
	cmap = be(cmap, 12, 0, 0, 16+12*len(groups), 0, 0, 0, len(groups))
	for _, g := range groups {
		cmap = be(cmap, g[0]>>16, g[0], g[1]>>16, g[1], 0, g[2])
	}
	return cmap
}

// writeFont writes a TrueType font of tables tabs into the test's
// temporary directory and returns its path.
func writeFont(t testing.TB, tabs map[string][]byte, name string) string {
	t.Helper()
	tags := make([]string, 0, len(tabs))
	for tag := range tabs {
		tags = append(tags, tag)
	}
	sort.Strings(tags)
	out := be([]byte{0, 1, 0, 0}, len(tags), 16*8, 3, 16*len(tags)-16*8)
	off := 12 + 16*len(tags)
	var body []byte
	for _, tag := range tags {
		data := tabs[tag]
		out = append(out, tag...)
		out = binary.BigEndian.AppendUint32(out, 0) // checksums are not checked
		out = binary.BigEndian.AppendUint32(out, uint32(off+len(body)))
		out = binary.BigEndian.AppendUint32(out, uint32(len(data)))
		body = append(body, data...)
		for len(body)%4 != 0 {
			body = append(body, 0)
		}
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, append(out, body...), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestCOLRLayersGreyDithered: a COLR v0 glyph's layers are painted in their
// palette colours and dithered: a black layer prints solid, a red one as
// dithered grey (part of its dots), the foreground layer solid on top.
func TestCOLRLayersGreyDithered(t *testing.T) {
	t.Parallel()
	ink := func(r, g, b byte) (int, *Bitmap) {
		bm, _, err := RenderText("\u2B50", 60, ownFontSet(colrTestFont(t, r, g, b)), "text")
		if err != nil {
			t.Fatal(err)
		}
		return bm.InkCount(), bm
	}
	black, _ := ink(0, 0, 0)
	white, _ := ink(255, 255, 255) // only the foreground 'I' prints
	red, bm := ink(255, 0, 0)
	if white == 0 || black <= 2*white {
		t.Fatalf("ink: black layer %d, white layer %d: layers not painted", black, white)
	}
	// Red's luma is 30%: about 70% of the H-only dots print.
	frac := float64(red-white) / float64(black-white)
	if frac < 0.5 || frac > 0.9 {
		t.Errorf("red layer prints %.2f of its dots, want about 0.7 (dithered grey)", frac)
	}
	if r := bm.InkBounds(); r.Dy() < 40 {
		t.Errorf("ink box %v: glyph not drawn at emoji size", r)
	}
}

// TestCOLRBounds: the layers' union sets the glyph's ink bounds.
func TestCOLRBounds(t *testing.T) {
	t.Parallel()
	faces, err := loadFile(colrTestFont(t, 255, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	f := faces[0]
	if !f.colour {
		t.Fatal("COLR font not seen as a colour font")
	}
	id, _ := f.Font.GlyphIndex(&sfnt.Buffer{}, 0x2B50)
	var buf sfnt.Buffer
	b, colour := glyphBounds(f, &buf, gtfont.GID(id), 64*60)
	if !colour || b.Empty() {
		t.Errorf("bounds %v colour %v, want the layers' box drawn in colour", b, colour)
	}
}
