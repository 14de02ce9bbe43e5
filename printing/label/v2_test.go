package label

import (
	"errors"
	"strings"
	"testing"
)

// parseOne parses a 100×60 mm label holding one element (JSON).
func parseOne(el string) (*Label, error) {
	return Parse([]byte(`{"width":100,"height":60,"elements":[` + el + `]}`))
}

// TestV2Validation: every v2 element field refuses bad values with an
// error naming the element and the field.
func TestV2Validation(t *testing.T) {
	t.Parallel()
	txt := `{"type":"text","x":1,"y":1,"text":"A","size":3,`
	box := `{"type":"box","x":1,"y":1,"width":20,"height":10,`
	bc := `{"type":"barcode","x":1,"y":1,`
	for _, c := range []struct {
		el, field, msg string
	}{
		{txt + `"width":-1}`, "width", "negative"},
		{txt + `"height":5}`, "height", "needs width"},
		{txt + `"width":200}`, "width", "off the label"},
		{txt + `"width":20,"height":100}`, "height", "off the label"},
		{txt + `"width":20,"wrap":"line"}`, "wrap", "unknown wrap"},
		{txt + `"wrap":"char"}`, "wrap", "needs width"},
		{txt + `"width":20,"align":"middle"}`, "align", "unknown align"},
		{txt + `"align":"right"}`, "align", "needs width"},
		{txt + `"width":20,"verticalAlign":"center"}`, "verticalAlign", "unknown verticalAlign"},
		{txt + `"width":20,"verticalAlign":"bottom"}`, "verticalAlign", "needs height"},
		{txt + `"width":20,"maxLines":-1}`, "maxLines", "out of range"},
		{txt + `"width":20,"maxLines":201}`, "maxLines", "out of range"},
		{txt + `"width":20,"maxLines":1.5}`, "maxLines", ""},
		{txt + `"width":20,"overflow":"clip"}`, "overflow", "unknown overflow"},
		{txt + `"width":20,"minSize":1}`, "minSize", "shrink"},
		{txt + `"width":20,"overflow":"shrink","minSize":4}`, "minSize", "larger than size"},
		{txt + `"width":20,"overflow":"shrink","minSize":-1}`, "minSize", "negative"},
		{txt + `"width":20,"lineSpacing":11}`, "lineSpacing", "out of range"},
		{txt + `"width":20,"lineSpacing":-0.5}`, "lineSpacing", "out of range"},
		{txt + `"width":20,"bold":"yes"}`, "bold", ""},
		{txt + `"width":20,"reverse":1}`, "reverse", ""},
		{txt + `"width":20,"padding":1}`, "padding", "reverse text only"},
		{txt + `"width":20,"reverse":true,"padding":-1}`, "padding", "negative"},
		{txt + `"width":20,"rotation":90}`, "rotation", "cannot be rotated"},
		{txt + `"fill":"black"}`, "fill", "unknown field"},
		{box + `"fill":"red"}`, "fill", "unknown fill"},
		{box + `"radius":-1}`, "radius", "negative"},
		{box + `"radius":6}`, "radius", "half the box"},
		{box + `"reverse":true,"fill":"black"}`, "reverse", "either reverse or fill"},
		{box + `"bearer":true}`, "bearer", "unknown field"},
		{`{"type":"ellipse","x":1,"y":1,"width":10,"height":10,"fill":"grey"}`, "fill", "unknown fill"},
		{`{"type":"ellipse","x":1,"y":1,"width":10,"height":10,"radius":2}`, "radius", "unknown field"},
		{bc + `"symbology":"code128","data":"A","bearer":true}`, "bearer", "itf14 only"},
		{bc + `"symbology":"qr","data":"A","columns":3}`, "columns", "pdf417 only"},
		{bc + `"symbology":"pdf417","data":"A","columns":31}`, "columns", "out of range"},
		{bc + `"symbology":"pdf417","data":"A","ecc":9}`, "ecc", "security level"},
		{bc + `"symbology":"pdf417","data":"A","ecc":"H"}`, "ecc", "security level"},
		{bc + `"symbology":"qr","data":"A","ecc":"X"}`, "ecc", "QR error correction"},
		{bc + `"symbology":"qr","data":"A","ecc":2.5}`, "ecc", ""},
		{bc + `"symbology":"aztec","data":"A","ecc":99}`, "ecc", "Aztec"},
		{bc + `"symbology":"datamatrix","data":"A","ecc":140}`, "ecc", "ECC 200"},
		{bc + `"symbology":"code128","data":"A","ecc":"M"}`, "ecc", "does not apply"},
		{bc + `"symbology":"gs1-128","data":"0109501101530003"}`, "data", "AI syntax"},
		{bc + `"symbology":"gs1-128","data":"(01)09501101530004"}`, "data", "check digit should be 3"},
		{bc + `"symbology":"gs1-128","data":"(00)38012345123456789(421)410(10)ABCDEFGHIJ(21)XYZ1234567"}`, "data", "at most 48"},
		{bc + `"symbology":"gs1-datamatrix","data":"(99)"}`, "data", "no value"},
		{bc + `"symbology":"ean8","data":"123"}`, "data", ""},
		{bc + `"symbology":"ean8","data":"96385075"}`, "data", "check digit"},
		{bc + `"symbology":"upce","data":"2123456"}`, "data", "number system"},
		{bc + `"symbology":"upce","data":"01234567"}`, "data", "check digit should be 5"},
		{bc + `"symbology":"upce","data":"12345"}`, "data", "6, 7 or 8 digits"},
		{bc + `"symbology":"itf14","data":"154001412887"}`, "data", ""},
		{bc + `"symbology":"codabar","data":"A12X4B"}`, "data", "Codabar takes"},
		{bc + `"symbology":"codabar","data":"A1234"}`, "data", "start and stop"},
		{bc + `"symbology":"pdf417","data":"한글"}`, "data", "Latin-1"},
		{bc + `"symbology":"maxicode","data":"A"}`, "symbology", "gs1-128"},
	} {
		_, err := parseOne(c.el)
		var le *Error
		if !errors.As(err, &le) {
			t.Errorf("%s: error %v, want a label error", c.el, err)
			continue
		}
		if le.Field != "elements[0]."+c.field || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s:\n got %q (field %q)\nwant field elements[0].%s and %q", c.el, err, le.Field, c.field, c.msg)
		}
	}
}

