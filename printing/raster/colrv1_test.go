package raster

import (
	"context"
	"encoding/binary"
	"errors"
	"image"
	"math"
	"sort"
	"strings"
	"testing"

	gtfont "github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/font/opentype/tables"
	"github.com/labelbridge/labelbridge/printing"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// The COLR v1 test font is Go Regular with a cmap sending emoji to
// letters whose COLR v1 paints are built here (no COLR v1 font is
// packaged in Debian): ■ (U+25A0) and I give the outlines.
//
//	U+2B50 'A': ■ filled with a linear gradient, black at its left edge to
//	            white at its right; clip box ■'s box.
//	U+2B55 'B': layers: ■ filled with a radial gradient (white centre,
//	            black at radius 740), then I turned 90° about ■'s centre
//	            (centred there first), in solid black.
//	U+2B1B 'C': PaintColrGlyph 'D', which paints PaintColrGlyph 'C'.
//	U+2B1C 'E': 255 layers of 'F', 255 layers of 'G'… (65,025+ paints).
//	U+2B1D 'K': 40 nested translations.
//	U+2B1E 'L': 255 layers of ■ in black (765× its area of work).
//	U+1F7E0–U+1F7E3 'O'–'R': compared with Skia's rendering
//	            (colrv1_ref_test.go): a skewed, angled, repeating red→blue
//	            linear gradient; a two-circle radial gradient reflected;
//	            a multiply composite of a linear
//	            and a repeating sweep gradient; 'A' scaled about a centre
//	            under a translucent red ●.
//	'N' (no character): ■ centred on the origin under three transforms
//	            scaling by 30,000 and skewing: its corners 10¹³ units
//	            away, all around.
//	U+2B1F 'M': a composite: ■ filled with a sweep gradient around I's
//	            stem, black at 0° to white at 360° (source), source-in I
//	            (backdrop): the sweep where both are.

// Font units of ■ and I in Go Regular (2048 units per em).
const (
	sqX0, sqY0, sqX1, sqY1 = 100, 0, 1137, 1037
	radialR1               = 740
	stemX                  = 408 // the middle of I's stem (I has serifs)
)

// f2 is a value in F2Dot14.
func f2(v float64) int { return int(math.Round(v * (1 << 14))) }

// withKids appends subtables kids after head, writing each one's 24-bit
// offset (from head's start) at the positions at.
func withKids(head []byte, at []int, kids ...[]byte) []byte {
	out := append([]byte(nil), head...)
	for i, k := range kids {
		off := len(out)
		out[at[i]], out[at[i]+1], out[at[i]+2] = byte(off>>16), byte(off>>8), byte(off)
		out = append(out, k...)
	}
	return out
}

func u32(b []byte, v int) []byte { return binary.BigEndian.AppendUint32(b, uint32(v)) }

// Paint table builders (OpenType COLR v1 formats).
func solid(pal int, alpha float64) []byte { return be([]byte{2}, pal, f2(alpha)) }
func colrLayersP(n, first int) []byte     { return u32([]byte{1, byte(n)}, first) }
func colrGlyphP(gid int) []byte           { return be([]byte{11}, gid) }
func glyphP(gid int, paint []byte) []byte {
	return withKids(be([]byte{10, 0, 0, 0}, gid), []int{1}, paint)
}
func translateP(dx, dy int, paint []byte) []byte {
	return withKids(be([]byte{14, 0, 0, 0}, dx, dy), []int{1}, paint)
}
func rotateAroundP(turns float64, cx, cy int, paint []byte) []byte {
	return withKids(be([]byte{26, 0, 0, 0}, f2(turns*2), cx, cy), []int{1}, paint)
}
func transformP(paint []byte, xx, yx, xy, yy, dx, dy float64) []byte {
	var m []byte
	for _, v := range []float64{xx, yx, xy, yy, dx, dy} {
		m = u32(m, int(int32(math.Round(v*65536))))
	}
	return withKids([]byte{12, 0, 0, 0, 0, 0, 0}, []int{1, 4}, paint, m)
}
func skewAroundP(xDeg, yDeg float64, cx, cy int, paint []byte) []byte {
	return withKids(be([]byte{30, 0, 0, 0}, f2(xDeg/180), f2(yDeg/180), cx, cy), []int{1}, paint)
}
func scaleAroundP(sx, sy float64, cx, cy int, paint []byte) []byte {
	return withKids(be([]byte{18, 0, 0, 0}, f2(sx), f2(sy), cx, cy), []int{1}, paint)
}
func compositeP(src []byte, mode tables.CompositeMode, backdrop []byte) []byte {
	return withKids([]byte{32, 0, 0, 0, byte(mode), 0, 0, 0}, []int{1, 5}, src, backdrop)
}

// colorLine builds a ColorLine of stops (offset, palette index, alpha).
func colorLine(extend tables.Extend, stops ...[3]float64) []byte {
	b := be([]byte{byte(extend)}, len(stops))
	for _, s := range stops {
		b = be(b, f2(s[0]), int(s[1]), f2(s[2]))
	}
	return b
}
func linearP(cl []byte, x0, y0, x1, y1, x2, y2 int) []byte {
	return withKids(be([]byte{4, 0, 0, 0}, x0, y0, x1, y1, x2, y2), []int{1}, cl)
}
func radialP(cl []byte, x0, y0, r0, x1, y1, r1 int) []byte {
	return withKids(be([]byte{6, 0, 0, 0}, x0, y0, r0, x1, y1, r1), []int{1}, cl)
}
func sweepP(cl []byte, cx, cy int, start, end float64) []byte {
	return withKids(be([]byte{8, 0, 0, 0}, cx, cy, f2(start), f2(end)), []int{1}, cl)
}

// colrV1Table assembles a COLR v1 table: base glyph paints, the layer
// list and clip boxes (glyph, xmin, ymin, xmax, ymax).
func colrV1Table(base map[int][]byte, layers [][]byte, clips [][5]int) []byte {
	gids := make([]int, 0, len(base))
	for g := range base {
		gids = append(gids, g)
	}
	sort.Ints(gids)
	bgl := u32(nil, len(gids))
	var paints []byte
	for _, g := range gids {
		bgl = u32(be(bgl, g), 4+6*len(gids)+len(paints))
		paints = append(paints, base[g]...)
	}
	bgl = append(bgl, paints...)
	ll := u32(nil, len(layers))
	paints = nil
	for _, l := range layers {
		ll = u32(ll, 4+4*len(layers)+len(paints))
		paints = append(paints, l...)
	}
	ll = append(ll, paints...)
	cl := u32([]byte{1}, len(clips))
	var boxes []byte
	for _, c := range clips {
		off := 5 + 7*len(clips) + len(boxes)
		cl = append(be(cl, c[0], c[0]), byte(off>>16), byte(off>>8), byte(off))
		boxes = be(append(boxes, 1), c[1], c[2], c[3], c[4])
	}
	cl = append(cl, boxes...)
	const header = 34
	colr := be(nil, 1, 0)
	colr = u32(u32(colr, 0), 0)
	colr = be(colr, 0)
	colr = u32(colr, header)
	colr = u32(colr, header+len(bgl))
	colr = u32(colr, header+len(bgl)+len(ll))
	colr = u32(u32(colr, 0), 0)
	colr = append(colr, bgl...)
	colr = append(colr, ll...)
	return append(colr, cl...)
}

// colrV1Glyphs are the test font's glyph ids.
type colrV1Glyphs struct {
	square, bar, dot, A, B, C, D, E, F, G, H, K, L, M, N, O, P, Q, R int
}

func goGlyphs(t testing.TB) colrV1Glyphs {
	t.Helper()
	gid := goRegularGlyphs(t)
	return colrV1Glyphs{square: gid('■'), bar: gid('I'), A: gid('A'), B: gid('B'), C: gid('C'), D: gid('D'),
		E: gid('E'), F: gid('F'), G: gid('G'), H: gid('H'), K: gid('K'), L: gid('L'), M: gid('M'), N: gid('N'),
		dot: gid('●'), O: gid('O'), P: gid('P'), Q: gid('Q'), R: gid('R')}
}

// colrV1TestTable returns the test font's COLR table.
func colrV1TestTable(g colrV1Glyphs) []byte {
	cx, cy := (sqX0+sqX1)/2, (sqY0+sqY1)/2
	black, white := 0.0, 1.0
	base := map[int][]byte{
		g.A: glyphP(g.square, linearP(colorLine(tables.ExtendPad, [3]float64{0, black, 1}, [3]float64{1, white, 1}),
			sqX0, 0, sqX1, 0, sqX0, 100)),
		g.B: colrLayersP(2, 0),
		g.C: colrGlyphP(g.D),
		g.D: colrGlyphP(g.C),
		g.E: colrLayersP(255, 2),
		g.F: colrLayersP(255, 2+255),
		g.G: colrLayersP(255, 2+2*255),
		g.H: glyphP(g.square, solid(0, 1)),
		g.L: colrLayersP(255, 2+3*255),
		g.M: compositeP(glyphP(g.square, sweepP(colorLine(tables.ExtendPad, [3]float64{0, black, 1}, [3]float64{1, white, 1}), stemX, cy, -1, 1)),
			tables.CompositeSrcIn, glyphP(g.bar, solid(foregroundPalette, 1))),
	}
	deep := glyphP(g.square, solid(0, 1))
	for range 40 {
		deep = translateP(1, 0, deep)
	}
	base[g.K] = deep
	far := translateP(-cx, -cy, glyphP(g.square, solid(0, 1)))
	for range 3 {
		far = transformP(far, 30000, 0.5, -0.5, 30000, 0, 0)
	}
	base[g.N] = far
	// I is x 124–693, y 0–1480: centred on ■'s centre, then turned.
	bar := rotateAroundP(0.25, cx, cy, translateP(cx-(124+693)/2, cy-1480/2, glyphP(g.bar, solid(foregroundPalette, 1))))
	layers := [][]byte{
		glyphP(g.square, radialP(colorLine(tables.ExtendPad, [3]float64{0, white, 1}, [3]float64{1, black, 1}), cx, cy, 0, cx, cy, radialR1)),
		bar,
	}
	for _, l := range []struct {
		n     int
		paint []byte
	}{{255, colrGlyphP(g.F)}, {255, colrGlyphP(g.G)}, {255, colrGlyphP(g.H)}, {255, glyphP(g.square, solid(0, 1))}} {
		for range l.n { // E's layers, F's, G's, L's
			layers = append(layers, l.paint)
		}
	}
	// The glyphs compared with Skia (colrv1_ref_test.go).
	const red, blue, grey = 2, 3, 4
	base[g.O] = skewAroundP(15, 0, cx, cy, glyphP(g.square, linearP(colorLine(tables.ExtendRepeat,
		[3]float64{0, red, 1}, [3]float64{1, blue, 1}), 100, 0, 400, 0, 400, 300)))
	base[g.P] = glyphP(g.square, radialP(colorLine(tables.ExtendReflect,
		[3]float64{0, black, 1}, [3]float64{0.5, red, 1}, [3]float64{1, white, 1}), 300, 300, 100, 500, 500, 700))
	base[g.Q] = compositeP(
		glyphP(g.dot, linearP(colorLine(tables.ExtendPad, [3]float64{0, grey, 1}, [3]float64{1, white, 1}), 0, 200, 0, 900, 100, 200)),
		tables.CompositeMultiply,
		glyphP(g.square, sweepP(colorLine(tables.ExtendRepeat, [3]float64{0, black, 1}, [3]float64{1, white, 1}), cx, cy, 0, 0.5)))
	base[g.R] = colrLayersP(2, len(layers))
	layers = append(layers,
		scaleAroundP(0.5, 1.5, cx, cy, colrGlyphP(g.A)),
		translateP(300, 0, glyphP(g.dot, solid(red, 0.5))))
	return colrV1Table(base, layers, [][5]int{{g.A, sqX0, sqY0, sqX1, sqY1}})
}

// colrV1TestFont writes the COLR v1 test font and returns its path.
func colrV1TestFont(t testing.TB) string {
	t.Helper()
	g := goGlyphs(t)
	tabs := goRegularTables()
	tabs["cmap"] = cmap12([3]int{0x2B1B, 0x2B1B, g.C}, [3]int{0x2B1C, 0x2B1C, g.E}, [3]int{0x2B1D, 0x2B1D, g.K},
		[3]int{0x2B1E, 0x2B1E, g.L}, [3]int{0x2B1F, 0x2B1F, g.M}, [3]int{0x2B50, 0x2B50, g.A}, [3]int{0x2B55, 0x2B55, g.B},
		[3]int{0x1F7E0, 0x1F7E0, g.O}, [3]int{0x1F7E1, 0x1F7E1, g.P}, [3]int{0x1F7E2, 0x1F7E2, g.Q}, [3]int{0x1F7E3, 0x1F7E3, g.R})
	tabs["COLR"] = colrV1TestTable(g)
	// CPAL: palette 0 = black, white, red, blue, grey (BGRA).
	tabs["CPAL"] = append(be(nil, 0, 5, 1, 5, 0, 14, 0), 0, 0, 0, 255, 255, 255, 255, 255, 0, 0, 255, 255, 255, 0, 0, 255,
		128, 128, 128, 255)
	return writeFont(t, tabs, "colrv1.ttf")
}

// colrV1Face loads the COLR v1 test font.
func colrV1Face(t *testing.T) *Face {
	t.Helper()
	faces, err := loadFile(colrV1TestFont(t))
	if err != nil {
		t.Fatal(err)
	}
	if !faces[0].colour || faces[0].gt.COLR == nil {
		t.Fatal("COLR v1 font not seen as a colour font")
	}
	return faces[0]
}

// luma returns the colour canvas's luminance (0–1) at (x, y).
func luma(d *glyphDrawer, x, y int) float64 {
	if d.colour == nil {
		return 1
	}
	p := d.colour.Pix[d.colour.PixOffset(x, y):]
	return (0.299*float64(p[0]) + 0.587*float64(p[1]) + 0.114*float64(p[2])) / 255
}

// TestCOLRv1LinearGradient: a ■ filled black→white from left to right
// prints dense on the left, sparse on the right, as dithered grey.
func TestCOLRv1LinearGradient(t *testing.T) {
	t.Parallel()
	fs := ownFontSet(colrV1TestFont(t))
	bm, _, err := RenderText("\u2B50", 80, fs, "text")
	if err != nil {
		t.Fatal(err)
	}
	r := bm.InkBounds()
	if r.Dx() < 40 || r.Dy() < 40 {
		t.Fatalf("ink box %v: the gradient square was not drawn", r)
	}
	// ■ is square: its height gives its width (its light right edge
	// prints few dots).
	r.Max.X = r.Min.X + r.Dy()
	third := r.Dx() / 3
	density := func(x0, x1 int) float64 {
		return float64(bm.Ink(image.Rect(x0, r.Min.Y, x1, r.Max.Y))) / float64((x1-x0)*r.Dy())
	}
	left, mid, right := density(r.Min.X, r.Min.X+third), density(r.Min.X+third, r.Max.X-third), density(r.Max.X-third, r.Max.X)
	t.Logf("ink density: left %.2f, middle %.2f, right %.2f", left, mid, right)
	// Luminance ⅙, ½, ⅚ on average: about 83%, 50% and 17% of the dots.
	if left < 0.7 || right > 0.3 || left < right+0.45 || mid < right || mid > left {
		t.Errorf("ink density left %.2f, middle %.2f, right %.2f: want about 0.83, 0.5, 0.17", left, mid, right)
	}
}

// TestCOLRv1TransformAndRadial paints 'B' at 128 ppem and reads the
// colour canvas where the rotated bar and the radial gradient must be.
func TestCOLRv1TransformAndRadial(t *testing.T) {
	t.Parallel()
	f := colrV1Face(t)
	g := goGlyphs(t)
	const ppem, ox, oy = 128, 40, 180
	s := float64(ppem) / 2048
	d := &glyphDrawer{alpha: image.NewAlpha(image.Rect(0, 0, 260, 220))}
	v1, err := d.drawColrV1(f, gtfont.GID(g.B), fixed.I(ppem), fixed.P(ox, oy))
	if !v1 || err != nil {
		t.Fatalf("drawColrV1: v1 %v, err %v", v1, err)
	}
	cx, cy := float64(sqX0+sqX1)/2, float64(sqY0+sqY1)/2
	at := func(dx, dy float64) float64 { // luma dx, dy font units from ■'s centre
		return luma(d, int(ox+(cx+dx)*s), int(oy-(cy+dy)*s))
	}
	cases := []struct {
		name   string
		dx, dy float64
		want   float64
		tol    float64
	}{
		{"centre (bar)", 0, 0, 0, 0.1},
		{"bar beyond the square's right edge", 700, 0, 0, 0.1},
		{"bar left of the square", -650, 0, 0, 0.1},
		{"above the centre: radial, where the unturned bar would be", 0, 400, 1 - 400.0/radialR1, 0.08},
		{"below: radial", 0, -300, 1 - 300.0/radialR1, 0.08},
		{"corner: radial, nearly black", 500, 500, 1 - math.Hypot(500, 500)/radialR1, 0.05},
		{"above the square: nothing", 0, 700, 1, 0.01},
	}
	for _, c := range cases {
		if got := at(c.dx, c.dy); math.Abs(got-c.want) > c.tol {
			t.Errorf("%s: luma %.2f, want %.2f ± %.2f", c.name, got, c.want, c.tol)
		}
	}
	// Ink bounds: the bar sticks out of the square by 1480/2 − 518 units
	// left and right; the square sets the top and bottom.
	var buf sfnt.Buffer
	b, colour := glyphBounds(f, &buf, gtfont.GID(g.B), fixed.I(ppem))
	want := fixed.Rectangle26_6{
		Min: fixed.Point26_6{X: fixed.Int26_6((cx - 740) * s * 64), Y: fixed.Int26_6(-sqY1 * s * 64)},
		Max: fixed.Point26_6{X: fixed.Int26_6((cx + 740) * s * 64), Y: 0},
	}
	if !colour || b.Min.X > want.Min.X+64 || b.Max.X < want.Max.X-64 || b.Min.Y > want.Min.Y+64 || b.Max.Y < want.Max.Y-64 {
		t.Errorf("bounds %v (colour %v), want about %v", b, colour, want)
	}
	if b.Max.X > want.Max.X+128 || b.Min.X < want.Min.X-128 {
		t.Errorf("bounds %v wider than the painted %v", b, want)
	}
}

// TestCOLRv1ClipBoxBounds: a glyph with a clip box has it as its bounds.
func TestCOLRv1ClipBoxBounds(t *testing.T) {
	t.Parallel()
	f := colrV1Face(t)
	var buf sfnt.Buffer
	b, colour := glyphBounds(f, &buf, gtfont.GID(goGlyphs(t).A), fixed.I(2048))
	want := fixed.R(sqX0, -sqY1, sqX1, -sqY0)
	if !colour || b != want {
		t.Errorf("bounds %v (colour %v), want the clip box %v", b, colour, want)
	}
}

// TestCOLRv1Refused: graphs that loop, fan out, nest or overpaint stop
// with an error within the limits, and RenderText prints their outline.
func TestCOLRv1Refused(t *testing.T) {
	t.Parallel()
	f := colrV1Face(t)
	g := goGlyphs(t)
	cases := []struct {
		name string
		r    rune
		gid  int
		want error
	}{
		{"PaintColrGlyph cycle", 0x2B1B, g.C, errColrCycle},
		{"fan-out of 255³ paints", 0x2B1C, g.E, errColrNodes},
		{"40 nested transforms", 0x2B1D, g.K, errColrDepth},
		{"255 full layers", 0x2B1E, g.L, errColrWork},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := &glyphDrawer{alpha: image.NewAlpha(image.Rect(0, 0, 200, 200))}
			v1, err := d.drawColrV1(f, gtfont.GID(c.gid), fixed.I(100), fixed.P(20, 150))
			if !v1 || !errors.Is(err, c.want) {
				t.Fatalf("drawColrV1: v1 %v, err %v; want %v", v1, err, c.want)
			}
			if d.colour != nil {
				t.Error("a refused glyph painted the colour canvas")
			}
			bm, _, err := RenderText(string(c.r), 60, ownFontSet(f.Path), "text")
			if err != nil {
				t.Fatal(err)
			}
			if bm.InkCount() == 0 {
				t.Error("no outline printed in place of the refused glyph")
			}
		})
	}
}

