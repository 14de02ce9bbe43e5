package batch

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"regexp"
	"strings"
	"testing"

	"github.com/labelbridge/labelbridge/printing/encode"
	"github.com/labelbridge/labelbridge/printing/label"
	"github.com/labelbridge/labelbridge/printing/raster/rastertest"
)

// design is a 60×40 mm label: a Korean product name, a SKU barcode and a
// serial number in the printer's font.
const design = `{"width":60,"height":40,"elements":[
	{"type":"text","x":3,"y":2,"text":"상품 {{name}}","size":3.5},
	{"type":"barcode","symbology":"code128","x":3,"y":12,"data":"{{sku}}","height":10,"module":0.375},
	{"type":"text","x":3,"y":30,"text":"NO {{n}}","size":3,"font":"printer"}]}`

func rows(n int) []map[string]string {
	out := make([]map[string]string, n)
	for i := range out {
		// no two digits in a row: TSPL and EPL2 then draw the Code 128
		// natively (raster.Code128Fixed), so its data is in their commands
		out[i] = map[string]string{"name": fmt.Sprintf("사과 %d", i), "sku": fmt.Sprintf("SKU-%d", i)}
	}
	return out
}

func compile(t *testing.T, lang string, s Spec) Result {
	t.Helper()
	s.Language = lang
	res, err := Compile(t.Context(), s)
	if err != nil {
		t.Fatalf("%s: %v", lang, err)
	}
	return res
}

// Rows fill each label in order, counters number them, in every language;
// the per-row data is in each label's native barcode command.
func TestRowsAndCountersEveryLanguage(t *testing.T) {
	t.Parallel()
	counters := []Counter{{Name: "n", Start: 7, Step: 1, Digits: 4}}
	barcode := map[string]*regexp.Regexp{
		"zpl":    regexp.MustCompile(`\^BC[^^]*\^FD(SKU-\d+)\^FS`),
		"tspl":   regexp.MustCompile(`BARCODE [^\r]*"(SKU-\d+)"`),
		"epl":    regexp.MustCompile(`\nB[^\n]*"(SKU-\d+)"`),
		"escpos": regexp.MustCompile(`(?s)\x1dk\x49.\{B(SKU-\d+)`),
	}
	for _, lang := range encode.Languages() {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			res := compile(t, lang, Spec{Label: []byte(design), Rows: rows(3), Counters: counters, Copies: 2})
			if res.Labels != 6 {
				t.Errorf("Labels = %d, want 6 (3 rows × 2 copies)", res.Labels)
			}
			var got []string
			for _, m := range barcode[lang].FindAllSubmatch(res.Data, -1) {
				got = append(got, string(m[1]))
			}
			want := []string{"SKU-0", "SKU-1", "SKU-2"}
			if lang != "zpl" { // each copy is drawn with its own counter
				want = []string{"SKU-0", "SKU-0", "SKU-1", "SKU-1", "SKU-2", "SKU-2"}
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("barcodes in order = %v, want %v", got, want)
			}
			if lang == "zpl" {
				if !res.Native || !bytes.Contains(res.Data, []byte("^FDNO 0007^SFdddd,1^FS")) ||
					!bytes.Contains(res.Data, []byte("^FDNO 0009^SFdddd,1^FS")) || bytes.Count(res.Data, []byte("^PQ2\n")) != 3 {
					t.Errorf("ZPL should count natively (^SF from 0007, 0009, 0011 with ^PQ2):\n%s", res.Data)
				}
			}
			if lang == "tspl" {
				for _, v := range []string{"0007", "0008", "0011", "0012"} {
					if !bytes.Contains(res.Data, []byte(`"NO `+v+`"`)) {
						t.Errorf("TSPL: no label shows NO %s", v)
					}
				}
			}
		})
	}
}

// The ZPL of a batch, drawn by the independent renderer: every label's
// barcode decodes to its own row's data.
func TestRowsZPLRenderedAndDecoded(t *testing.T) {
	r := rastertest.StartZPLRenderer(t)
	res := compile(t, "zpl", Spec{Label: []byte(design), Rows: rows(3), Counters: []Counter{{Name: "n", Start: 1, Step: 1, Digits: 3}}})
	formats := strings.SplitAfter(string(res.Data), "^XZ\n")
	formats = formats[:len(formats)-1]
	if len(formats) != 3 {
		t.Fatalf("%d label formats, want 3", len(formats))
	}
	for i, f := range formats {
		img, err := r.Render(f, 60, 40, 8)
		if err != nil {
			t.Fatalf("render label %d: %v", i, err)
		}
		got, err := rastertest.Decode(img, image.Rect(16, 90, 460, 190), 8, 0, label.Code128)
		if err != nil || got != fmt.Sprintf("SKU-%d", i) {
			t.Errorf("label %d decodes to %q (%v), want SKU-%d", i, got, err, i)
		}
	}
}

