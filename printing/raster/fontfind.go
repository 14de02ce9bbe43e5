package raster

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
)

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
