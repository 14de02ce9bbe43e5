package raster

import (
	"strings"
	"testing"

	"github.com/labelbridge/labelbridge/printing/label"
)

// TestLayoutErrorsSpeakTheLabelsUnit: a layout error on an inch or dot
// label gives its lengths in inches or dots, not millimetres.
func TestLayoutErrorsSpeakTheLabelsUnit(t *testing.T) {
	t.Parallel()
	qr := label.Element{Type: "barcode", Symbology: "qr", Data: "x"}
	for _, tc := range []struct {
		name string
		l    label.Label
		want string
	}{
		{"mm", label.Label{Width: 50, Height: 30, Elements: []label.Element{withXSize(qr, 30, 25)}},
			"the barcode runs off the label: it ends at x = 53.7 mm and the label is 50.0 mm wide"},
		{"in", label.Label{Width: 2, Height: 1.2, Unit: "in", Elements: []label.Element{withXSize(qr, 1.2, 1)}},
			"the barcode runs off the label: it ends at x = 2.13 in and the label is 2.00 in wide"},
		{"dot", label.Label{Width: 400, Height: 240, Unit: "dot", Elements: []label.Element{withXSize(qr, 240, 200)}},
			"the barcode runs off the label: it ends at x = 429 dot and the label is 400 dot wide"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := tc.l
			err := l.Validate()
			if err == nil {
				_, err = Layout(t.Context(), &l, Options{})
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v\nwant %q", err, tc.want)
			}
			if ps := label.ProblemsOf(err); len(ps) != 1 || ps[0].Hint == "" {
				t.Errorf("problems %+v, want one with a hint", ps)
			}
		})
	}
}

func withXSize(e label.Element, x, size float64) label.Element {
	e.X, e.Size = x, size
	return e
}
