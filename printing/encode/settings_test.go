package encode

import (
	"bytes"
	"strings"
	"testing"

	"github.com/labelbridge/labelbridge/printing/label"
	"github.com/labelbridge/labelbridge/printing/media"
)

func parse(t *testing.T, js string) *label.Label {
	t.Helper()
	l, err := label.Parse([]byte(js))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

const settingsLabel = `{"width":50,"height":30,"darkness":21,"speed":4,"media":"%s","gap":2.5,"method":"transfer",
	"offset":{"x":1,"y":2},"printWidth":48,"elements":[{"type":"box","x":1,"y":1,"width":10,"height":10}]}`

// Every language's settings commands, checked against the manuals' forms
// (see docs/labels.md#printer-and-media-settings for the references).
func TestSettingsCommands(t *testing.T) {
	t.Parallel()
	gap := strings.Replace(settingsLabel, "%s", "gap", 1)
	tests := []struct {
		lang, label, want string
	}{
		{"zpl", gap, "~SD21\n^XA\n^CI28\n^MNY\n^MTT\n^PR4\n^PW384\n^LL240\n^LH8,16\n"},
		{"tspl", gap, "SIZE 50 mm,30 mm\r\nGAP 2.5 mm,0 mm\r\nDENSITY 11\r\nSPEED 4\r\nSET RIBBON ON\r\nREFERENCE 8,16\r\nCLS\r\n"},
		{"epl", gap, "\nN\nq384\nQ240,20\nD11\nS4\nO\nR8,16\n"},
		{"zpl", `{"width":50,"height":30,"media":"mark","markHeight":4,"method":"direct","offset":{"x":-2,"y":-1},"elements":[]}`,
			"^XA\n^CI28\n^MNM\n^MTD\n^PW400\n^LL240\n^LH0,0\n^LS16\n^LT-8\n"},
		{"tspl", `{"width":50,"height":30,"media":"mark","markHeight":4,"method":"direct","offset":{"x":0,"y":-1},"elements":[]}`,
			"SIZE 50 mm,30 mm\r\nBLINE 4 mm,0 mm\r\nSET RIBBON OFF\r\nSHIFT -8\r\nCLS\r\n"},
		{"epl", `{"width":50,"height":30,"media":"mark","markHeight":4,"speed":1.6,"method":"direct","elements":[]}`,
			"\nN\nq400\nQ240,B32\nS1\nOD\n"},
		{"tspl", `{"width":50,"height":30,"media":"continuous","darkness":30,"elements":[]}`,
			"SIZE 50 mm,30 mm\r\nGAP 0 mm,0 mm\r\nDENSITY 15\r\nCLS\r\n"},
		{"epl", `{"width":50,"height":30,"media":"continuous","darkness":0,"elements":[]}`, "\nN\nq400\nQ240,0\nD0\n"},
		// v1 labels: no settings commands; EPL now also sends the length.
		{"zpl", `{"width":50,"height":30,"elements":[]}`, "^XA\n^CI28\n^PW400\n^LL240\n^LH0,0\n^PQ1"},
		{"tspl", `{"width":50,"height":30,"elements":[]}`, "SIZE 50 mm,30 mm\r\nCLS\r\n"},
		{"epl", `{"width":50,"height":30,"elements":[]}`, "\nN\nq400\nQ240,24\nP1"},
	}
	for _, tt := range tests {
		out, err := Label(t.Context(), parse(t, tt.label), tt.lang, Options{})
		if err != nil {
			t.Errorf("%s %s: %v", tt.lang, tt.label, err)
			continue
		}
		if !bytes.HasPrefix(out, []byte(tt.want)) {
			t.Errorf("%s %s:\n got %q\nwant %q…", tt.lang, tt.label, out[:min(len(out), len(tt.want)+20)], tt.want)
		}
	}
}

// A label's settings override its printer's, field by field; lengths in
// the label's unit are converted.
func TestSettingsMergeOverPrinter(t *testing.T) {
	t.Parallel()
	d, sp := 10, 3.0
	printer := media.Settings{Darkness: &d, Speed: &sp, Media: media.Gap, Method: media.Direct}
	l := parse(t, `{"width":2,"height":1,"unit":"in","darkness":25,"media":"mark","markHeight":0.1,"elements":[]}`)
	l.ResolveMedia(printer)
	out, err := Label(t.Context(), l, "zpl", Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := "~SD25\n^XA\n^CI28\n^MNM\n^MTD\n^PR3\n"
	if !bytes.HasPrefix(out, []byte(want)) {
		t.Errorf("got %q, want %q…", out[:60], want)
	}
	tl := parse(t, `{"width":2,"height":1,"unit":"in","media":"mark","markHeight":0.1,"elements":[]}`)
	out, _ = Label(t.Context(), tl, "tspl", Options{})
	if !bytes.Contains(out, []byte("BLINE 2.54 mm,0 mm")) {
		t.Errorf("mark height in inches: %q", out)
	}
}

func TestSettingsErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ label, want string }{
		{`{"width":50,"height":30,"darkness":31,"elements":[]}`, "darkness: 31 is out of range (0–30)"},
		{`{"width":50,"height":30,"speed":0.5,"elements":[]}`, "speed: 0.5 is out of range"},
		{`{"width":50,"height":30,"media":"roll","elements":[]}`, `media: "roll" is not one of gap, mark, continuous`},
		{`{"width":50,"height":30,"media":"continuous","gap":3,"elements":[]}`, `gap: applies to media "gap" only`},
		{`{"width":50,"height":30,"markHeight":3,"elements":[]}`, `markHeight: applies to media "mark" only`},
		{`{"width":50,"height":30,"method":"laser","elements":[]}`, `method: "laser" is not one of direct, transfer`},
		{`{"width":50,"height":30,"offset":{"x":1,"z":2},"elements":[]}`, `offset.z: unknown field`},
		{`{"width":50,"height":30,"offset":[1,2],"elements":[]}`, `offset: must be an object`},
		{`{"width":50,"height":30,"printWidth":-1,"elements":[]}`, `printWidth: -1 mm is out of range`},
		{`{"width":50,"height":30,"darkness":"high","elements":[]}`, `darkness: must be a number`},
	}
	for _, tt := range tests {
		_, err := label.Parse([]byte(tt.label))
		if label.ReasonOf(err) != label.ReasonInvalid || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want %q", tt.label, err, tt.want)
		}
	}
	// Offsets a language cannot send are errors naming the field.
	if _, err := Label(t.Context(), parse(t, `{"width":50,"height":30,"offset":{"x":0,"y":-20},"elements":[]}`), "zpl", Options{}); err == nil ||
		!strings.Contains(err.Error(), "offset.y: ZPL moves a label up by at most 120 dots") {
		t.Errorf("ZPL ^LT range: %v", err)
	}
	if _, err := Label(t.Context(), parse(t, `{"width":50,"height":30,"offset":{"x":-1,"y":0},"elements":[]}`), "epl", Options{}); err == nil ||
		!strings.Contains(err.Error(), "offset: EPL2 moves a label only right and down") {
		t.Errorf("EPL negative offset: %v", err)
	}
}

