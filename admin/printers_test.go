package admin

import (
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/printing/label"
)

func TestTestLabelIsAValidLabel(t *testing.T) {
	t.Parallel()
	for _, p := range []printing.Printer{
		{ID: "virtual", Name: "Virtual printer", Language: "zpl", DPI: 203},
		{ID: "usb:1", Name: "상품 라벨 프린터 with a very long name that goes on and on", Language: "tspl", DPI: 300},
		{ID: "net:x"},
	} {
		raw := testLabel(p, time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC))
		if _, err := label.Parse(raw); err != nil {
			t.Errorf("test label for %s: %v\n%s", p.ID, err, raw)
		}
	}
}

func TestNormalizeAddress(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"10.0.0.5": "10.0.0.5:9100", " printer.local:9101 ": "printer.local:9101", "[fe80::1]:9100": "[fe80::1]:9100",
		"fe80::2": "", "": "", "a b": "", "host:0": "", "http://x": "",
	} {
		got, err := normalizeAddress(in)
		if want == "" && in == "fe80::2" {
			// A bare IPv6 address is taken as a host.
			if err != nil || got != "[fe80::2]:9100" {
				t.Errorf("normalizeAddress(%q) = %q, %v", in, got, err)
			}
			continue
		}
		if (err != nil) != (want == "") || got != want {
			t.Errorf("normalizeAddress(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}