// TestV2Valid: the v2 fields' good values parse.
func TestV2Valid(t *testing.T) {
	t.Parallel()
	for _, el := range []string{
		`{"type":"text","x":1,"y":1,"text":"A","size":3,"width":50,"height":20,"wrap":"char","align":"justify","verticalAlign":"middle","maxLines":3,"overflow":"shrink","minSize":1.5,"lineSpacing":1.2,"bold":true,"reverse":true,"padding":1}`,
		`{"type":"text","x":1,"y":1,"text":"A","size":3,"bold":true}`,
		`{"type":"box","x":1,"y":1,"width":20,"height":10,"radius":5,"fill":"white"}`,
		`{"type":"box","x":1,"y":1,"width":20,"height":10,"reverse":true}`,
		`{"type":"ellipse","x":1,"y":1,"width":20,"height":10,"thickness":1,"fill":"black"}`,
		`{"type":"barcode","x":1,"y":1,"symbology":"itf14","data":"15400141288763","bearer":true}`,
		`{"type":"barcode","x":1,"y":1,"symbology":"pdf417","data":"A","columns":4,"ecc":5}`,
		`{"type":"barcode","x":1,"y":1,"symbology":"qr","data":"A","ecc":"h"}`,
		`{"type":"barcode","x":1,"y":1,"symbology":"aztec","data":"A","ecc":33}`,
		`{"type":"barcode","x":1,"y":1,"symbology":"codabar","data":"C12-34D"}`,
	} {
		if _, err := parseOne(el); err != nil {
			t.Errorf("%s: %v", el, err)
		}
	}
}

