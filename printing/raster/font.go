package raster

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"github.com/labelbridge/labelbridge/printing/label"
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

// normName lower-cases a font name and drops spaces, dashes and underscores.
func normName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r == ' ' || r == '-' || r == '_' {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isFontPath reports whether a label font value names a file rather than a
// family.
func isFontPath(s string) bool {
	if strings.ContainsAny(s, `/\`) {
		return true
	}
	switch strings.ToLower(filepath.Ext(s)) {
	case ".ttf", ".otf", ".ttc", ".otc":
		return true
	}
	return false
}

// familyAliases maps well-known family names to file names.
var familyAliases = map[string][]string{
	"go":                {"builtin:go"},
	"goregular":         {"builtin:go"},
	"gomono":            {"builtin:gomono"},
	"malgungothic":      {"malgun.ttf"},
	"applesdgothicneo":  {"AppleSDGothicNeo.ttc"},
	"notosanscjk":       {"NotoSansCJK-Regular.ttc"},
	"notosanscjkkr":     {"NotoSansCJK-Regular.ttc"},
	"notosanskr":        {"NotoSansKR-Regular.otf", "NotoSansKR-Regular.ttf"},
	"nanumgothic":       {"NanumGothic.ttf"},
	"nanumbarungothic":  {"NanumBarunGothic.ttf"},
	"nanumsquare":       {"NanumSquareR.ttf"},
	"nanummyeongjo":     {"NanumMyeongjo.ttf"},
	"nanumgothiccoding": {"NanumGothicCoding.ttf"},
}

// familyCache remembers family → sources look-ups, found and not found.
var familyCache = struct {
	sync.Mutex
	m *capped[string, []fontSource]
}{m: newCapped[string, []fontSource](maxCachedFamilies)}

// resolveFamily finds font files for a family name: the built-in aliases,
// a file with a matching name in the OS font directories (one indexed scan
// for the process), then the families fontconfig lists (one fc-list for
// the process). No look-up starts a process of its own.
func resolveFamily(name string) []fontSource {
	key := normName(name)
	familyCache.Lock()
	v, ok := familyCache.m.get(key)
	familyCache.Unlock()
	if ok {
		return v
	}
	var out []fontSource
	idx := fontIndex()
	for _, f := range familyAliases[key] {
		if strings.HasPrefix(f, "builtin:") {
			out = append(out, fontSource{path: f})
			continue
		}
		if p := idx.byName[strings.ToLower(f)]; p != "" {
			out = append(out, fontSource{path: p, prefer: name})
		}
	}
	if len(out) == 0 {
		for _, stem := range []string{key, key + "regular", key + "r"} {
			if p := idx.byStem[stem]; p != "" {
				out = append(out, fontSource{path: p, prefer: name})
				break
			}
		}
	}
	if len(out) == 0 && key != "" {
		if p := fcFamily(key); p != "" {
			out = append(out, fontSource{path: p, prefer: name})
		}
	}
	familyCache.Lock()
	familyCache.m.put(key, out)
	familyCache.Unlock()
	return out
}

// fontFiles indexes the font files in the OS font directories.
type fontFiles struct {
	byName map[string]string // lower-case file name → path
	byStem map[string]string // normalised stem → path
}

// fontIndex walks the OS font directories once (at most maxIndexedFonts
// files) and indexes them by file name and stem.
var fontIndex = sync.OnceValue(func() fontFiles {
	idx := fontFiles{byName: map[string]string{}, byStem: map[string]string{}}
	n := 0
	for _, dir := range fontDirs() {
		_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return filepath.SkipDir
			}
			if d.IsDir() || !isFontPath(d.Name()) {
				return nil
			}
			if n++; n > maxIndexedFonts {
				return filepath.SkipAll
			}
			lower := strings.ToLower(d.Name())
			if _, ok := idx.byName[lower]; !ok {
				idx.byName[lower] = p
			}
			stem := normName(strings.TrimSuffix(d.Name(), filepath.Ext(d.Name())))
			if _, ok := idx.byStem[stem]; !ok {
				idx.byStem[stem] = p
			}
			return nil
		})
	}
	return idx
})

// fcFont is one font file as fc-list reports it.
type fcFont struct {
	path     string
	families []string  // normalised
	charset  [][2]rune // covered ranges
}

// fcFonts runs fc-list once for the process (nothing when fontconfig is
// not installed) and keeps each file's families and character coverage.
var fcFonts = sync.OnceValue(func() []fcFont {
	fc, err := exec.LookPath("fc-list")
	if err != nil {
		return nil
	}
	out, err := exec.Command(fc, "--format", "%{file}\t%{family}\t%{charset}\n").Output()
	if err != nil || len(out) > maxFCListBytes {
		return nil
	}
	var fonts []fcFont
	for _, line := range strings.Split(string(out), "\n") {
		parts := strings.SplitN(line, "\t", 3)
		if len(parts) < 3 || !isFontPath(parts[0]) || len(fonts) >= maxIndexedFonts {
			continue
		}
		f := fcFont{path: parts[0]}
		for _, fam := range strings.Split(parts[1], ",") {
			f.families = append(f.families, normName(fam))
		}
		for _, r := range strings.Fields(parts[2]) {
			lo, hi, ok := strings.Cut(r, "-")
			a, err1 := strconv.ParseUint(lo, 16, 32)
			b, err2 := a, error(nil)
			if ok {
				b, err2 = strconv.ParseUint(hi, 16, 32)
			}
			if err1 == nil && err2 == nil {
				f.charset = append(f.charset, [2]rune{rune(a), rune(b)})
			}
		}
		fonts = append(fonts, f)
	}
	// Regular faces first: the shortest file name of a family is usually
	// its regular style (NanumGothic.ttf before NanumGothicBold.ttf).
	sort.SliceStable(fonts, func(i, j int) bool {
		return len(filepath.Base(fonts[i].path)) < len(filepath.Base(fonts[j].path))
	})
	return fonts
})

// fcFamily returns a file fontconfig lists for the normalised family key.
func fcFamily(key string) string {
	fonts := fcFonts()
	for _, exact := range []bool{true, false} {
		for _, f := range fonts {
			for _, fam := range f.families {
				if fam == key || (!exact && strings.Contains(fam, key)) {
					if _, err := os.Stat(f.path); err == nil {
						return f.path
					}
				}
			}
		}
	}
	return ""
}

var fcPath = sync.OnceValue(func() string {
	p, err := exec.LookPath("fc-match")
	if err != nil {
		return ""
	}
	return p
})

// fcMatch asks fontconfig for the file and family that best match pattern;
// it returns "" when fc-match is not installed or finds nothing. It runs a
// process: only for the fixed patterns of systemSources (once).
func fcMatch(pattern string) (file, family string) {
	fc := fcPath()
	if fc == "" {
		return "", ""
	}
	out, err := exec.Command(fc, "-f", "%{file}\n%{family}\n", pattern).Output()
	if err != nil {
		return "", ""
	}
	lines := strings.SplitN(string(out), "\n", 3)
	if len(lines) < 2 || lines[0] == "" {
		return "", ""
	}
	if _, err := os.Stat(lines[0]); err != nil {
		return "", ""
	}
	return lines[0], lines[1]
}

// systemSources lists the OS's default fonts that exist, Korean first, then
// whatever fontconfig suggests for Korean and for sans-serif text.
var systemSources = sync.OnceValue(func() []fontSource {
	var out []fontSource
	seen := map[string]bool{}
	add := func(s fontSource) {
		if s.path == "" || seen[s.path] {
			return
		}
		if _, err := os.Stat(s.path); err != nil {
			return
		}
		seen[s.path] = true
		out = append(out, s)
	}
	for _, s := range osFontCandidates() {
		add(s)
	}
	if p, _ := fcMatch(":lang=ko"); p != "" {
		add(fontSource{path: p})
	}
	if p, _ := fcMatch("sans-serif"); p != "" {
		add(fontSource{path: p})
	}
	return out
})

// runeFallback returns a font file fontconfig lists as covering r (from
// the one fc-list; results cached, bounded).
var runeFallbackCache = struct {
	sync.Mutex
	m *capped[rune, string]
}{m: newCapped[rune, string](maxCachedRunes)}

func runeFallback(r rune) string {
	runeFallbackCache.Lock()
	p, ok := runeFallbackCache.m.get(r)
	runeFallbackCache.Unlock()
	if ok {
		return p
	}
	p = ""
search:
	for _, f := range fcFonts() {
		for _, rg := range f.charset {
			if r >= rg[0] && r <= rg[1] {
				p = f.path
				break search
			}
		}
	}
	runeFallbackCache.Lock()
	runeFallbackCache.m.put(r, p)
	runeFallbackCache.Unlock()
	return p
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

// FontSet resolves, for each character, the first face that has a glyph
// for it, trying in order: the element's font, the configured font paths,
// the OS fonts, the built-in Go font, and finally fontconfig's suggestion
// for that character. Faces are loaded only when reached.
type FontSet struct {
	sources []fontSource
	faces   []*Face // loaded so far, in order
	next    int     // next source to load
	buf     sfnt.Buffer
	tried   []string
}

// NewFontSet builds the fallback chain for a text element's font value
// (may be empty or "printer") and the configured font paths.
func NewFontSet(elementFont string, fontPaths []string) *FontSet {
	fs := &FontSet{}
	if elementFont != "" && !strings.EqualFold(elementFont, label.FontPrinter) {
		if isFontPath(elementFont) {
			fs.sources = append(fs.sources, fontSource{path: elementFont})
		} else {
			fs.sources = append(fs.sources, resolveFamily(elementFont)...)
		}
	}
	for _, p := range fontPaths {
		fs.sources = append(fs.sources, fontSource{path: p})
	}
	fs.sources = append(fs.sources, systemSources()...)
	fs.sources = append(fs.sources, fontSource{path: BuiltinFont})
	return fs
}

// builtinSet returns a set with only the built-in font (deterministic).
func builtinSet() *FontSet {
	return &FontSet{sources: []fontSource{{path: BuiltinFont}}}
}

func (fs *FontSet) loadNext() bool {
	for fs.next < len(fs.sources) {
		src := fs.sources[fs.next]
		fs.next++
		faces, err := src.faces()
		if err != nil {
			continue // missing or broken fonts fall through
		}
		fs.tried = append(fs.tried, src.path)
		fs.faces = append(fs.faces, faces...)
		return true
	}
	return false
}

func (fs *FontSet) covers(f *Face, r rune) bool {
	gi, err := f.Font.GlyphIndex(&fs.buf, r)
	return err == nil && gi != 0
}

// FaceFor returns the first face with a glyph for r, or nil.
func (fs *FontSet) FaceFor(r rune) *Face {
	for i := 0; ; i++ {
		for i >= len(fs.faces) {
			if !fs.loadNext() {
				return fs.fcFallback(r)
			}
		}
		if fs.covers(fs.faces[i], r) {
			return fs.faces[i]
		}
	}
}

func (fs *FontSet) fcFallback(r rune) *Face {
	p := runeFallback(r)
	if p == "" {
		return nil
	}
	faces, err := loadFile(p)
	if err != nil {
		return nil
	}
	for _, f := range faces {
		if fs.covers(f, r) {
			return f
		}
	}
	return nil
}

// Primary returns the face used for metrics: the first face that covers
// 'H' (or the first face at all).
func (fs *FontSet) Primary() *Face {
	if f := fs.FaceFor('H'); f != nil {
		return f
	}
	if len(fs.faces) > 0 {
		return fs.faces[0]
	}
	return nil
}

// missingError is the font_missing error for r.
func missingError(field string, r rune) error {
	return label.Errorf(label.ReasonFontMissing, field,
		"no installed font has %U %q; install fonts-nanum or set \"fonts\" in config", r, r)
}

// skippable reports whether an uncovered rune may be dropped silently
// (invisible format characters such as zero-width joiners).
func skippable(r rune) bool { return unicode.Is(unicode.Cf, r) || r == '\r' }
