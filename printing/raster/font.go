package raster

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// Face is one parsed font face (a file, or one face of a collection).
type Face struct {
	Font     *sfnt.Font
	Path     string  // file it came from ("builtin:go" for the embedded Go font)
	Name     string  // full name, e.g. "NanumGothic"
	capRatio float64 // cap height / em
}

// fontSource is a place a face may come from: a file (with an optional
// preferred face name inside a collection) or an embedded font.
type fontSource struct {
	path   string // file path or "builtin:…"
	prefer string // face name to prefer in a collection ("" = first)
}

var builtinFonts = map[string][]byte{
	"builtin:go":     goregular.TTF,
	"builtin:gomono": gomono.TTF,
}

// BuiltinFont is the font that is always available (Go Regular: Latin,
// Greek, Cyrillic). It draws barcode human-readable lines, so raster output
// of barcodes never depends on the machine's fonts.
const BuiltinFont = "builtin:go"

// maxFontFile is the largest font file read.
const maxFontFile = 128 << 20

// fontCache holds font files parsed so far (each is parsed once while it
// stays cached). Paths may come from labels, so it is bounded.
var fontCache = struct {
	sync.Mutex
	files *capped[string, *loadedFile]
}{files: newCapped[string, *loadedFile](maxCachedFonts)}

// Cache bounds for font look-ups (labels choose family names and paths, so
// every cache keyed by them is capped).
const (
	maxCachedFonts    = 64   // parsed font files
	maxCachedFamilies = 512  // family name → files
	maxCachedRunes    = 4096 // rune → fallback file
	maxIndexedFonts   = 50000
	maxFCListBytes    = 32 << 20
)

type loadedFile struct {
	once  sync.Once
	faces []*Face
	err   error
}

// loadFile parses a font file (or collection) once and returns its faces.
func loadFile(path string) ([]*Face, error) {
	fontCache.Lock()
	lf, ok := fontCache.files.get(path)
	if !ok {
		lf = &loadedFile{}
		fontCache.files.put(path, lf)
	}
	fontCache.Unlock()
	lf.once.Do(func() { lf.faces, lf.err = parseFontFile(path) })
	return lf.faces, lf.err
}

func parseFontFile(path string) ([]*Face, error) {
	data, ok := builtinFonts[path]
	if !ok {
		// Font paths may come from a web page: only regular font files of a
		// sane size are read.
		switch strings.ToLower(filepath.Ext(path)) {
		case ".ttf", ".otf", ".ttc", ".otc":
		default:
			return nil, fmt.Errorf("%s: not a font file (.ttf, .otf, .ttc, .otc)", path)
		}
		st, err := os.Stat(path)
		if err != nil {
			return nil, err
		}
		if !st.Mode().IsRegular() || st.Size() > maxFontFile {
			return nil, fmt.Errorf("%s: not a regular file of at most %d MB", path, maxFontFile>>20)
		}
		data, err = os.ReadFile(path)
		if err != nil {
			return nil, err
		}
	}
	coll, err := sfnt.ParseCollection(data)
	if err != nil {
		return nil, fmt.Errorf("parse font %s: %w", path, err)
	}
	var faces []*Face
	var buf sfnt.Buffer
	for i := 0; i < coll.NumFonts(); i++ {
		f, err := coll.Font(i)
		if err != nil {
			continue
		}
		name, _ := f.Name(&buf, sfnt.NameIDFull)
		if name == "" {
			name, _ = f.Name(&buf, sfnt.NameIDFamily)
		}
		faces = append(faces, &Face{Font: f, Path: path, Name: name, capRatio: capRatio(f, &buf)})
	}
	if len(faces) == 0 {
		return nil, fmt.Errorf("font %s has no usable faces", path)
	}
	return faces, nil
}

// capRatio returns the font's cap height as a fraction of its em.
func capRatio(f *sfnt.Font, buf *sfnt.Buffer) float64 {
	upem := fixed.Int26_6(f.UnitsPerEm()) << 6
	if m, err := f.Metrics(buf, upem, font.HintingNone); err == nil && m.CapHeight > 0 {
		if r := float64(m.CapHeight) / float64(upem); r > 0.3 && r < 1.2 {
			return r
		}
	}
	if gi, err := f.GlyphIndex(buf, 'H'); err == nil && gi != 0 {
		if b, _, err := f.GlyphBounds(buf, gi, upem, font.HintingNone); err == nil && b.Min.Y < 0 {
			if r := float64(-b.Min.Y) / float64(upem); r > 0.3 && r < 1.2 {
				return r
			}
		}
	}
	return 0.7
}

// pick returns the faces of src in preference order (preferred name first).
func (src fontSource) faces() ([]*Face, error) {
	faces, err := loadFile(src.path)
	if err != nil || src.prefer == "" || len(faces) < 2 {
		return faces, err
	}
	want := normName(src.prefer)
	for _, f := range faces {
		if strings.Contains(normName(f.Name), want) {
			return []*Face{f}, nil
		}
	}
	return faces[:1], nil
}

// capped is a map that holds at most max entries, dropping an arbitrary one
// to make room (callers lock).
type capped[K comparable, V any] struct {
	max int
	m   map[K]V
}

func newCapped[K comparable, V any](max int) *capped[K, V] {
	return &capped[K, V]{max: max, m: map[K]V{}}
}

func (c *capped[K, V]) get(k K) (V, bool) {
	v, ok := c.m[k]
	return v, ok
}

func (c *capped[K, V]) put(k K, v V) {
	if _, ok := c.m[k]; !ok && len(c.m) >= c.max {
		for old := range c.m {
			delete(c.m, old)
			break
		}
	}
	c.m[k] = v
}

func (c *capped[K, V]) len() int { return len(c.m) }
