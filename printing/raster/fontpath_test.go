package raster

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/image/font/gofont/gomono"
)

// TestLabelFontFiles: a label's font file is used only when it is one of
// the configured font paths or inside the OS's font folders; a file
// elsewhere (a page's download) is skipped like a font that is not
// installed, and never read.
func TestLabelFontFiles(t *testing.T) {
	t.Parallel()
	planted := filepath.Join(t.TempDir(), "Downloads", "planted.ttf")
	if err := os.MkdirAll(filepath.Dir(planted), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(planted, gomono.TTF, 0o644); err != nil {
		t.Fatal(err)
	}
	installed := "/usr/share/fonts/truetype/nanum/NanumGothic.ttf"
	if _, err := os.Stat(installed); err != nil {
		t.Fatalf("the suite installs fonts-nanum: %v", err)
	}
	for _, tc := range []struct {
		name, font string
		configured []string
		want       string // the path of the face that draws 'A'; "" for any other
	}{
		{"a planted file is skipped", planted, nil, ""},
		{"a configured file is used", planted, []string{planted}, planted},
		{"a file in the font folders is used", installed, nil, installed},
		{"a bare file name is looked up in the font folders", "NanumGothic.ttf", nil, installed},
		{"dot-dot out of the font folders is skipped", "/usr/share/fonts/../../.." + planted, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := NewFontSet(tc.font, tc.configured).FaceFor('A')
			if f == nil {
				t.Fatal("no face for A")
			}
			switch {
			case tc.want != "" && f.Path != tc.want:
				t.Errorf("A drawn by %s, want %s", f.Path, tc.want)
			case tc.want == "" && f.Path == planted:
				t.Errorf("A drawn by the planted file %s", f.Path)
			}
		})
	}
}