// TestCOLRv1Composite: ■ filled with a sweep gradient, source-in I,
// prints only where both are, grey by the angle counter-clockwise.
func TestCOLRv1Composite(t *testing.T) {
	t.Parallel()
	f := colrV1Face(t)
	const ppem, ox, oy = 128, 20, 100
	s := float64(ppem) / 2048
	d := &glyphDrawer{alpha: image.NewAlpha(image.Rect(0, 0, 120, 120))}
	if v1, err := d.drawColrV1(f, gtfont.GID(goGlyphs(t).M), fixed.I(ppem), fixed.P(ox, oy)); !v1 || err != nil {
		t.Fatalf("drawColrV1: v1 %v, err %v", v1, err)
	}
	cx, cy := float64(stemX), float64(sqY0+sqY1)/2
	at := func(dx, dy float64) float64 { return luma(d, int(ox+(cx+dx)*s), int(oy-(cy+dy)*s)) }
	for _, c := range []struct {
		name      string
		dx, dy    float64
		want, tol float64
	}{
		{"■ and I at 90°", 0, 350, 0.25, 0.06},
		{"■ and I at 270°", 0, -350, 0.75, 0.06},
		{"■ only (source out of the backdrop)", 500, 0, 1, 0.01},
		{"I only (backdrop out of the source)", 0, 800, 1, 0.01},
	} {
		if got := at(c.dx, c.dy); math.Abs(got-c.want) > c.tol {
			t.Errorf("%s: luma %.2f, want %.2f ± %.2f", c.name, got, c.want, c.tol)
		}
	}
}

