package label

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// exampleLabels are the shared example labels (testdata/labels at the
// repository root) plus the encoders' golden inputs.
func exampleLabels(tb testing.TB) map[string][]byte {
	tb.Helper()
	out := map[string][]byte{}
	for _, pattern := range []string{"../../testdata/labels/*.json", "../raster/rastertest/testdata/*.json"} {
		files, err := filepath.Glob(pattern)
		if err != nil {
			tb.Fatal(err)
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				tb.Fatal(err)
			}
			out[f] = data
		}
	}
	if len(out) < 4 {
		tb.Fatalf("found only %d example labels", len(out))
	}
	return out
}

func TestParseExamples(t *testing.T) {
	t.Parallel()
	for name, data := range exampleLabels(t) {
		l, err := Parse(data)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if l.Unit == "" || l.DPI == 0 || l.Copies == 0 {
			t.Errorf("%s: defaults not filled: %+v", name, l)
		}
		// The model round-trips through encoding/json.
		again, err := json.Marshal(l)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(again); err != nil {
			t.Errorf("%s: re-marshalled label does not parse: %v\n%s", name, err, again)
		}
	}
}

func TestParseDefaults(t *testing.T) {
	t.Parallel()
	l, err := Parse([]byte(`{"width":50,"height":30,"elements":[]}`))
	if err != nil {
		t.Fatal(err)
	}
	if l.Unit != "mm" || l.DPI != 203 || l.Copies != 1 {
		t.Errorf("defaults: unit %q dpi %d copies %d", l.Unit, l.DPI, l.Copies)
	}
}

const png1x1 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNiAAAABgADNjd8qAAAAABJRU5ErkJggg=="

