package raster

import (
	"bytes"

	"github.com/boombuler/barcode/qr"
	"image"
	"image/color"
	"image/png"
	"math/rand"
	"os"
	"strings"
	"testing"

	"github.com/labelbridge/labelbridge/printing/label"
)

// requireKoreanFont skips locally (fails on CI) when no Korean font is
// installed: the Hangul tests need one, exactly like the product does.
func requireKoreanFont(t *testing.T) {
	t.Helper()
	if NewFontSet("", nil).FaceFor('가') != nil {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no font covers Hangul: install fonts-nanum")
	}
	t.Skip("no font covers Hangul (install fonts-nanum)")
}

func TestBitmapOps(t *testing.T) {
	t.Parallel()
	b := NewBitmap(20, 10)
	b.FillRect(image.Rect(3, 2, 13, 4))
	if got := b.InkCount(); got != 20 {
		t.Errorf("FillRect ink %d, want 20", got)
	}
	if got := b.InkBounds(); got != image.Rect(3, 2, 13, 4) {
		t.Errorf("InkBounds %v", got)
	}
	for _, deg := range []int{90, 180, 270} {
		r := b.Rotate(deg)
		if r.InkCount() != 20 {
			t.Errorf("Rotate(%d) lost ink", deg)
		}
		back := r.Rotate((360 - deg) % 360)
		if !bytes.Equal(back.Pix, b.Pix) || back.W != b.W {
			t.Errorf("Rotate(%d) does not invert", deg)
		}
	}
	if got := b.Rotate(90); !got.Get(7, 3) || got.W != 10 || got.H != 20 { // (3,2) → (H-1-2, 3)
		t.Errorf("Rotate(90) places pixels wrongly")
	}
	dst := NewBitmap(30, 30)
	dst.Or(b, image.Pt(-5, 25))
	if dst.InkCount() != 8*2 { // columns 3..12 shifted to -2..7, rows 27..28: 8 visible
		t.Errorf("clipped Or: %d ink", dst.InkCount())
	}
	sub := b.Sub(image.Rect(8, 0, 20, 10))
	if sub.InkCount() != 10 || !sub.Get(0, 2) {
		t.Errorf("Sub: %d ink", sub.InkCount())
	}
}

func TestRegionsCoverInk(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewSource(3))
	for i := 0; i < 50; i++ {
		b := NewBitmap(1+r.Intn(400), 1+r.Intn(200))
		for k := 0; k < r.Intn(8); k++ {
			x, y := r.Intn(b.W), r.Intn(b.H)
			b.FillRect(image.Rect(x, y, x+r.Intn(60), y+r.Intn(30)))
		}
		regs := b.Regions()
		cover := NewBitmap(b.W, b.H)
		total := 0
		for _, g := range regs {
			if g.Min.X%8 != 0 {
				t.Fatalf("region %v not byte aligned", g)
			}
			cover.Or(b.Sub(g), g.Min)
			total += b.Ink(g)
			for _, h := range regs {
				if g != h && g.Overlaps(h) {
					t.Fatalf("regions %v and %v overlap", g, h)
				}
			}
		}
		if !bytes.Equal(cover.Pix, b.Pix) || total != b.InkCount() {
			t.Fatalf("regions %v do not cover the ink exactly", regs)
		}
	}
}

func TestHangulText(t *testing.T) {
	requireKoreanFont(t)
	fs := NewFontSet("", nil)
	precomposed, _, err := RenderText(NormalizeText("각 상품명"), 30, fs, "text")
	if err != nil {
		t.Fatal(err)
	}
	if precomposed.InkCount() < 500 {
		t.Errorf("Hangul rendered only %d ink pixels", precomposed.InkCount())
	}
	// Conjoining jamo (U+1100 U+1161 U+11A8) normalise to 각 (U+AC01).
	jamo, _, err := RenderText(NormalizeText("\u1100\u1161\u11a8 상품명"), 30, fs, "text")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(jamo.Pix, precomposed.Pix) {
		t.Errorf("NFC: jamo sequence renders differently from the syllable")
	}
	// 50% threshold, not dithering: no isolated single pixels in a glyph's
	// solid strokes — check the bitmap is deterministic and two-tone.
	if precomposed.W < 100 || precomposed.H != 39+14 {
		t.Errorf("text box %dx%d", precomposed.W, precomposed.H)
	}
}

