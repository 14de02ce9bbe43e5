package raster

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	gtfont "github.com/go-text/typesetting/font"
	ot "github.com/go-text/typesetting/font/opentype"
	"github.com/go-text/typesetting/harfbuzz"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// Face is one parsed font face (a file, or one face of a collection). The
// same bytes are parsed twice: by x/image/font/sfnt, whose outlines draw
// every glyph (so Latin and Hangul stay dot-for-dot what they were), and by
// github.com/go-text/typesetting, which shapes text (HarfBuzz: GSUB, GPOS,
// Arabic joining, Indic and Thai mark placement) and reads colour glyphs.
type Face struct {
	Font     *sfnt.Font
	Path     string  // file it came from ("builtin:go" for the embedded Go font)
	Name     string  // full name, e.g. "NanumGothic"
	capRatio float64 // cap height / em
	// colour is set for fonts that draw glyphs from colour bitmaps or
	// layers (CBDT, sbix, COLR: emoji fonts); such a font only covers
	// the emoji characters it has colour glyphs for.
	colour bool

	gt *gtfont.Font // shaping and colour data, without glyf (read-only, shared)
	mu sync.Mutex   // guards hb, gf and the full parse (not safe for concurrent use)
	hb *harfbuzz.Font
	gf *gtfont.Face

	// The shaping parse leaves TrueType outlines out (go-text reads every
	// glyph up front: ~30 ms for a Hangul font). Only HarfBuzz's fallback
	// mark positioning needs them, for fonts without GPOS: those get a
	// full parse the first time text with marks is shaped.
	data    []byte
	index   int
	hasGPOS bool
	full    *harfbuzz.Font
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
		data, err = readFontFile(path, st) // mapped, not copied: fontmap_unix.go
		if err != nil {
			return nil, err
		}
	}
	coll, err := sfnt.ParseCollection(data)
	if err != nil {
		return nil, fmt.Errorf("parse font %s: %w", path, err)
	}
	loaders, err := ot.NewLoaders(withoutOutlines(data))
	if err != nil {
		return nil, fmt.Errorf("parse font %s for shaping: %w", path, err)
	}
	var faces []*Face
	var buf sfnt.Buffer
	for i := 0; i < coll.NumFonts() && i < len(loaders); i++ {
		f, err := coll.Font(i)
		if err != nil {
			continue
		}
		gt, err := gtfont.NewFont(loaders[i])
		if err != nil {
			continue
		}
		name, _ := f.Name(&buf, sfnt.NameIDFull)
		if name == "" {
			name, _ = f.Name(&buf, sfnt.NameIDFamily)
		}
		face := &Face{Font: f, Path: path, Name: name, gt: gt, colour: hasColourTables(loaders[i]),
			data: data, index: i, hasGPOS: loaders[i].HasTable(ot.MustNewTag("GPOS"))}
		face.capRatio = capRatio(f, &buf)
		if face.colour {
			face.capRatio = colourCapRatio
		}
		faces = append(faces, face)
	}
	if len(faces) == 0 {
		return nil, fmt.Errorf("font %s has no usable faces", path)
	}
	return faces, nil
}

// capRatio returns the font's cap height as a fraction of its em. A font
// without Latin capitals (Arabic, Thai…) has no meaningful cap height: it
// gets 0.7, what most fonts have, so its text is as large as Latin text.
func capRatio(f *sfnt.Font, buf *sfnt.Buffer) float64 {
	if gi, err := f.GlyphIndex(buf, 'H'); err != nil || gi == 0 {
		return 0.7
	}
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

// withoutOutlines returns a reader of a font file (or collection) in
// which the 'glyf' and 'loca' tables are renamed, so that go-text does not
// read the TrueType outlines (x/image's sfnt draws them). data is neither
// changed nor copied: the renamed tags are patched in as it is read.
func withoutOutlines(data []byte) *patchedReader {
	pr := &patchedReader{Reader: bytes.NewReader(data), data: data}
	u32 := func(o int) int {
		if o < 0 || o+4 > len(data) {
			return -1
		}
		return int(data[o])<<24 | int(data[o+1])<<16 | int(data[o+2])<<8 | int(data[o+3])
	}
	offsets := []int{0}
	if len(data) >= 12 && string(data[:4]) == "ttcf" {
		offsets = nil
		for i := 0; i < u32(8) && i < 4096; i++ {
			offsets = append(offsets, u32(12+4*i))
		}
	}
	for _, o := range offsets {
		if o < 0 || o+12 > len(data) {
			continue
		}
		n := int(data[o+4])<<8 | int(data[o+5])
		for k := 0; k < n; k++ {
			rec := o + 12 + 16*k
			if rec+16 > len(data) {
				break
			}
			switch string(data[rec : rec+4]) {
			case "loca":
				pr.patches = append(pr.patches, patch{rec, "xloc"})
			case "glyf":
				pr.patches = append(pr.patches, patch{rec, "xgly"})
			}
		}
	}
	return pr
}

type patch struct {
	off int
	tag string
}

// patchedReader reads data with a few 4-byte tags replaced.
type patchedReader struct {
	*bytes.Reader
	data    []byte
	patches []patch
}

func (r *patchedReader) ReadAt(p []byte, off int64) (int, error) {
	n, err := r.Reader.ReadAt(p, off)
	for _, pt := range r.patches {
		for k := 0; k < 4; k++ {
			if i := int64(pt.off+k) - off; i >= 0 && i < int64(n) {
				p[i] = pt.tag[k]
			}
		}
	}
	return n, err
}

func (r *patchedReader) Read(p []byte) (int, error) {
	off, _ := r.Reader.Seek(0, 1)
	n, err := r.ReadAt(p, off)
	r.Reader.Seek(off+int64(n), 0)
	return n, err
}

// fullShaper returns a HarfBuzz font over the whole face, outlines
// included (callers hold f.mu).
func (f *Face) fullShaper() *harfbuzz.Font {
	if f.full == nil {
		if lds, err := ot.NewLoaders(bytes.NewReader(f.data)); err == nil && f.index < len(lds) {
			if gt, err := gtfont.NewFont(lds[f.index]); err == nil {
				f.full = harfbuzz.NewFont(gtfont.NewFace(gt))
			}
		}
		if f.full == nil {
			f.full = f.hb
		}
	}
	return f.full
}
