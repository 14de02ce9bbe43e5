package document

import (
	"encoding/base64"
	"image"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/labelbridge/labelbridge/printing"
)

var pngHead = "\x89PNG\r\n\x1a\n" + strings.Repeat("\x00", 16)

func TestParseErrorsNameTheField(t *testing.T) {
	t.Parallel()
	b64 := base64.StdEncoding.EncodeToString([]byte("%PDF-1.7\n"))
	for _, c := range []struct{ name, json, reason, text string }{
		{"ok", `{"format":"pdf","base64":"` + b64 + `","rotate":90,"fit":"cover","threshold":0}`, "", ""},
		{"rotate auto", `{"format":"pdf","base64":"` + b64 + `","rotate":"auto"}`, "", ""},
		{"unknown field", `{"format":"pdf","base64":"` + b64 + `","scale":2}`, "invalid_params", `document.scale: unknown field`},
		{"format", `{"format":"tiff","base64":"` + b64 + `"}`, "invalid_params", `document.format: must be one of pdf, png, jpeg, got "tiff"`},
		{"format mismatch", `{"format":"png","base64":"` + b64 + `"}`, "invalid_params", `document.format: is "png" but the data is a PDF file`},
		{"not a document", `{"format":"pdf","base64":"aGVsbG8="}`, "invalid_params", `not a PDF file`},
		{"fit", `{"format":"pdf","base64":"` + b64 + `","fit":"fill"}`, "invalid_params", `document.fit`},
		{"rotate", `{"format":"pdf","base64":"` + b64 + `","rotate":45}`, "invalid_params", `document.rotate: must be "auto", 0, 90, 180 or 270`},
		{"crop", `{"format":"pdf","base64":"` + b64 + `","crop":"auto"}`, "invalid_params", `document.crop`},
		{"dither", `{"format":"pdf","base64":"` + b64 + `","dither":"atkinson"}`, "invalid_params", `document.dither`},
		{"threshold", `{"format":"pdf","base64":"` + b64 + `","threshold":256}`, "invalid_params", `document.threshold: must be 0 to 255, got 256`},
		{"threshold type", `{"format":"pdf","base64":"` + b64 + `","threshold":"dark"}`, "invalid_params", `document.threshold: must be a number`},
		{"width only", `{"format":"pdf","base64":"` + b64 + `","width":100}`, "invalid_params", `give both`},
		{"unit", `{"format":"pdf","base64":"` + b64 + `","width":4,"height":6,"unit":"cm"}`, "invalid_params", `document.unit`},
		{"pages", `{"format":"pdf","base64":"` + b64 + `","pages":"a-b"}`, "invalid_params", `document.pages: "a-b" is not a page list`},
		{"no data", `{"format":"pdf"}`, "invalid_params", `document.base64: required`},
		{"bad base64", `{"format":"pdf","base64":"%%%"}`, "invalid_params", `document.base64: not valid base64`},
		{"too large", `{"format":"pdf","base64":"` + strings.Repeat("A", MaxBytes/3*4+8) + `"}`, "payload_too_large", `the limit is 16,777,216 bytes`},
		{"not an object", `[1]`, "invalid_params", `document:`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.json))
			if c.reason == "" {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				return
			}
			if got := printing.ReasonOf(err, ""); got != c.reason || err == nil || !strings.Contains(err.Error(), c.text) {
				t.Fatalf("Parse = %v (%s); want %s containing %q", err, got, c.reason, c.text)
			}
		})
	}
}

func TestParsePages(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		s    string
		n    int
		want []int
		err  string
	}{
		{"", 3, []int{0, 1, 2}, ""},
		{"1-3,5", 5, []int{0, 1, 2, 4}, ""},
		{" 2 - ", 4, []int{1, 2, 3}, ""},
		{"3,1", 3, []int{2, 0}, ""},
		{"0", 3, nil, "pages count from 1"},
		{"3-1", 3, nil, "counts down"},
		{"4", 3, nil, "page 4 is past the end of the document (3 pages)"},
		{"1-200", 200, nil, "more than 100 pages"},
	} {
		got, err := ParsePages(c.s, c.n)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("ParsePages(%q, %d) = %v, %v; want error %q", c.s, c.n, got, err, c.err)
			}
			continue
		}
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("ParsePages(%q, %d) = %v, %v; want %v", c.s, c.n, got, err, c.want)
		}
	}
}