func TestErrorsNameRowAndField(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		spec   Spec
		reason string
		want   string
	}{
		{"missing value", Spec{Label: []byte(design), Rows: []map[string]string{{"name": "a", "sku": "1"}, {"name": "b"}},
			Counters: []Counter{{Name: "n", Step: 1}}}, ReasonInvalidParams, "rows[1].sku: missing (elements[1].data uses {{sku}})"},
		{"no counter", Spec{Label: []byte(design), Rows: rows(1)}, ReasonInvalidParams, "rows[0].n: missing (elements[2].text uses {{n}})"},
		{"bad data in a row", Spec{Label: []byte(`{"width":60,"height":40,"elements":[{"type":"barcode","symbology":"ean13","x":3,"y":3,"data":"{{ean}}"}]}`),
			Rows: []map[string]string{{"ean": "5901234123457"}, {"ean": "12"}}}, label.ReasonInvalid, "rows[1]: elements[0].data: EAN-13 needs 12 or 13 digits"},
		{"empty rows", Spec{Label: []byte(design), Rows: []map[string]string{}}, ReasonInvalidParams, "rows: is empty"},
		{"too many rows", Spec{Label: []byte(design), Rows: make([]map[string]string, MaxRows+1)}, ReasonTooComplex, "10001 rows"},
		{"counter overflows", Spec{Label: []byte(design), Rows: rows(2), Counters: []Counter{{Name: "n", Start: 99, Step: 1, Digits: 2}}},
			ReasonInvalidParams, "counters[0].digits: the counter reaches 100 on label 2"},
		{"counter named like a field", Spec{Label: []byte(design), Rows: rows(1), Counters: []Counter{{Name: "sku", Step: 1}}},
			ReasonInvalidParams, "rows[0].sku: is also the name of a counter"},
		{"copies × rows to draw", Spec{Label: []byte(`{"width":20,"height":10,"elements":[{"type":"text","x":1,"y":1,"text":"{{n}}","size":2}]}`),
			Rows: make([]map[string]string, 200), Copies: 100, Counters: []Counter{{Name: "n", Step: 1}}}, ReasonTooComplex, "200 rows × 100 copies = 20000 labels"},
		{"byte limit", Spec{Label: []byte(design), Rows: rows(50), Counters: []Counter{{Name: "n", Step: 1}}, MaxBytes: 4000}, ReasonTooLarge, "(the job limit)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.spec.Language = "tspl"
			_, err := Compile(t.Context(), tt.spec)
			if err == nil || label.ReasonOf(err) != tt.reason || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v (reason %q), want %s containing %q", err, label.ReasonOf(err), tt.reason, tt.want)
			}
		})
	}
}

// The budget covers the whole batch: it is refused before the second label
// is drawn, naming the row count.
func TestBatchBudget(t *testing.T) {
	t.Parallel()
	big := `{"width":1000,"height":1000,"elements":[{"type":"text","x":1,"y":1,"text":"{{v}}","size":200}]}`
	_, err := Compile(t.Context(), Spec{Label: []byte(big), Rows: make1(9000), Language: "zpl"})
	if label.ReasonOf(err) != ReasonTooComplex || !strings.Contains(err.Error(), "9000 rows (9000 labels) would cost") {
		t.Fatalf("got %v", err)
	}
}

func make1(n int) []map[string]string {
	out := make([]map[string]string, n)
	for i := range out {
		out[i] = map[string]string{"v": "가"}
	}
	return out
}

// Without rows or counters a label's {{ is literal (v1); Fill leaves a
// string without placeholders alone.
func TestLiteralBracesWithoutRows(t *testing.T) {
	t.Parallel()
	if got, missing := Fill("a {{b", nil); got != "a {{b" || missing != "" {
		t.Errorf("Fill = %q, %q", got, missing)
	}
	l, err := label.Parse([]byte(`{"width":40,"height":20,"elements":[{"type":"text","x":1,"y":1,"text":"{{x}}","size":3,"font":"printer"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	out, err := encode.Label(context.Background(), l, "zpl", encode.Options{})
	if err != nil || !bytes.Contains(out, []byte("^FD{{x}}^FS")) {
		t.Errorf("v1 label: %v\n%s", err, out)
	}
}

// Counters alone: one label per copy, each numbered; a whole-field counter
// in printer text is ZPL ^SN.
func TestCountersOnly(t *testing.T) {
	t.Parallel()
	l := `{"width":40,"height":20,"elements":[{"type":"text","x":1,"y":1,"text":"{{n}}","size":3,"font":"printer"}]}`
	res := compile(t, "zpl", Spec{Label: []byte(l), Counters: []Counter{{Name: "n", Start: 10, Step: 5, Digits: 6}}, Copies: 4})
	if !res.Native || !bytes.Contains(res.Data, []byte("^SN000010,5,Y^FS")) || !bytes.Contains(res.Data, []byte("^PQ4")) || res.Labels != 4 {
		t.Errorf("ZPL ^SN: labels %d\n%s", res.Labels, res.Data)
	}
	res = compile(t, "epl", Spec{Label: []byte(l), Counters: []Counter{{Name: "n", Start: 10, Step: 5, Digits: 6}}, Copies: 3})
	for _, v := range []string{"000010", "000015", "000020"} {
		if !bytes.Contains(res.Data, []byte(`"`+v+`"`)) {
			t.Errorf("EPL: no label shows %s", v)
		}
	}
	// A PC-drawn counter in ZPL: each copy drawn (no ^SN).
	pc := strings.Replace(l, `,"font":"printer"`, "", 1)
	res = compile(t, "zpl", Spec{Label: []byte(pc), Counters: []Counter{{Name: "n", Start: 1, Step: 1}}, Copies: 3})
	if res.Native || bytes.Count(res.Data, []byte("^XA")) != 3 || bytes.Contains(res.Data, []byte("^SN")) {
		t.Errorf("PC-drawn counter should draw each copy:\n%.400s", res.Data)
	}
}

// Labels drawn in parallel come out in row order, the same bytes as one
// worker draws.
func TestParallelKeepsOrder(t *testing.T) {
	t.Parallel()
	one := compile(t, "tspl", Spec{Label: []byte(design), Rows: rows(40), Counters: []Counter{{Name: "n", Step: 1}}, Workers: 1})
	many := compile(t, "tspl", Spec{Label: []byte(design), Rows: rows(40), Counters: []Counter{{Name: "n", Step: 1}}, Workers: 8})
	if !bytes.Equal(one.Data, many.Data) {
		t.Error("8 workers give other bytes than 1")
	}
}