// faceWithCOLR returns a copy of f reading COLR table data (nil when
// go-text refuses it).
func faceWithCOLR(f *Face, data []byte) *Face {
	gt := *f.gt
	gt.COLR = nil
	if c, err := tables.ParseCOLR(data); err == nil {
		gt.COLR = &c
	}
	return &Face{Font: f.Font, Path: f.Path, Name: f.Name, gt: &gt, colour: true, capRatio: f.capRatio}
}

// colrSurvives bounds and draws every glyph of the test font with COLR
// table data.
func colrSurvives(t *testing.T, f *Face, data []byte) {
	t.Helper()
	ff := faceWithCOLR(f, data)
	var buf sfnt.Buffer
	d := &glyphDrawer{alpha: image.NewAlpha(image.Rect(0, 0, 64, 64))}
	g := goGlyphs(t)
	for _, id := range []int{g.A, g.B, g.C, g.E, g.K, g.L, g.M, 0, 1, 0xFFFF} {
		glyphBounds(ff, &buf, gtfont.GID(id), fixed.I(24))
		d.draw(ff, gtfont.GID(id), fixed.I(24), fixed.P(4, 40))
	}
}

// TestCOLRv1Garbage: truncated and corrupted COLR tables neither panic
// nor hang.
func TestCOLRv1Garbage(t *testing.T) {
	t.Parallel()
	f := colrV1Face(t)
	valid := colrV1TestTable(goGlyphs(t))
	for n := 0; n < len(valid); n += 7 {
		colrSurvives(t, f, valid[:n])
	}
	// A v0 record pointing past the layer records, and v0 layers at the
	// end of the uint16 range (go-text slices them unchecked).
	colrSurvives(t, f, be(nil, 0, 1, 0, 14, 0, 20, 1, goGlyphs(t).A, 60000, 9, 0, 0))
	var seed uint32 = 1
	for range 300 {
		b := append([]byte(nil), valid...)
		for range 4 {
			seed = seed*1664525 + 1013904223
			b[int(seed>>8)%len(b)] = byte(seed >> 24)
		}
		colrSurvives(t, f, b)
	}
}