func TestParseErrors(t *testing.T) {
	t.Parallel()
	el := func(s string) string { return `{"width":100,"height":60,"elements":[` + s + `]}` }
	for _, tc := range []struct {
		name, in, want string
	}{
		{"not json", `{"width":`, "label is not valid JSON"},
		{"not object", `[1,2]`, "label must be a JSON object"},
		{"trailing", `{"width":1,"height":1,"elements":[]} {}`, "data after the closing brace"},
		{"unknown top field", `{"width":1,"height":1,"elements":[],"colour":"red"}`, "colour: unknown field"},
		{"missing width", `{"height":1,"elements":[]}`, "width: is required"},
		{"string width", `{"width":"10","height":1,"elements":[]}`, "width: must be a number"},
		{"zero height", `{"width":10,"height":0,"elements":[]}`, "height: must be greater than 0"},
		{"bad unit", `{"width":10,"height":10,"unit":"cm","elements":[]}`, `unit: unknown unit "cm"`},
		{"dpi range", `{"width":10,"height":10,"dpi":100,"elements":[]}`, "dpi: 100 is out of range (152–600)"},
		{"dpi fraction", `{"width":10,"height":10,"dpi":203.5,"elements":[]}`, "dpi: must be a whole number"},
		{"copies", `{"width":10,"height":10,"copies":-1,"elements":[]}`, "copies: -1 is out of range"},
		{"too big", `{"width":2001,"height":10,"elements":[]}`, "width: is 2001 mm; the limit is 2000 mm"},
		{"too big inches", `{"width":80,"height":10,"unit":"in","elements":[]}`, "width: is 80 in; the limit is 78.74 in (2000 mm)"},
		{"no elements", `{"width":10,"height":10}`, "elements: is required"},
		{"elements not list", `{"width":10,"height":10,"elements":{}}`, "elements: must be a list"},
		{"element not object", el(`3`), "elements[0]: must be an object"},
		{"no type", el(`{"x":1}`), "elements[0].type: is required"},
		{"bad type", el(`{"type":"circle"}`), `elements[0].type: unknown element type "circle"`},
		{"unknown field", el(`{"type":"text","text":"a","size":3},{"type":"box","x":1,"y":1,"width":2,"height":2},{"type":"line","x1":0,"y1":0,"x2":1,"y2":1,"foo":1}`), "elements[2].foo: unknown field"},
		{"field of other type", el(`{"type":"line","x1":0,"y1":0,"x2":1,"y2":1,"text":"a"}`), "elements[0].text: unknown field"},
		{"text empty", el(`{"type":"text","size":3}`), "elements[0].text: is required"},
		{"text size", el(`{"type":"text","text":"a"}`), "elements[0].size: is required"},
		{"text off label", el(`{"type":"text","x":101,"text":"a","size":3}`), "elements[0].x: 101 mm is off the label (0–100 mm)"},
		{"rotation", el(`{"type":"text","text":"a","size":3,"rotation":45}`), "elements[0].rotation: 45 is not one of 0, 90, 180, 270"},
		{"symbology", el(`{"type":"barcode","symbology":"maxicode","data":"x"}`), `elements[0].symbology: unknown symbology "maxicode"`},
		{"no data", el(`{"type":"barcode","symbology":"qr"}`), "elements[0].data: is required"},
		{"ean13 digits", el(`{"type":"text","text":"a","size":3},{"type":"text","text":"a","size":3},{"type":"text","text":"a","size":3},{"type":"barcode","symbology":"ean13","data":"12345"}`), "elements[3].data: EAN-13 needs 12 or 13 digits"},
		{"ean13 check", el(`{"type":"barcode","symbology":"ean13","data":"5901234123450"}`), "elements[0].data: EAN-13 check digit should be 7, not 0"},
		{"ean13 letters", el(`{"type":"barcode","symbology":"ean13","data":"59012341234A"}`), "EAN-13 takes digits only"},
		{"upca digits", el(`{"type":"barcode","symbology":"upca","data":"123"}`), "elements[0].data: UPC-A needs 11 or 12 digits"},
		{"code39 lower", el(`{"type":"barcode","symbology":"code39","data":"abc"}`), "(use upper case)"},
		{"code128 hangul", el(`{"type":"barcode","symbology":"code128","data":"가"}`), "Code 128 takes printable ASCII only, not U+AC00"},
		{"hri on qr", el(`{"type":"barcode","symbology":"qr","data":"x","hri":false}`), "elements[0].hri: applies to 1D barcodes only"},
		{"size on 1d", el(`{"type":"barcode","symbology":"code128","data":"x","size":3}`), "elements[0].size: applies to 2D barcodes only"},
		{"size and module", el(`{"type":"barcode","symbology":"qr","data":"x","size":20,"module":1}`), "elements[0].module: set either size or module"},
		{"hri type", el(`{"type":"barcode","symbology":"code128","data":"x","hri":"no"}`), "elements[0].hri: must be true or false"},
		{"box off label", el(`{"type":"box","x":50,"y":1,"width":60,"height":2}`), "elements[0].width: the box ends at x = 110 mm, off the label (width 100 mm)"},
		{"line off label", el(`{"type":"line","x1":0,"y1":0,"x2":0,"y2":61}`), "elements[0].y2: 61 mm is off the label"},
		{"negative thickness", el(`{"type":"box","x":1,"y":1,"width":2,"height":2,"thickness":-1}`), "elements[0].thickness: must not be negative"},
		{"image no data", el(`{"type":"image","x":1,"y":1,"width":2,"height":2}`), "elements[0].data: is required"},
		{"image base64", el(`{"type":"image","x":1,"y":1,"width":2,"height":2,"data":"!!!"}`), "elements[0].data: is not valid base64"},
		{"image format", el(`{"type":"image","x":1,"y":1,"width":2,"height":2,"data":"aGVsbG8="}`), "elements[0].data: is not a PNG or JPEG image"},
		{"image off", el(`{"type":"image","x":1,"y":50,"width":2,"height":20,"data":"` + png1x1 + `"}`), "elements[0].height: the image ends at y = 70 mm"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.in))
			if err == nil {
				t.Fatalf("no error, want %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q\nwant it to contain %q", err, tc.want)
			}
			if r := ReasonOf(err); r != ReasonInvalid {
				t.Errorf("reason %q, want invalid_label", r)
			}
			var le *Error
			if !errors.As(err, &le) {
				t.Errorf("error is %T, want *label.Error", err)
			}
		})
	}
}