// place puts the content's corners on the label where the fit says, for
// every turn: checked by mapping them through the same transform the image
// path uses.
func TestPlace(t *testing.T) {
	t.Parallel()
	const pw, ph = 432.0, 288.0 // a 6×4 in landscape page, in points
	for _, c := range []struct {
		name       string
		content    box
		w, h       int
		fit        string
		rot        int
		wantRot    int
		wantCovers image.Rectangle // where the content lands, in dots
	}{
		{"landscape on portrait, auto", box{0, 0, pw, ph}, 812, 1218, FitContain, RotateAuto, 90, image.Rect(0, 0, 812, 1218)},
		{"portrait page on landscape stock", box{0, 0, ph, pw}, 1218, 812, FitContain, RotateAuto, 90, image.Rect(0, 0, 1218, 812)},
		{"same orientation", box{0, 0, pw, ph}, 1218, 812, FitContain, RotateAuto, 0, image.Rect(0, 0, 1218, 812)},
		{"upside down", box{0, 0, pw, ph}, 1218, 812, FitContain, 180, 180, image.Rect(0, 0, 1218, 812)},
		{"270", box{0, 0, pw, ph}, 812, 1218, FitContain, 270, 270, image.Rect(0, 0, 812, 1218)},
		{"no turn: contain shrinks", box{0, 0, pw, ph}, 812, 1218, FitContain, 0, 0, image.Rect(0, 338, 812, 880)},
		{"no turn: cover fills height", box{0, 0, pw, ph}, 812, 1218, FitCover, 0, 0, image.Rect(-507, 0, 1320, 1218)},
		{"actual size", box{0, 0, pw, ph}, 1218, 812, FitActual, RotateAuto, 0, image.Rect(0, 0, 1218, 812)},
		{"cropped corner", box{36, 36, 288, 432}, 812, 1218, FitContain, RotateAuto, 0, image.Rect(0, 0, 812, 1218)},
		{"cropped corner turned", box{36, 36, 288, 432}, 1218, 812, FitContain, RotateAuto, 90, image.Rect(0, 0, 1218, 812)},
	} {
		pgW, pgH := pw, ph
		if c.name == "portrait page on landscape stock" || strings.HasPrefix(c.name, "cropped") {
			pgW, pgH = 612, 792
		}
		pl := place(pgW, pgH, c.content, 72, c.w, c.h, 203, c.fit, c.rot)
		if pl.Rot != c.wantRot {
			t.Errorf("%s: turned %d, want %d", c.name, pl.Rot, c.wantRot)
		}
		a := pl.affine(pgW, pgH)
		var xs, ys []int
		for _, p := range [][2]float64{{c.content.X, c.content.Y}, {c.content.X + c.content.W, c.content.Y + c.content.H}} {
			xs = append(xs, int(math.Round(a[0]*p[0]+a[1]*p[1]+a[2])))
			ys = append(ys, int(math.Round(a[3]*p[0]+a[4]*p[1]+a[5])))
		}
		got := image.Rect(xs[0], ys[0], xs[1], ys[1])
		if d := absDiff(got, c.wantCovers); d > 2 {
			t.Errorf("%s: content lands on %v, want %v", c.name, got, c.wantCovers)
		}
	}
}

func absDiff(a, b image.Rectangle) int {
	d := 0
	for _, v := range []int{a.Min.X - b.Min.X, a.Min.Y - b.Min.Y, a.Max.X - b.Max.X, a.Max.Y - b.Max.Y} {
		d = max(d, max(v, -v))
	}
	return d
}

// Each dither keeps black black and white white; threshold prints exactly
// what is darker than the level; ordered and Floyd–Steinberg print about
// half of mid grey, more as the level rises.
func TestDither(t *testing.T) {
	t.Parallel()
	ink := func(v uint8, mode string, level int) float64 {
		g := image.NewGray(image.Rect(0, 0, 64, 64))
		for i := range g.Pix {
			g.Pix[i] = v
		}
		b, err := toBitmap(g, mode, level, nil)
		if err != nil {
			t.Fatal(err)
		}
		return float64(b.InkCount()) / float64(b.W*b.H)
	}
	for _, mode := range Dithers {
		if ink(0, mode, 128) != 1 || ink(255, mode, 128) != 0 {
			t.Errorf("%s: black or white is not kept", mode)
		}
		if mode == DitherThreshold {
			for _, c := range []struct {
				v     uint8
				level int
				want  float64
			}{{127, 128, 1}, {128, 128, 0}, {254, 255, 1}, {0, 0, 0}} {
				if got := ink(c.v, mode, c.level); got != c.want {
					t.Errorf("threshold: grey %d at level %d inks %v, want %v", c.v, c.level, got, c.want)
				}
			}
			continue
		}
		if f := ink(128, mode, 128); f < 0.4 || f > 0.6 {
			t.Errorf("%s: mid grey inks %.2f of the dots, want about half", mode, f)
		}
		if lo, hi := ink(128, mode, 64), ink(128, mode, 192); !(lo < hi) {
			t.Errorf("%s: level 64 inks %.2f, level 192 %.2f: a higher level must print darker", mode, lo, hi)
		}
	}
}

func TestSniffAndDensity(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"%PDF-1.4": "pdf", pngHead: "png", "\xff\xd8\xff\xe0": "jpeg", "junk %PDF-1.7": "pdf", "GIF89a": ""} {
		if got := Sniff([]byte(in)); got != want {
			t.Errorf("Sniff(%q) = %q, want %q", in, got, want)
		}
	}
	jfif := []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x01\x01\x2c\x01\x2c\x00\x00") // 300×300 dpi
	if got := jfifDPI(jfif); got != 300 {
		t.Errorf("jfifDPI = %v, want 300", got)
	}
}