// FuzzCOLRTable: go test -fuzz FuzzCOLRTable ./printing/raster/
func FuzzCOLRTable(f *testing.F) {
	valid := colrV1TestTable(goGlyphs(f))
	f.Add(valid)
	f.Add(valid[:40])
	f.Add(be(nil, 0, 1, 0, 14, 0, 20, 1, goGlyphs(f).A, 60000, 9, 0, 0))
	faces, err := loadFile(BuiltinFont)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		colrSurvives(t, faces[0], data)
	})
}

// TestColourLineExtend: positions past the stops pad, repeat or reflect.
func TestColourLineExtend(t *testing.T) {
	t.Parallel()
	// Stops 0.2 black, 0.6 white (luminance = position's share of the way).
	line := func(e tables.Extend) *colourLine {
		return &colourLine{t: []float64{0.2, 0.6}, g: []float64{0, 1}, a: []float64{1, 1}, extend: e}
	}
	cases := []struct {
		extend tables.Extend
		t      float64
		want   float32
	}{
		{tables.ExtendPad, 0.4, 0.5},
		{tables.ExtendPad, -3, 0},
		{tables.ExtendPad, 0.9, 1},
		{tables.ExtendRepeat, 0.7, 0.25},  // 0.3 past the start
		{tables.ExtendRepeat, 0.1, 0.75},  // 0.1 before it: 0.3 into the previous repeat
		{tables.ExtendReflect, 0.7, 0.75}, // 0.1 back from the end
		{tables.ExtendReflect, 0.1, 0.25}, // mirrored about the start
		{tables.ExtendReflect, 1.1, 0.25}, // 2.25 spans on: forwards again
		{tables.ExtendPad, math.NaN(), 0},
	}
	for _, c := range cases {
		g, a := line(c.extend).at(c.t)
		if math.Abs(float64(g-c.want)) > 1e-6 || (a != 1 && !math.IsNaN(c.t)) {
			t.Errorf("extend %d at %v: grey %v alpha %v, want %v", c.extend, c.t, g, a, c.want)
		}
	}
}