func TestParseAcceptsDataURLAndTooManyElements(t *testing.T) {
	t.Parallel()
	if _, err := Parse([]byte(`{"width":10,"height":10,"elements":[{"type":"image","x":0,"y":0,"width":5,"height":5,"data":"data:image/png;base64,` + png1x1 + `"}]}`)); err != nil {
		t.Errorf("data URL image: %v", err)
	}
	var b strings.Builder
	b.WriteString(`{"width":10,"height":10,"elements":[`)
	for i := 0; i <= MaxElements; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"type":"box","x":0,"y":0,"width":1,"height":1}`)
	}
	b.WriteString(`]}`)
	_, err := Parse([]byte(b.String()))
	if err == nil || !strings.Contains(err.Error(), "elements: has 1001 elements; the limit is 1000") {
		t.Errorf("too many elements: %v", err)
	}
}

func TestUnits(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		unit     string
		labelDPI int
		v        float64
		dpi      int
		dots     int
		mm       float64
	}{
		{"mm", 203, 25.4, 203, 203, 25.4},
		{"mm", 203, 10, 300, 118, 10},
		{"in", 203, 1, 300, 300, 25.4},
		{"in", 300, 0.5, 203, 102, 12.7},
		{"dot", 203, 203, 203, 203, 25.4},
		{"dot", 203, 203, 300, 300, 25.4}, // dots are physical: 1 in at 203 is 1 in at 300
		{"dot", 300, 150, 600, 300, 12.7},
	} {
		l := &Label{Unit: tc.unit, DPI: tc.labelDPI}
		if got := l.ToDots(tc.v, tc.dpi); got != tc.dots {
			t.Errorf("%v %s (label %d dpi) at %d dpi = %d dots, want %d", tc.v, tc.unit, tc.labelDPI, tc.dpi, got, tc.dots)
		}
		if got := l.ToMM(tc.v); math.Abs(got-tc.mm) > 1e-9 {
			t.Errorf("%v %s = %v mm, want %v", tc.v, tc.unit, got, tc.mm)
		}
		if got := l.FromMM(tc.mm); math.Abs(got-tc.v) > 1e-9 {
			t.Errorf("FromMM(%v) = %v %s, want %v", tc.mm, got, tc.unit, tc.v)
		}
	}
}

func TestNormalizeData(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		sym, in, want string
	}{
		{EAN13, "590123412345", "5901234123457"},
		{EAN13, "5901234123457", "5901234123457"},
		{UPCA, "03600029145", "036000291452"},
		{UPCA, "036000291452", "036000291452"},
		{Code39, "ABC-1 $/+%.", "ABC-1 $/+%."},
		{Code128, "Any ASCII ~!", "Any ASCII ~!"},
		{QR, "한국어 https://예.kr", "한국어 https://예.kr"},
	} {
		got, err := NormalizeData(tc.sym, tc.in)
		if err != nil || got != tc.want {
			t.Errorf("NormalizeData(%s, %q) = %q, %v; want %q", tc.sym, tc.in, got, err, tc.want)
		}
	}
	if CheckDigit("400638133393") != 1 {
		t.Errorf("CheckDigit(400638133393) = %d, want 1", CheckDigit("400638133393"))
	}
}

func TestHandBuiltLabelValidates(t *testing.T) {
	t.Parallel()
	l := &Label{Width: 50, Height: 30, Elements: []Element{
		{Type: TypeText, X: 1, Y: 1, Text: "hi", Size: 3},
		{Type: TypeBarcode, Symbology: EAN13, Data: "123"},
	}}
	err := l.Validate()
	if err == nil || !strings.HasPrefix(err.Error(), "elements[1].data: EAN-13 needs 12 or 13 digits") {
		t.Errorf("Validate = %v", err)
	}
}

// FuzzParse: the decoder and validator never panic, and whatever they
// accept validates again after a JSON round trip.
func FuzzParse(f *testing.F) {
	for _, data := range exampleLabels(f) {
		f.Add(data)
	}
	f.Add([]byte(`{"width":1e308,"height":-0,"elements":[{"type":"barcode","symbology":"qr","data":"\u0000"}]}`))
	f.Add([]byte(`{"width":10,"height":10,"unit":"dot","elements":[{"type":"image","x":0,"y":0,"width":1,"height":1,"data":"` + png1x1 + `"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := Parse(data)
		if err != nil {
			if ReasonOf(err) != ReasonInvalid {
				t.Fatalf("error without invalid_label reason: %v", err)
			}
			return
		}
		again, err := json.Marshal(l)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(again); err != nil {
			t.Fatalf("accepted label does not re-parse: %v\n%s", err, again)
		}
	})
}
