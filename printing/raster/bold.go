package raster

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"golang.org/x/image/font/gofont/gobold"
)

func init() { builtinFonts["builtin:gobold"] = gobold.TTF }

// boldCache maps a face to its bold sibling (itself when there is none).
var boldCache = struct {
	sync.Mutex
	m map[*Face]*Face
}{m: map[*Face]*Face{}}

// boldFace returns the bold face of f's family when one is installed next
// to it (NanumGothic.ttf → NanumGothicBold.ttf, malgun.ttf → malgunbd.ttf,
// NanumSquareR.ttf → NanumSquareB.ttf, X-Regular → X-Bold; the built-in Go
// font → Go Bold), or f itself.
func boldFace(f *Face) *Face {
	boldCache.Lock()
	b, ok := boldCache.m[f]
	boldCache.Unlock()
	if ok {
		return b
	}
	b = f
	for _, p := range boldCandidates(f.Path) {
		if !strings.HasPrefix(p, "builtin:") {
			if _, err := os.Stat(p); err != nil {
				continue
			}
		}
		faces, err := loadFile(p)
		if err != nil || len(faces) == 0 {
			continue
		}
		b = faces[0]
		break
	}
	boldCache.Lock()
	if len(boldCache.m) < maxCachedFonts*4 {
		boldCache.m[f] = b
	}
	boldCache.Unlock()
	return b
}

// hasBold reports whether f has a real bold face.
func hasBold(f *Face) bool { return f != nil && boldFace(f) != f }

func boldCandidates(path string) []string {
	if path == BuiltinFont {
		return []string{"builtin:gobold"}
	}
	if strings.HasPrefix(path, "builtin:") {
		return nil
	}
	dir, file := filepath.Split(path)
	ext := filepath.Ext(file)
	base := strings.TrimSuffix(file, ext)
	var names []string
	switch {
	case strings.HasSuffix(base, "-Regular"):
		names = append(names, strings.TrimSuffix(base, "-Regular")+"-Bold")
	case strings.HasSuffix(base, "Regular"):
		names = append(names, strings.TrimSuffix(base, "Regular")+"Bold")
	case strings.HasSuffix(base, "R"):
		names = append(names, strings.TrimSuffix(base, "R")+"B")
	}
	names = append(names, base+"Bold", base+"-Bold", base+"bd", base+"b")
	var out []string
	for _, n := range names {
		out = append(out, filepath.Join(dir, n+ext))
	}
	return out
}

// syntheticBold returns how many dots text is smeared right when its font
// has no bold face (0 when the primary face has one).
func syntheticBold(fs *FontSet, capHeight float64) int {
	if hasBold(fs.Primary()) {
		return 0
	}
	return max(1, int(math.Round(capHeight*0.08)))
}
