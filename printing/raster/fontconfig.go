package raster

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
)

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
