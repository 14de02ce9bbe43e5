package raster

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/labelbridge/labelbridge/internal/cachedir"

	gtfont "github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/fontscan"
)

// The system font index comes from github.com/go-text/typesetting/fontscan:
// one walk of the OS font directories (those fontconfig's configuration
// names on Linux, the system and user font folders on Windows and macOS)
// that reads each font's families, style and character coverage. The index
// is saved in the user's cache folder (fontCacheDir) and reused by the next
// process: a start only lists the directories and re-reads the fonts whose
// modification time changed, so fonts installed or removed are picked up
// and no font is read twice. No process (fc-list, fc-match) is started.

var fontCacheDir struct {
	sync.Mutex
	dir string
}

// SetFontCacheDir sets the folder the font index is kept in (default: the
// user's cache folder + labelbridge/fonts). It only has an effect before
// the first text is laid out.
func SetFontCacheDir(dir string) {
	fontCacheDir.Lock()
	fontCacheDir.dir = dir
	fontCacheDir.Unlock()
}

// FontCacheDir returns the folder the font index is kept in.
func FontCacheDir() string {
	fontCacheDir.Lock()
	defer fontCacheDir.Unlock()
	if fontCacheDir.dir != "" {
		return fontCacheDir.dir
	}
	return cachedir.Dir("fonts")
}

// writableDir reports whether dir exists (created if need be) and takes a
// file: fontscan drops the whole index when it cannot save it.
func writableDir(dir string) bool {
	if os.MkdirAll(dir, 0o700) != nil {
		return false
	}
	f, err := os.CreateTemp(dir, ".probe-*")
	if err != nil {
		return false
	}
	f.Close()
	os.Remove(f.Name())
	return true
}

type quietLogger struct{}

func (quietLogger) Printf(string, ...any) {}

// sysFonts is the system font index, best first: regular styles, then sans
// families, then shorter file names (NanumGothic.ttf before
// NanumGothicBold.ttf), then by path.
type sysFonts struct {
	fps    []fontscan.Footprint
	byName map[string]string // lower-case file name → path
	byStem map[string]string // normalised stem → path
}

// WarmFonts loads the font index now (the agent calls it at start, so the
// first label does not wait for it).
func WarmFonts() { systemIndex() }

var systemIndex = sync.OnceValue(func() *sysFonts {
	idx := &sysFonts{byName: map[string]string{}, byStem: map[string]string{}}
	dir := FontCacheDir()
	if !writableDir(dir) {
		dir = filepath.Join(os.TempDir(), "labelbridge-fonts")
		if !writableDir(dir) {
			return idx
		}
	}
	fps, err := fontscan.SystemFonts(quietLogger{}, dir)
	if err != nil {
		return idx // no fonts found: element, configured and OS fonts by path still work
	}
	if len(fps) > maxIndexedFonts {
		fps = fps[:maxIndexedFonts]
	}
	type ranked struct {
		fp   fontscan.Footprint
		rank [3]int
	}
	rs := make([]ranked, 0, len(fps))
	for _, fp := range fps {
		if !isFontPath(fp.Location.File) {
			continue // .pfb, .pcf…: not fonts this renderer reads
		}
		r := ranked{fp: fp}
		a := fp.Aspect
		if a.Style != gtfont.StyleNormal || a.Weight != gtfont.WeightNormal || a.Stretch != gtfont.StretchNormal {
			r.rank[0] = 1
		}
		switch fam := fp.Family; {
		case strings.Contains(fam, "mono") || strings.Contains(fam, "serif") && !strings.Contains(fam, "sansserif"):
			r.rank[1] = 2
		case !strings.Contains(fam, "sans"):
			r.rank[1] = 1
		}
		r.rank[2] = len(filepath.Base(fp.Location.File))
		rs = append(rs, r)
	}
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if a.rank != b.rank {
			for k := range a.rank {
				if a.rank[k] != b.rank[k] {
					return a.rank[k] < b.rank[k]
				}
			}
		}
		return a.fp.Location.File < b.fp.Location.File
	})
	for _, r := range rs {
		idx.fps = append(idx.fps, r.fp)
		p := r.fp.Location.File
		name := filepath.Base(p)
		if _, ok := idx.byName[strings.ToLower(name)]; !ok {
			idx.byName[strings.ToLower(name)] = p
		}
		stem := normName(strings.TrimSuffix(name, filepath.Ext(name)))
		if _, ok := idx.byStem[stem]; !ok {
			idx.byStem[stem] = p
		}
	}
	return idx
})

// indexFamily returns an indexed file of the normalised family key (an
// exact family first, then one that contains key).
func indexFamily(key string) string {
	for _, exact := range []bool{true, false} {
		for _, fp := range systemIndex().fps {
			fam := normName(fp.Family)
			if fam == key || (!exact && strings.Contains(fam, key)) {
				return fp.Location.File
			}
		}
	}
	return ""
}

// indexCovering returns the best indexed font that has every rune of rs
// (a non-emoji character is never given to a colour emoji font), or "".
func indexCovering(rs ...rune) string {
	emoji := true
	for _, r := range rs {
		emoji = emoji && emojiChar(r)
	}
next:
	for _, fp := range systemIndex().fps {
		if !emoji && strings.Contains(fp.Family, "emoji") {
			continue
		}
		for _, r := range rs {
			if !fp.Runes.Contains(r) {
				continue next
			}
		}
		return fp.Location.File
	}
	return ""
}

// emojiFonts lists the indexed emoji fonts, colour ones first.
var emojiFonts = sync.OnceValue(func() []string {
	var colour, other []string
	for _, fp := range systemIndex().fps {
		if !strings.Contains(fp.Family, "emoji") {
			continue
		}
		if strings.Contains(fp.Family, "color") || strings.Contains(fp.Family, "colour") {
			colour = append(colour, fp.Location.File)
		} else {
			other = append(other, fp.Location.File)
		}
	}
	return append(colour, other...)
})

// colourEmojiFonts lists the emoji fonts to try for characters shown as
// emoji.
func colourEmojiFonts() []string { return emojiFonts() }

// runeFallback returns an indexed font file covering r (results cached,
// bounded).
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
	p = indexCovering(r)
	runeFallbackCache.Lock()
	runeFallbackCache.m.put(r, p)
	runeFallbackCache.Unlock()
	return p
}

// sansFamilies are the families tried, in order, as the default sans-serif
// font (fontconfig's usual choices).
var sansFamilies = []string{"dejavusans", "notosans", "liberationsans", "arimo", "freesans", "arial", "helvetica", "segoeui"}

// defaultSources returns the indexed fonts that stand in for fontconfig's
// choices for Korean and for sans-serif text.
func defaultSources() []fontSource {
	var out []fontSource
	if p := indexCovering('한', '글', 'A'); p != "" {
		out = append(out, fontSource{path: p})
	}
	for _, fam := range sansFamilies {
		for _, fp := range systemIndex().fps {
			if normName(fp.Family) == fam {
				return append(out, fontSource{path: fp.Location.File})
			}
		}
	}
	return out
}