// TestCOLRv1FarTransform: an outline transformed 10¹³ units away is
// clamped near the surface rather than walked row by row (which the work
// limit would refuse).
func TestCOLRv1FarTransform(t *testing.T) {
	t.Parallel()
	f := colrV1Face(t)
	d := &glyphDrawer{alpha: image.NewAlpha(image.Rect(0, 0, 300, 300))}
	v1, err := d.drawColrV1(f, gtfont.GID(goGlyphs(t).N), fixed.I(100), fixed.P(20, 150))
	if !v1 || err != nil {
		t.Fatalf("drawColrV1: v1 %v, err %v; want it painted", v1, err)
	}
	for _, p := range []image.Point{{0, 0}, {20, 150}, {299, 299}} {
		if l := luma(d, p.X, p.Y); l > 0.01 {
			t.Errorf("luma %.2f at %v, want black: the square covers everything", l, p)
		}
	}
}

// TestCOLRv1Transforms: the transform paints map points as the spec's
// matrices do (y up, angles counter-clockwise).
func TestCOLRv1Transforms(t *testing.T) {
	t.Parallel()
	child := tables.PaintSolid{}
	cases := []struct {
		name   string
		p      tables.PaintTable
		x, y   float64
		wx, wy float64
	}{
		{"rotate 90°", tables.PaintRotate{Paint: child, Angle: 1 << 13}, 1, 0, 0, 1},
		{"rotate 90° about (10, 0)", tables.PaintRotateAroundCenter{Paint: child, Angle: 1 << 13, CenterX: 10}, 11, 0, 10, 1},
		{"skew x 45°: up leans left", tables.PaintSkew{Paint: child, XSkewAngle: 1 << 12}, 0, 1, -1, 1},
		{"skew y 45°: right rises", tables.PaintSkew{Paint: child, YSkewAngle: 1 << 12}, 1, 0, 1, 1},
		{"skew x 45° about (0, 2)", tables.PaintSkewAroundCenter{Paint: child, XSkewAngle: 1 << 12, CenterY: 2}, 0, 2, 0, 2},
		{"scale 2, 0.5", tables.PaintScale{Paint: child, ScaleX: 1<<15 - 1, ScaleY: 1 << 13}, 1, 2, 2, 1},
		{"scale 0.5 about (4, 4)", tables.PaintScaleUniformAroundCenter{Paint: child, Scale: 1 << 13, CenterX: 4, CenterY: 4}, 0, 0, 2, 2},
		{"translate", tables.PaintVarTranslate{Paint: child, Dx: 3, Dy: -2}, 1, 1, 4, -1},
		{"affine", tables.PaintTransform{Paint: child, Transform: tables.Affine2x3{Xx: 0, Yx: 1, Xy: -1, Yy: 0, Dx: 5, Dy: 0}}, 1, 0, 5, 1},
	}
	for _, c := range cases {
		tr, got, ok := transformOf(c.p)
		if !ok || got != child {
			t.Errorf("%s: not a transform of its child", c.name)
			continue
		}
		x, y := tr.apply(c.x, c.y)
		if math.Abs(x-c.wx) > 1e-3 || math.Abs(y-c.wy) > 1e-3 {
			t.Errorf("%s: (%v, %v) → (%.3f, %.3f), want (%v, %v)", c.name, c.x, c.y, x, y, c.wx, c.wy)
		}
	}
}

