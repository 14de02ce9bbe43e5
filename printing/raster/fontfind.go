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
// a file with a matching name in the font index (fontindex.go), then the
// families the index lists. No look-up starts a process.
func resolveFamily(name string) []fontSource {
	key := normName(name)
	familyCache.Lock()
	v, ok := familyCache.m.get(key)
	familyCache.Unlock()
	if ok {
		return v
	}
	var out []fontSource
	idx := systemIndex()
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
		if p := indexFamily(key); p != "" {
			out = append(out, fontSource{path: p, prefer: name})
		}
	}
	familyCache.Lock()
	familyCache.m.put(key, out)
	familyCache.Unlock()
	return out
}

// systemSources lists the OS's default fonts that exist, Korean first,
// then a placeholder for the indexed fonts that stand in for fontconfig's
// choices for Korean and sans-serif text (indexDefaults: the font index is
// only read when text gets that far down the chain).
var systemSources = sync.OnceValue(func() []fontSource {
	var out []fontSource
	for _, s := range osFontCandidates() {
		if _, err := os.Stat(s.path); err == nil {
			out = append(out, s)
		}
	}
	return append(out, fontSource{path: indexDefaults})
})

// indexDefaults is the placeholder source for defaultSources.
const indexDefaults = "index:defaults"

// indexDefaultSources returns defaultSources minus the files already in
// the OS candidates.
var indexDefaultSources = sync.OnceValue(func() []fontSource {
	seen := map[string]bool{}
	for _, s := range osFontCandidates() {
		seen[s.path] = true
	}
	var out []fontSource
	for _, s := range defaultSources() {
		if !seen[s.path] {
			seen[s.path] = true
			out = append(out, s)
		}
	}
	return out
})