// TestGS1 parses AI syntax: the table's lengths and character sets, check
// digits added or verified, and FNC1 placement.
func TestGS1(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in, text, element, err string
	}{
		{in: "(00)38012345123456789", text: "(00)380123451234567891", element: "#00380123451234567891"},
		{in: "(00)380123451234567891(421)410", text: "(00)380123451234567891(421)410", element: "#00380123451234567891421410"},
		{in: "(10)A)", text: "(10)A)", element: "#10A)"},
		{in: "(01)0950110153000(10)AB12", text: "(01)09501101530003(10)AB12", element: "#010950110153000310AB12"},
		{in: "(10)AB12(17)251231", text: "(10)AB12(17)251231", element: "#10AB12#17251231"},
		{in: "(21)X1(91)Y2(3103)001250", text: "(21)X1(91)Y2(3103)001250", element: "#21X1#91Y2#3103001250"},
		{in: "(3103)001250(10)L1", text: "(3103)001250(10)L1", element: "#310300125010L1"},
		{in: "(410)123456789012", text: "(410)1234567890128", element: "#4101234567890128"},
		{in: "(8004)ABC-1/2", text: "(8004)ABC-1/2", element: "#8004ABC-1/2"},
		{in: "01095011015300", err: "AI syntax"},
		{in: "(01)09501101530004", err: "check digit should be 3"},
		{in: "(01)095011015", err: "needs 14 digits"},
		{in: "(01)0950110153000X", err: "digits only"},
		{in: "(11)2512", err: "needs 6 characters"},
		{in: "(10)ABCDEFGHIJKLMNOPQRSTU", err: "at most 20"},
		{in: "(10)AB CD", err: "does not allow"},
		{in: "(10)한", err: "does not allow"},
		{in: "(77)X", err: "unknown or unsupported AI (77)"},
		{in: "(3999)1", err: "unknown"},
		{in: "(10", err: "unclosed"},
		{in: "(10)", err: "no value"},
		{in: "(91)" + strings.Repeat("A", 90) + "(92)" + strings.Repeat("B", 90) + "(93)" + strings.Repeat("C", 30), err: "the limit is 200"},
	} {
		fields, err := ParseGS1(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: error %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if got := GS1Text(fields); got != c.text {
			t.Errorf("%q: text %q, want %q", c.in, got, c.text)
		}
		if got := GS1Element(fields, "#"); got != c.element {
			t.Errorf("%q: element %q, want %q", c.in, got, c.element)
		}
	}
}

func TestUPCE(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, out, upca string }{
		{"123456", "01234565", "01234500006"},
		{"0123456", "01234565", "01234500006"},
		{"1123456", "11234562", "11234500006"},
		{"0123453", "01234531", "01230000045"},
		{"0123454", "01234543", "01234000005"},
		{"0123450", "01234505", "01200000345"},
	} {
		got, err := NormalizeData(UPCE, c.in)
		if err != nil || got != c.out {
			t.Errorf("%s: %q, %v; want %q", c.in, got, err, c.out)
			continue
		}
		if a := UPCEToUPCA(got[:7]); a != c.upca {
			t.Errorf("%s: UPC-A %s, want %s", c.in, a, c.upca)
		}
		if CheckDigit(c.upca) != int(got[7]-'0') {
			t.Errorf("%s: check digit %c is not the UPC-A's", c.in, got[7])
		}
	}
}

// FuzzV2 throws arbitrary values at the v2 element fields and the GS1
// parser: Parse and ParseGS1 return a value or an error, never panic, and
// what parses again round-trips.
func FuzzV2(f *testing.F) {
	f.Add(`"width":30,"align":"justify","maxLines":2,"overflow":"ellipsis"`, "(01)09501101530003(10)AB", "gs1-128", "M")
	f.Add(`"width":30,"height":5,"overflow":"shrink","minSize":1,"verticalAlign":"bottom"`, "(00)38012345123456789(421)410", "gs1-datamatrix", "200")
	f.Add(`"width":30,"reverse":true,"padding":2,"bold":true,"wrap":"char"`, "1540014128876", "itf14", "")
	f.Add(`"lineSpacing":3`, "PDF417", "pdf417", "8")
	f.Add(`"width":1e308`, "A1234B", "codabar", "H")
	f.Fuzz(func(t *testing.T, textFields, data, symbology, ecc string) {
		for _, el := range []string{
			`{"type":"text","x":1,"y":1,"text":"A b","size":3,` + textFields + `}`,
			`{"type":"barcode","x":1,"y":1,"symbology":` + quoteJSON(symbology) + `,"data":` + quoteJSON(data) + `,"ecc":` + quoteJSON(ecc) + `}`,
			`{"type":"box","x":1,"y":1,"width":20,"height":10,` + textFields + `}`,
		} {
			l, err := parseOne(el)
			if err != nil {
				var le *Error
				if !errors.As(err, &le) || le.Msg == "" {
					t.Fatalf("%s: not a label error: %v", el, err)
				}
				continue
			}
			if err := l.Validate(); err != nil {
				t.Fatalf("%s: parsed but does not validate again: %v", el, err)
			}
		}
		fields, err := ParseGS1(data)
		if err != nil {
			return
		}
		again, err := ParseGS1(GS1Text(fields))
		if err != nil || GS1Text(again) != GS1Text(fields) {
			t.Fatalf("%q: normalised %q does not parse to itself: %v", data, GS1Text(fields), err)
		}
		if e := GS1Element(fields, "\x1d"); !strings.HasPrefix(e, "\x1d") {
			t.Fatalf("%q: element string %q does not start with FNC1", data, e)
		}
	})
}

func quoteJSON(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20:
			b.WriteString(`\u00`)
			b.WriteByte("0123456789abcdef"[r>>4])
			b.WriteByte("0123456789abcdef"[r&15])
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
