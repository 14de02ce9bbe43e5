package label

import (
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// TestSDKElementTypes: the SDK's element interfaces (sdk/dist, built
// from sdk/src/label.ts) name exactly the fields Parse accepts for each
// element type, so the typed SDK and the model cannot drift apart.
func TestSDKElementTypes(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile("../../sdk/dist/labelbridge.d.ts")
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{TypeText: "TextElement", TypeBarcode: "BarcodeElement", TypeLine: "LineElement",
		TypeBox: "BoxElement", TypeEllipse: "EllipseElement", TypeImage: "ImageElement"}
	field := regexp.MustCompile(`(?m)^\s+(\w+)\??:`)
	for typ, want := range elementFields {
		iface, ok := names[typ]
		if !ok {
			t.Errorf("element type %q has no SDK interface", typ)
			continue
		}
		start := strings.Index(string(src), "interface "+iface+" {")
		if start < 0 {
			t.Errorf("labelbridge.d.ts has no interface %s (run make sdk)", iface)
			continue
		}
		body := string(src[start:])
		body = body[:strings.Index(body, "\n}")]
		var got []string
		for _, m := range field.FindAllStringSubmatch(body, -1) {
			got = append(got, m[1])
		}
		w := append([]string(nil), want...)
		sort.Strings(got)
		sort.Strings(w)
		if strings.Join(got, " ") != strings.Join(w, " ") {
			t.Errorf("%s has %v; Parse accepts %v", iface, got, w)
		}
	}
}
