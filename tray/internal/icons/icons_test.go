package icons

import (
	"bytes"
	"flag"
	"image"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/labelbridge/labelbridge/assets"
)

var update = flag.Bool("update", false, "rewrite assets/icons (and the panel's favicon) from the drawing code")

// files maps each committed file (relative to the repository's assets
// folder) to the bytes the drawing code makes for it.
func files(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, st := range States {
		p, err := PNG(st, PNGSize)
		if err != nil {
			t.Fatal(err)
		}
		out["icons/"+st+".png"] = p
		ico, err := ICO(st)
		if err != nil {
			t.Fatal(err)
		}
		out["icons/"+st+".ico"] = ico
	}
	fav, err := PNG("idle", 32)
	if err != nil {
		t.Fatal(err)
	}
	out["panel/favicon.png"] = fav
	return out
}

func TestCommittedIconsAreUpToDate(t *testing.T) {
	want := files(t)
	if *update {
		for name, data := range want {
			path := filepath.Join("..", "..", "..", "assets", filepath.FromSlash(name))
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	roots := map[string]fs.FS{"icons": assets.Icons(), "panel": assets.Panel()}
	for name, data := range want {
		t.Run(name, func(t *testing.T) {
			dir, file := filepath.Split(name)
			got, err := fs.ReadFile(roots[filepath.Clean(dir)], file)
			if err != nil {
				t.Fatalf("%s is missing (run go test ./tray/internal/icons -update): %v", name, err)
			}
			if filepath.Ext(name) == ".ico" {
				if !bytes.Equal(got, data) {
					t.Fatalf("%s differs from the drawing code (run go test ./tray/internal/icons -update)", name)
				}
				return
			}
			// PNG bytes may differ between Go versions: compare pixels.
			a, b := decode(t, got), decode(t, data)
			if a.Bounds() != b.Bounds() {
				t.Fatalf("%s is %v, want %v", name, a.Bounds(), b.Bounds())
			}
			for y := 0; y < a.Bounds().Dy(); y++ {
				for x := 0; x < a.Bounds().Dx(); x++ {
					if a.At(x, y) != b.At(x, y) {
						t.Fatalf("%s differs at (%d,%d) (run go test ./tray/internal/icons -update)", name, x, y)
					}
				}
			}
		})
	}
}

func decode(t *testing.T, data []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func TestStatesLookDifferent(t *testing.T) {
	t.Parallel()
	// The state must be readable from the icon itself: the tile colour at a
	// corner pixel differs between states, and the attention badge is red.
	seen := map[[4]uint8]string{}
	for _, st := range States {
		img, err := Draw(st, 32)
		if err != nil {
			t.Fatal(err)
		}
		c := img.NRGBAAt(4, 16)
		key := [4]uint8{c.R, c.G, c.B, c.A}
		if other, dup := seen[key]; dup {
			t.Errorf("%s and %s have the same tile colour %v", st, other, key)
		}
		seen[key] = st
		if c.A != 255 {
			t.Errorf("%s: tile not opaque at (4,16): %v", st, c)
		}
		if img.NRGBAAt(0, 0).A == 255 {
			t.Errorf("%s: corner should be rounded (transparent)", st)
		}
	}
	att, _ := Draw("attention", 64)
	if c := att.NRGBAAt(56, 10); c.R < 200 || c.G > 80 {
		t.Errorf("attention badge not red at (56,10): %v", c)
	}
}

func TestICOStructure(t *testing.T) {
	t.Parallel()
	ico, err := ICO("idle")
	if err != nil {
		t.Fatal(err)
	}
	if got := int(ico[4]) | int(ico[5])<<8; got != len(ICOSizes) {
		t.Fatalf("ico has %d images, want %d", got, len(ICOSizes))
	}
	for i, size := range ICOSizes {
		e := ico[6+16*i:]
		if int(e[0]) != size%256 {
			t.Errorf("entry %d width %d, want %d", i, e[0], size)
		}
		n := int(e[8]) | int(e[9])<<8 | int(e[10])<<16 | int(e[11])<<24
		off := int(e[12]) | int(e[13])<<8 | int(e[14])<<16 | int(e[15])<<24
		if off+n > len(ico) {
			t.Fatalf("entry %d runs past the file", i)
		}
		if want := 40 + size*size*4 + (size+31)/32*4*size; n != want {
			t.Errorf("entry %d is %d bytes, want %d", i, n, want)
		}
	}
}

func TestUnknownState(t *testing.T) {
	t.Parallel()
	if _, err := Draw("sleeping", 16); err == nil {
		t.Fatal("want an error naming the unknown state")
	}
}