func TestTextUsesCapHeight(t *testing.T) {
	t.Parallel()
	b, _, err := RenderText("H", 40, builtinSet(), "text")
	if err != nil {
		t.Fatal(err)
	}
	ink := b.InkBounds()
	if ink.Dy() < 39 || ink.Dy() > 41 {
		t.Errorf("cap height %d dots, want 40", ink.Dy())
	}
	ascent, _ := LineMetrics(40)
	if ink.Max.Y != ascent {
		t.Errorf("baseline at %d, want %d", ink.Max.Y, ascent)
	}
}

func TestFontMissing(t *testing.T) {
	t.Parallel()
	// A private-use character no font has.
	_, _, err := RenderText("A\U0010FFFD", 20, NewFontSet("", nil), "elements[0].text")
	if err == nil {
		t.Fatal("no error for an uncovered character")
	}
	if label.ReasonOf(err) != label.ReasonFontMissing {
		t.Errorf("reason %q", label.ReasonOf(err))
	}
	want := `elements[0].text: no installed font has U+10FFFD '\U0010fffd'; no font package known to Labelbridge has it: list a font file that does in the config's "fonts"`
	if err.Error() != want {
		t.Errorf("error\n %s\nwant\n %s", err, want)
	}
}

func TestFontChoice(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		font string
		want string // path of the face that draws 'A'
	}{
		{"Go", BuiltinFont},
		{"go mono", "builtin:gomono"},
		{"/no/such/font.ttf", ""}, // missing files fall through
	} {
		f := NewFontSet(tc.font, nil).FaceFor('A')
		if f == nil {
			t.Fatalf("%q: no face for A", tc.font)
		}
		if tc.want != "" && f.Path != tc.want {
			t.Errorf("%q: A drawn by %s, want %s", tc.font, f.Path, tc.want)
		}
	}
	// Configured font paths come before the OS fonts.
	if f := NewFontSet("", []string{"builtin:gomono"}).FaceFor('A'); f == nil || f.Path != "builtin:gomono" {
		t.Errorf("configured font not used first: %+v", f)
	}
}

func TestFitImage(t *testing.T) {
	t.Parallel()
	black := image.NewGray(image.Rect(0, 0, 30, 20))
	trans := image.NewNRGBA(image.Rect(0, 0, 30, 20)) // fully transparent
	gray := image.NewGray(image.Rect(0, 0, 100, 100))
	for i := range gray.Pix {
		gray.Pix[i] = 128
	}
	for _, tc := range []struct {
		name    string
		img     image.Image
		w, h    int
		ink     image.Rectangle // must be all black
		inkFrac [2]float64      // black fraction of the whole bitmap
	}{
		{"black fits width, centred", black, 60, 60, image.Rect(0, 10, 60, 50), [2]float64{0.66, 0.67}},
		{"transparent is white", trans, 40, 40, image.Rectangle{}, [2]float64{0, 0}},
		{"gray dithers to half", gray, 80, 80, image.Rectangle{}, [2]float64{0.45, 0.55}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := FitImage(tc.img, tc.w, tc.h)
			if b.W != tc.w || b.H != tc.h {
				t.Fatalf("size %dx%d", b.W, b.H)
			}
			if !tc.ink.Empty() && b.Ink(tc.ink) != tc.ink.Dx()*tc.ink.Dy() {
				t.Errorf("%v not all black", tc.ink)
			}
			frac := float64(b.InkCount()) / float64(b.W*b.H)
			if frac < tc.inkFrac[0] || frac > tc.inkFrac[1] {
				t.Errorf("black fraction %.3f, want %v", frac, tc.inkFrac)
			}
		})
	}
}