// TestColourLinePremultiplied: colours are interpolated premultiplied, as
// the spec asks: half way from opaque white to transparent black is white
// at half alpha (not grey).
func TestColourLinePremultiplied(t *testing.T) {
	t.Parallel()
	p := &colrPainter{f: colrV1Face(t)}
	cl := p.colourLine(tables.ExtendPad, 2, func(i int) (tables.Fixed214, uint16, tables.Fixed214) {
		if i == 0 {
			return 0, 1, 1 << 14 // white
		}
		return 1 << 14, 0, 0 // transparent black
	})
	if g, a := cl.at(0.5); math.Abs(float64(g-0.5)) > 1e-6 || math.Abs(float64(a-0.5)) > 1e-6 {
		t.Errorf("half way: premultiplied grey %v alpha %v, want 0.5, 0.5", g, a)
	}
}

// BenchmarkCOLRv1: painting test glyphs at 128 px (layers with a radial
// gradient and a turned bar; a composite of a sweep gradient).
func BenchmarkCOLRv1(b *testing.B) {
	faces, err := loadFile(colrV1TestFont(b))
	if err != nil {
		b.Fatal(err)
	}
	f, g := faces[0], goGlyphs(b)
	d := &glyphDrawer{alpha: image.NewAlpha(image.Rect(0, 0, 260, 220))}
	for b.Loop() {
		for _, id := range []int{g.B, g.M} {
			if _, err := d.drawColrV1(f, gtfont.GID(id), fixed.I(128), fixed.P(40, 180)); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// TestCOLRv1Large: a glyph over colrMaxArea pixels is painted smaller and
// scaled up into the same place: the solid square 'H' fills its box to
// within a few pixels, the gradient square 'A' is dark on the left,
// light on the right.
func TestCOLRv1Large(t *testing.T) {
	t.Parallel()
	f := colrV1Face(t)
	g := goGlyphs(t)
	const ppem, ox, oy = 1600, 20, 900
	s := float64(ppem) / 2048
	x0, x1 := ox+sqX0*s, ox+sqX1*s // the square's edges, in pixels
	y0, y1 := oy-sqY1*s, oy-sqY0*s
	if (x1-x0)*(y1-y0) <= colrMaxArea {
		t.Fatalf("%.0f×%.0f square: not over colrMaxArea", x1-x0, y1-y0)
	}
	xm, ym := int((x0+x1)/2), int((y0+y1)/2)
	cases := []struct {
		gid  int
		name string
		x, y int
		want float64
		tol  float64
	}{
		{g.H, "left edge, inside", int(x0) + 3, ym, 0, 0.02},
		{g.H, "left edge, outside", int(x0) - 3, ym, 1, 0.02},
		{g.H, "right edge, inside", int(x1) - 3, ym, 0, 0.02},
		{g.H, "right edge, outside", int(x1) + 3, ym, 1, 0.02},
		{g.H, "top edge, inside", xm, int(y0) + 3, 0, 0.02},
		{g.H, "top edge, outside", xm, int(y0) - 3, 1, 0.02},
		{g.H, "bottom edge, inside", xm, int(y1) - 3, 0, 0.02},
		{g.H, "bottom edge, outside", xm, int(y1) + 3, 1, 0.02},
		{g.A, "gradient a quarter across", int(x0 + (x1-x0)/4), ym, 0.25, 0.02},
		{g.A, "gradient three quarters across", int(x0 + 3*(x1-x0)/4), ym, 0.75, 0.02},
	}
	drawn := map[int]*glyphDrawer{}
	for _, c := range cases {
		d := drawn[c.gid]
		if d == nil {
			d = &glyphDrawer{alpha: image.NewAlpha(image.Rect(0, 0, 960, 940))}
			if v1, err := d.drawColrV1(f, gtfont.GID(c.gid), fixed.I(ppem), fixed.P(ox, oy)); !v1 || err != nil {
				t.Fatalf("drawColrV1: v1 %v, err %v", v1, err)
			}
			drawn[c.gid] = d
		}
		if got := luma(d, c.x, c.y); math.Abs(got-c.want) > c.tol {
			t.Errorf("%s (%d, %d): luma %.3f, want %.2f ± %.2f", c.name, c.x, c.y, got, c.want, c.tol)
		}
	}
}

// TestColourPaintingChargedToTheLabel: the pixel work a colour font's
// paints do is charged to the label's meter as the glyphs are drawn, so a
// line of overpainting glyphs (U+2B1E: 255 full layers, each refused only
// after 256× its area) goes over a budget that the same number of simple
// gradient glyphs (U+2B50) stays within.
func TestColourPaintingChargedToTheLabel(t *testing.T) {
	t.Parallel()
	fs := ownFontSet(colrV1TestFont(t))
	simple, err := measureText(strings.Repeat("\u2B50", 12), 60, fs, "text")
	if err != nil {
		t.Fatal(err)
	}
	limit := 4 * simple.cost()
	if _, err := simple.draw(newMeter(context.Background(), limit), "elements[0]: text"); err != nil {
		t.Fatalf("gradient glyphs within 4× their estimate: %v", err)
	}
	heavy, err := measureText(strings.Repeat("\u2B1E", 12), 60, fs, "text")
	if err != nil {
		t.Fatal(err)
	}
	if heavy.cost() > limit {
		t.Fatalf("estimates differ: heavy %d > limit %d (the test needs the same estimate)", heavy.cost(), limit)
	}
	_, err = heavy.draw(newMeter(context.Background(), limit), "elements[0]: text")
	var pe *printing.Error
	if !errors.As(err, &pe) || pe.Code != printing.ErrReasonTooComplex || !strings.Contains(err.Error(), "elements[0]") {
		t.Fatalf("overpainting glyphs: %v, want too_complex naming the element", err)
	}
}
