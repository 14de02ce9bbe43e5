package raster

import (
	"path/filepath"
	"strings"
	"sync"

	"github.com/go-text/typesetting/fontscan"
)

// Font files a label may name. Labels come from web pages (sites allowed
// to print), and a page must not make the agent read and parse a file it
// planted elsewhere (a browser download) or probe the disk for files: a
// label's font file must be one of the configured font paths or a file in
// the OS's font folders (the ones the font index reads). Any other path is
// treated like a font that is not installed: skipped.

// fontDirs are the OS's font folders, absolute and cleaned.
var fontDirs = sync.OnceValue(func() []string {
	dirs, _ := fontscan.DefaultFontDirectories(quietLogger{})
	out := make([]string, 0, len(dirs))
	for _, d := range dirs {
		if abs, err := filepath.Abs(d); err == nil {
			out = append(out, abs)
		}
	}
	return out
})

// labelFontAllowed reports whether a label may name the font file path.
func labelFontAllowed(path string, configured []string) bool {
	p, err := filepath.Abs(path)
	if err != nil {
		return false
	}
	for _, c := range configured {
		if cp, err := filepath.Abs(c); err == nil && within(cp, p, true) {
			return true
		}
	}
	for _, d := range fontDirs() {
		if within(d, p, false) {
			return true
		}
	}
	return false
}

// within reports whether p is dir's descendant (or dir itself, when self
// is set), by name: filepath.Rel compares as the OS does (ignoring case on
// Windows).
func within(dir, p string, self bool) bool {
	rel, err := filepath.Rel(dir, p)
	if err != nil || filepath.IsAbs(rel) {
		return false
	}
	if rel == "." {
		return self
	}
	return rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// elementFontSources resolves a text element's font value: a family name
// through the font index, a bare file name ("NanumGothic.ttf") by the
// installed file of that name, a path only where labelFontAllowed.
func elementFontSources(font string, configured []string) []fontSource {
	switch {
	case !isFontPath(font):
		return resolveFamily(font)
	case !strings.ContainsAny(font, `/\`):
		if p := systemIndex().byName[strings.ToLower(font)]; p != "" {
			return []fontSource{{path: p}}
		}
		return nil
	case labelFontAllowed(font, configured):
		return []fontSource{{path: font}}
	}
	return nil
}