func TestLayoutOffLabel(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		el   label.Element
		want string
	}{
		{"long text", label.Element{Type: "text", X: 40, Text: "WWWWWWWWWW", Size: 5, Font: "Go"}, "elements[0].text: the text runs off the label: it ends at x = "},
		{"barcode width", label.Element{Type: "barcode", Symbology: "code128", X: 40, Data: "1234567890ABCDEFGHIJ", Module: 0.5}, "elements[0].data: the barcode runs off the label"},
		{"barcode too long", label.Element{Type: "barcode", Symbology: "code128", X: 45, Data: "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}, "elements[0].data: the barcode is 321 modules wide, at least 40.2 mm at 203 dpi, and does not fit in 5.0 mm"},
		{"tall barcode", label.Element{Type: "barcode", Symbology: "ean13", Y: 20, Data: "590123412345", Height: 15}, "runs off the label: it ends at y ="},
		{"qr too big", label.Element{Type: "barcode", Symbology: "qr", X: 30, Data: "x", Size: 25}, "elements[0].data: the barcode runs off the label: it ends at x = 53.7 mm"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := &label.Label{Width: 50, Height: 30, Elements: []label.Element{tc.el}}
			err := l.Validate()
			if err == nil {
				_, err = Layout(t.Context(), l, Options{})
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			if label.ReasonOf(err) != label.ReasonInvalid {
				t.Errorf("reason %q", label.ReasonOf(err))
			}
		})
	}
}

func TestModuleChoice(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		el     label.Element
		dpi    int
		module int
	}{
		{label.Element{Type: "barcode", Symbology: "code128", Data: "AB"}, 203, 2},
		{label.Element{Type: "barcode", Symbology: "code128", Data: "AB"}, 300, 3},
		{label.Element{Type: "barcode", Symbology: "code128", Data: "AB", Width: 40}, 203, 320 / 57},
		{label.Element{Type: "barcode", Symbology: "code128", Data: "AB", Module: 0.5}, 203, 4},
		{label.Element{Type: "barcode", Symbology: "qr", Data: "x", Size: 21}, 203, 168 / 21},
		{label.Element{Type: "barcode", Symbology: "qr", Data: "x"}, 203, 4},
	} {
		l := &label.Label{Width: 80, Height: 40, Elements: []label.Element{tc.el}}
		if err := l.Validate(); err != nil {
			t.Fatal(err)
		}
		p, err := Layout(t.Context(), l, Options{DPI: tc.dpi})
		if err != nil {
			t.Fatal(err)
		}
		if got := p.Items[0].Module; got != tc.module {
			t.Errorf("%+v at %d dpi: module %d, want %d", tc.el, tc.dpi, got, tc.module)
		}
	}
}

func TestPreviewPNG(t *testing.T) {
	t.Parallel()
	l := &label.Label{Width: 20, Height: 10, Elements: []label.Element{{Type: "box", X: 0, Y: 0, Width: 10, Height: 10, Thickness: 10}}}
	if err := l.Validate(); err != nil {
		t.Fatal(err)
	}
	p, err := Layout(t.Context(), l, Options{DPI: 300})
	if err != nil {
		t.Fatal(err)
	}
	data, err := Preview(p)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds().Dx() != 236 || img.Bounds().Dy() != 118 {
		t.Errorf("preview %v, want 236x118 at 300 dpi", img.Bounds())
	}
	if img.At(5, 5) != (color.RGBA{0, 0, 0, 255}) && color.GrayModel.Convert(img.At(5, 5)).(color.Gray).Y != 0 {
		t.Errorf("box pixel not black: %v", img.At(5, 5))
	}
	if !bytes.Contains(data, []byte("pHYs")) {
		t.Errorf("no pHYs chunk")
	}
}

// TestQRSizeWithoutEncoding: the QR size we compute up front is the size
// boombuler/barcode produces, for every mode and many lengths.
func TestQRSizeWithoutEncoding(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewSource(5))
	alphabets := []string{"0123456789", qrAlnum, "abcXYZ-한국어/?&=", "+0123456789"}
	for i := 0; i < 120; i++ {
		a := []rune(alphabets[i%len(alphabets)])
		n := 1 + r.Intn(300)
		if i%10 == 0 {
			n = 1 + r.Intn(2000)
		}
		var sb strings.Builder
		for sb.Len() < n {
			sb.WriteRune(a[r.Intn(len(a))])
		}
		data := sb.String()
		s, err := EncodeSymbol(label.QR, data)
		if err != nil {
			continue // too long for level M: fine as long as it says so
		}
		if err := s.Load(); err != nil {
			t.Fatalf("%d bytes (%s mode): %v", len(data), qrMode(data), err)
		}
	}
}

// TestQRPlusDigits: "+12345" must stay "+12345" (boombuler's automatic mode
// would encode it as the number 12345).
func TestQRPlusDigits(t *testing.T) {
	t.Parallel()
	if m := qrMode("+821012345678"); m == qr.Numeric {
		t.Fatalf("mode %v for a phone number", m)
	}
}
