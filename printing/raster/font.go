package raster

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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

// fontCache holds every font file parsed so far (each is parsed once).
var fontCache = struct {
	sync.Mutex
	files map[string]*loadedFile
}{files: map[string]*loadedFile{}}

type loadedFile struct {
	once  sync.Once
	faces []*Face
	err   error
}

// loadFile parses a font file (or collection) once and returns its faces.
func loadFile(path string) ([]*Face, error) {
	fontCache.Lock()
	lf := fontCache.files[path]
	if lf == nil {
		lf = &loadedFile{}
		fontCache.files[path] = lf
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

// familyCache remembers family → sources lookups (they may scan directories
// and run fc-match).
var familyCache sync.Map // string → []fontSource

// resolveFamily finds font files for a family name: the built-in aliases,
// a file with a matching name in the OS font directories, then fc-match.
func resolveFamily(name string) []fontSource {
	key := normName(name)
	if v, ok := familyCache.Load(key); ok {
		return v.([]fontSource)
	}
	var out []fontSource
	for _, f := range familyAliases[key] {
		if strings.HasPrefix(f, "builtin:") {
			out = append(out, fontSource{path: f})
			continue
		}
		if p := findFontFile(f); p != "" {
			out = append(out, fontSource{path: p, prefer: name})
		}
	}
	if len(out) == 0 {
		if p := findFontStem(key); p != "" {
			out = append(out, fontSource{path: p, prefer: name})
		}
	}
	if len(out) == 0 {
		if p, fam := fcMatch(name); p != "" && strings.Contains(normName(fam), key) {
			out = append(out, fontSource{path: p, prefer: name})
		}
	}
	familyCache.Store(key, out)
	return out
}

// findFontFile looks for a file name in the OS font directories.
func findFontFile(base string) string {
	for _, dir := range fontDirs() {
		var found string
		_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err != nil || found != "" {
				return filepath.SkipDir
			}
			if !d.IsDir() && strings.EqualFold(d.Name(), base) {
				found = p
				return filepath.SkipAll
			}
			return nil
		})
		if found != "" {
			return found
		}
	}
	return ""
}

// findFontStem looks for a font file whose normalised stem is key (or key
// followed by "regular"/"r").
func findFontStem(key string) string {
	for _, dir := range fontDirs() {
		var found string
		_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return filepath.SkipDir
			}
			if d.IsDir() || !isFontPath(d.Name()) {
				return nil
			}
			stem := normName(strings.TrimSuffix(d.Name(), filepath.Ext(d.Name())))
			if stem == key || stem == key+"regular" || stem == key+"r" {
				found = p
				return filepath.SkipAll
			}
			return nil
		})
		if found != "" {
			return found
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
// it returns "" when fc-match is not installed or finds nothing.
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

// runeFallback asks fontconfig for a font covering r (cached per rune).
var runeFallbackCache sync.Map // rune → string

func runeFallback(r rune) string {
	if v, ok := runeFallbackCache.Load(r); ok {
		return v.(string)
	}
	p, _ := fcMatch(fmt.Sprintf(":charset=%x", r))
	runeFallbackCache.Store(r, p)
	return p
}

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
