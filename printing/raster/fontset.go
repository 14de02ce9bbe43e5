package raster

import (
	"strings"
	"unicode"

	"golang.org/x/image/font/sfnt"

	"github.com/labelbridge/labelbridge/printing/label"
)

// FontSet resolves, for each character, the first face that has a glyph
// for it, trying in order: the element's font, the configured font paths,
// (for emoji shown as emoji) a colour emoji font, the OS fonts, the
// built-in Go font, and finally the installed font the font index lists
// for that character. Faces are loaded only when reached.
type FontSet struct {
	sources []fontSource
	own     int     // sources[:own] are the element's and the configured fonts
	faces   []*Face // loaded so far, in order
	// noColour keeps the set to its sources (the built-in set: barcode
	// text never depends on the machine's fonts).
	noColour bool
	next     int // next source to load
	buf      sfnt.Buffer
	tried    []string
}

// NewFontSet builds the fallback chain for a text element's font value
// (may be empty or "printer") and the configured font paths.
func NewFontSet(elementFont string, fontPaths []string) *FontSet {
	fs := &FontSet{}
	if elementFont != "" && !strings.EqualFold(elementFont, label.FontPrinter) {
		fs.sources = append(fs.sources, elementFontSources(elementFont, fontPaths)...)
	}
	for _, p := range fontPaths {
		fs.sources = append(fs.sources, fontSource{path: p})
	}
	fs.own = len(fs.sources)
	fs.sources = append(fs.sources, systemSources()...)
	fs.sources = append(fs.sources, fontSource{path: BuiltinFont})
	return fs
}

// builtinSet returns a set with only the built-in font (deterministic).
func builtinSet() *FontSet {
	return &FontSet{sources: []fontSource{{path: BuiltinFont}}, noColour: true}
}

func (fs *FontSet) loadNext() bool {
	for fs.next < len(fs.sources) {
		src := fs.sources[fs.next]
		if src.path == indexDefaults {
			rest := append(append([]fontSource(nil), indexDefaultSources()...), fs.sources[fs.next+1:]...)
			fs.sources = append(fs.sources[:fs.next], rest...)
			continue
		}
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

// covers reports whether f has a glyph for r. A colour (emoji) font covers
// only emoji characters: its digits, '#', '*' and space exist for keycap
// sequences and draw nothing alone.
func (fs *FontSet) covers(f *Face, r rune) bool {
	if f.colour && !emojiChar(r) {
		return false
	}
	gi, err := f.Font.GlyphIndex(&fs.buf, r)
	return err == nil && gi != 0
}

// FaceFor returns the first face with a glyph for r, or nil.
func (fs *FontSet) FaceFor(r rune) *Face {
	return fs.faceAt([]rune{r}, 0)
}

// faceAt returns the face for rs[i]: the first face of the chain with a
// glyph for it, except that a character shown as emoji (emoji by default,
// or followed by U+FE0F) prefers a colour emoji font after the element's
// and the configured fonts, and a keycap or emoji-styled digit goes to
// the colour font with its sequence.
func (fs *FontSet) faceAt(rs []rune, i int) *Face {
	r := rs[i]
	emoji := emojiPresentation(rs, i)
	// An explicit emoji selector or keycap asks for the colour glyph even
	// over the element's own font.
	explicit := i+1 < len(rs) && (rs[i+1] == 0xFE0F || rs[i+1] == 0x20E3)
	for k := 0; ; k++ {
		for k >= len(fs.faces) {
			if !fs.loadNext() {
				if emoji {
					if f := fs.colourFace(rs, i); f != nil {
						return f
					}
				}
				return fs.fcFallback(r)
			}
		}
		f := fs.faces[k]
		if emoji && (explicit || !fs.ownFace(f)) && !f.colour {
			if cf := fs.colourFace(rs, i); cf != nil {
				return cf
			}
		}
		if fs.covers(f, r) || (f.colour && emoji && fs.hasGlyph(f, r)) {
			return f
		}
	}
}

// hasGlyph reports whether f's character map has r (colour or not).
func (fs *FontSet) hasGlyph(f *Face, r rune) bool {
	gi, err := f.Font.GlyphIndex(&fs.buf, r)
	return err == nil && gi != 0
}

// ownFace reports whether f came from the element's font or the configured
// fonts (the sources before the system ones).
func (fs *FontSet) ownFace(f *Face) bool {
	for _, src := range fs.sources[:fs.own] {
		if src.path == f.Path {
			return true
		}
	}
	return false
}

// colourFace returns the installed colour emoji face with a glyph for
// rs[i], or nil.
func (fs *FontSet) colourFace(rs []rune, i int) *Face {
	if fs.noColour {
		return nil
	}
	for _, p := range colourEmojiFonts() {
		faces, err := loadFile(p)
		if err != nil {
			continue
		}
		for _, f := range faces {
			if fs.hasGlyph(f, rs[i]) {
				return f
			}
		}
	}
	return nil
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

// missingError is the font_missing error for r; its hint names a font
// package that has r, or says that none is known.
func missingError(field string, r rune) error {
	pkg := fontPackageFor(r)
	e := label.Errorf(label.ReasonFontMissing, field, "no installed font has %U %q; %s", r, r, pkg.advice())
	e.Hint = pkg.hint(r)
	return e
}

// skippable reports whether an uncovered rune may be dropped silently
// (invisible format characters such as zero-width joiners).
func skippable(r rune) bool { return unicode.Is(unicode.Cf, r) || r == '\r' }
