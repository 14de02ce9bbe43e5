package main

import "testing"

func TestParseVersion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw            string
		deb, win4, msi string
	}{
		{"v1.2.3", "1.2.3", "1.2.3.0", "1.2.3"},
		{"1.2", "1.2.0", "1.2.0.0", "1.2.0"},
		{"v1.2.3-4-gabc1234-dirty", "1.2.3+4.gabc1234.dirty", "1.2.3.4", "1.2.3"},
		{"v0.9.0-rc.1", "0.9.0+rc.1", "0.9.0.0", "0.9.0"},
		{"2a535f8", "0.0.0+git.2a535f8", "0.0.0.0", "0.0.0"},
		{"2a535f8-dirty", "0.0.0+git.2a535f8.dirty", "0.0.0.0", "0.0.0"},
		{"1234567", "0.0.0+git.1234567", "0.0.0.0", "0.0.0"}, // an all-digit hash is no version
		{"dev", "0.0.0+git.dev", "0.0.0.0", "0.0.0"},
		{"e2e test/1", "0.0.0+git.e2e.test.1", "0.0.0.0", "0.0.0"},
	}
	for _, tt := range tests {
		v, err := ParseVersion(tt.raw)
		if err != nil {
			t.Fatalf("ParseVersion(%q): %v", tt.raw, err)
		}
		if got := v.Deb(); got != tt.deb {
			t.Errorf("%q: Deb() = %q, want %q", tt.raw, got, tt.deb)
		}
		if got := v.Win4(); got != tt.win4 {
			t.Errorf("%q: Win4() = %q, want %q", tt.raw, got, tt.win4)
		}
		if got := v.MSI(); got != tt.msi {
			t.Errorf("%q: MSI() = %q, want %q", tt.raw, got, tt.msi)
		}
		if v.MSINext() <= v.MSI() {
			t.Errorf("%q: MSINext() = %q is not above %q", tt.raw, v.MSINext(), v.MSI())
		}
	}
	if _, err := ParseVersion("  "); err == nil {
		t.Error("ParseVersion of blanks: want an error")
	}
}
