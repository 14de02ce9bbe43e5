package media

import (
	"math"
	"strings"
	"testing"
)

func ptr[T any](v T) *T { return &v }

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		s    Settings
		want string // "" = valid
	}{
		{Settings{}, ""},
		{Settings{Darkness: ptr(30), Speed: ptr(14.0), Media: Gap, Gap: ptr(3.0), Method: Transfer, Offset: &Offset{-5, 5}, PrintWidth: ptr(72.0)}, ""},
		{Settings{Darkness: ptr(-1)}, "p.darkness: -1 is out of range (0–30)"},
		{Settings{Speed: ptr(15.0)}, "p.speed: 15 is out of range (1–14 inches per second)"},
		{Settings{Media: "paper"}, `p.media: "paper" is not one of gap, mark, continuous`},
		{Settings{Media: Mark, Gap: ptr(2.0)}, `p.gap: applies to media "gap" only (media is "mark")`},
		{Settings{MarkHeight: ptr(2.0)}, `p.markHeight: applies to media "mark" only`},
		{Settings{Media: Mark, MarkHeight: ptr(0.0)}, `p.markHeight: 0 mm is out of range`},
		{Settings{Method: "ink"}, `p.method: "ink" is not one of direct, transfer`},
		{Settings{Offset: &Offset{X: 101}}, `p.offset.x: 101 mm is out of range (±100 mm)`},
		{Settings{PrintWidth: ptr(0.0)}, `p.printWidth: 0 mm is out of range`},
		{Settings{LabelWidth: ptr(100.0), LabelHeight: ptr(150.0)}, ""},
		{Settings{LabelWidth: ptr(4.0), LabelHeight: ptr(6.0), Unit: UnitIn}, ""},
		{Settings{LabelWidth: ptr(812.0), LabelHeight: ptr(1218.0), Unit: UnitDot}, ""},
		{Settings{LabelWidth: ptr(2000.0), LabelHeight: ptr(78.74), Unit: UnitMM}, ""},
		{Settings{LabelWidth: ptr(100.0)}, "p.labelHeight: required with labelWidth"},
		{Settings{LabelHeight: ptr(100.0), Unit: UnitIn}, "p.labelWidth: required with labelHeight"},
		{Settings{Unit: UnitIn}, "p.unit: is the unit of labelWidth and labelHeight: set them too"},
		{Settings{LabelWidth: ptr(4.0), LabelHeight: ptr(6.0), Unit: "cm"}, `p.unit: "cm" is not one of mm, in, dot`},
		{Settings{LabelWidth: ptr(0.0), LabelHeight: ptr(6.0)}, "p.labelWidth: 0 mm is out of range (more than 0, at most 2000 mm)"},
		{Settings{LabelWidth: ptr(4.0), LabelHeight: ptr(-6.0), Unit: UnitIn}, "p.labelHeight: -6 in is out of range (more than 0, at most 78.7402 in)"},
		{Settings{LabelWidth: ptr(79.0), LabelHeight: ptr(6.0), Unit: UnitIn}, "p.labelWidth: 79 in is out of range"},
		{Settings{LabelWidth: ptr(4.0), LabelHeight: ptr(47245.0), Unit: UnitDot}, "p.labelHeight: 47245 dot is out of range (more than 0, at most 47244 dot)"},
		{Settings{LabelWidth: ptr(math.NaN()), LabelHeight: ptr(6.0)}, "p.labelWidth: NaN mm is out of range"},
		{Settings{LabelWidth: ptr(math.Inf(1)), LabelHeight: ptr(6.0)}, "p.labelWidth: +Inf mm is out of range"},
	}
	for _, tt := range tests {
		err := tt.s.Validate("p.")
		if (err == nil) != (tt.want == "") || err != nil && !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%+v: got %v, want %q", tt.s, err, tt.want)
		}
	}
}

func TestMerge(t *testing.T) {
	t.Parallel()
	base := Settings{Darkness: ptr(10), Speed: ptr(4.0), Media: Gap, Gap: ptr(3.0), Method: Direct}
	got := Merge(base, Settings{Darkness: ptr(20), Media: Mark, MarkHeight: ptr(4.0)})
	if *got.Darkness != 20 || *got.Speed != 4 || got.Media != Mark || got.Gap != nil || *got.MarkHeight != 4 || got.Method != Direct {
		t.Errorf("Merge = %+v", got)
	}
	if got := Merge(base, Settings{}); *got.Gap != 3 || got.Media != Gap {
		t.Errorf("Merge with nothing = %+v", got)
	}
	if !(Settings{}).IsZero() || base.IsZero() {
		t.Error("IsZero")
	}
	if (Settings{Unit: UnitIn}).IsZero() || (Settings{LabelWidth: ptr(1.0)}).IsZero() {
		t.Error("IsZero with only a label size field")
	}
	sized := Merge(Settings{LabelWidth: ptr(4.0), LabelHeight: ptr(6.0), Unit: UnitIn}, Settings{Darkness: ptr(5)})
	if w, h, unit, ok := sized.LabelSize(); !ok || w != 4 || h != 6 || unit != UnitIn {
		t.Errorf("Merge keeps the printer's label size: %v×%v %s %v", w, h, unit, ok)
	}
	over := Merge(sized, Settings{LabelWidth: ptr(50.0), LabelHeight: ptr(30.0)})
	if w, h, unit, _ := over.LabelSize(); w != 50 || h != 30 || unit != UnitMM {
		t.Errorf("a label size over another takes its unit along: %v×%v %s", w, h, unit)
	}
	if _, _, _, ok := (Settings{LabelWidth: ptr(1.0)}).LabelSize(); ok {
		t.Error("LabelSize with one side")
	}
}

func TestScales(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ d, top, want int }{{0, 15, 0}, {30, 15, 15}, {21, 15, 11}, {15, 15, 8}, {30, 30, 30}} {
		if got := ScaleDarkness(c.d, c.top); got != c.want {
			t.Errorf("ScaleDarkness(%d, %d) = %d, want %d", c.d, c.top, got, c.want)
		}
	}
	if Dots(72, 203) != 576 || Dots(25.4, 300) != 300 {
		t.Errorf("Dots: 72 mm at 203 = %d, 1 in at 300 = %d", Dots(72, 203), Dots(25.4, 300))
	}
}

func TestCalibrateCommand(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ lang, media, want string }{
		{"zpl", "", "~JC\n"}, {"tspl", Gap, "GAPDETECT\r\n"}, {"tspl", Mark, "BLINEDETECT\r\n"}, {"epl", "", "\nxa\n"},
	} {
		if got, err := CalibrateCommand(c.lang, c.media); err != nil || string(got) != c.want {
			t.Errorf("%s/%s: %q, %v", c.lang, c.media, got, err)
		}
	}
	for _, lang := range []string{"escpos", "pcl"} {
		if _, err := CalibrateCommand(lang, ""); err == nil || !strings.Contains(err.Error(), "calibrat") {
			t.Errorf("%s: %v", lang, err)
		}
	}
}