// ESC/POS prints at most the printable width (72 mm = 576 dots at 203 dpi
// by default): an element beyond it is an error naming it; blank label
// width beyond it is clipped from every raster row.
func TestESCPOSPrintableWidth(t *testing.T) {
	t.Parallel()
	wide := `{"width":80,"height":20,"elements":[{"type":"box","x":70,"y":1,"width":9,"height":9,"thickness":9}]}`
	_, err := Label(t.Context(), parse(t, wide), "escpos", Options{})
	if label.ReasonOf(err) != label.ReasonInvalid || !strings.Contains(err.Error(),
		"elements[0]: the box ends at x = 631 dots (78.9 mm), beyond the printer's printable width of 576 dots (72 mm)") {
		t.Errorf("beyond 72 mm: %v", err)
	}
	wider := strings.Replace(wide, `"height":20,`, `"height":20,"printWidth":80,`, 1)
	if _, err := Label(t.Context(), parse(t, wider), "escpos", Options{}); err != nil {
		t.Errorf("printWidth 80: %v", err)
	}
	// A full-width black bar on a 100 mm label with printWidth 72: rows of
	// 72 bytes, never 100 mm's 100.
	bar := `{"width":100,"height":10,"printWidth":72,"elements":[{"type":"box","x":0,"y":0,"width":71.9,"height":5,"thickness":5}]}`
	out, err := Label(t.Context(), parse(t, bar), "escpos", Options{})
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(out, []byte{0x1d, 0x76, 0x30, 0})
	if i < 0 || int(out[i+4])|int(out[i+5])<<8 != 72 {
		t.Errorf("raster row width = %v bytes, want 72", out[i+4:i+6])
	}
}
