package raster

import (
	"strings"
	"unicode"

	"golang.org/x/image/font/sfnt"

	"github.com/labelbridge/labelbridge/printing/label"
)

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
