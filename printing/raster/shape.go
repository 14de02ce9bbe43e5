package raster

import (
	"unicode"

	"github.com/go-text/typesetting/bidi"
	gtfont "github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/harfbuzz"
	"github.com/go-text/typesetting/language"
	"golang.org/x/image/math/fixed"
)

// Text shaping: a line is split into bidi runs (Unicode bidi algorithm),
// each run into items of one face and one script, and every item is shaped
// by HarfBuzz (github.com/go-text/typesetting/harfbuzz) in font units.
// Positions are then scaled to 26.6 dots exactly as x/image's opentype
// face scales advances and kerning (round half away from zero, hinting
// off), so text that needs no shaping (Latin, Hangul) lands on the same
// dots it always did, and text that does (Arabic, Thai, Devanagari, marks)
// gets the font's own joining, reordering and mark positioning.

// placedGlyph is one glyph of a shaped line: its id in its run's face and
// its origin (pen position plus offset; y grows down, 0 = baseline).
type placedGlyph struct {
	id   gtfont.GID
	x, y fixed.Int26_6
}

// glyphRun is a run of glyphs drawn with one face at one size.
type glyphRun struct {
	face   *Face // the face that draws (the bold sibling for bold text)
	scale  fixed.Int26_6
	glyphs []placedGlyph
}

// shapedLine is a line laid out left to right in visual order.
type shapedLine struct {
	runs  []glyphRun
	width fixed.Int26_6
}

// shapeItem is a logical range of a line drawn by one face in one script
// and direction.
type shapeItem struct {
	start, end int
	face       *Face
	script     language.Script
	rtl        bool
}

// sizeOf returns the ppem (26.6) text of cap height capH is drawn at with
// f, as opentype.NewFace computes it for Size capH/capRatio at 72 dpi.
func sizeOf(f *Face, capH float64) fixed.Int26_6 {
	return fixed.Int26_6(0.5 + (capH/f.capRatio)*72*64/72)
}

// scaleFU converts font units to 26.6 dots at ppem, rounding half away
// from zero (x/image/font/sfnt's rule).
func scaleFU(v int, ppem fixed.Int26_6, upem int) fixed.Int26_6 {
	x := v * int(ppem)
	if x >= 0 {
		x += upem / 2
	} else {
		x -= upem / 2
	}
	return fixed.Int26_6(x / upem)
}

// lineFaces chooses a face for every rune of a line (nil: not drawn) from
// fs, keeping marks, joiners, variation selectors and emoji modifiers with
// the face of the character they attach to. A rune no face covers is a
// font_missing error naming field.
func lineFaces(rs []rune, fs *FontSet, field string) ([]*Face, error) {
	faces := make([]*Face, len(rs))
	var prev *Face
	for i, r := range rs {
		if r < 0x20 {
			continue
		}
		if prev != nil && continuesCluster(r) && (ignorable(r) || fs.covers(prev, r)) {
			faces[i] = prev
			continue
		}
		f := fs.faceAt(rs, i)
		if f == nil {
			if skippable(r) {
				continue
			}
			return nil, missingError(field, r)
		}
		faces[i], prev = f, f
	}
	return faces, nil
}

func hasMark(rs []rune) bool {
	for _, r := range rs {
		if unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc) {
			return true
		}
	}
	return false
}

// continuesCluster reports whether r attaches to the character before it.
func continuesCluster(r rune) bool {
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc) || ignorable(r) ||
		(r >= 0x1F3FB && r <= 0x1F3FF) || r == 0x20E3
}

// ignorable reports joiners and selectors that draw nothing themselves.
func ignorable(r rune) bool {
	return r == 0x200D || r == 0x200C || (r >= 0xFE00 && r <= 0xFE0F) ||
		(r >= 0xE0020 && r <= 0xE007F) || (r >= 0xE0100 && r <= 0xE01EF)
}

// itemize splits a line into shaping items in visual order: bidi runs
// (reordered by rule L2), each cut where the face or script changes; the
// items of a right-to-left run come last-first.
func itemize(rs []rune, faces []*Face) []shapeItem {
	var p bidi.Paragraph
	runs := p.Segment(rs, bidi.Neutral)
	type brun struct {
		start, end int
		level      int
	}
	var br []brun
	maxL := 0
	for i := 0; i < runs.NumRuns(); i++ {
		r := runs.Run(i)
		br = append(br, brun{r.Start, r.End, int(r.Level)})
		maxL = max(maxL, int(r.Level))
	}
	// L2: from the highest level down to the lowest odd one, reverse every
	// sequence of runs at that level or higher.
	for lvl := maxL; lvl >= 1; lvl-- {
		for i := 0; i < len(br); {
			if br[i].level < lvl {
				i++
				continue
			}
			j := i
			for j < len(br) && br[j].level >= lvl {
				j++
			}
			for a, b := i, j-1; a < b; a, b = a+1, b-1 {
				br[a], br[b] = br[b], br[a]
			}
			i = j
		}
	}
	scripts := resolveScripts(rs)
	var out []shapeItem
	for _, b := range br {
		rtl := b.level%2 == 1
		var items []shapeItem
		for i := b.start; i < b.end; {
			if faces[i] == nil {
				i++
				continue
			}
			j := i + 1
			for j < b.end && (faces[j] == nil || (faces[j] == faces[i] && scripts[j] == scripts[i])) {
				j++
			}
			items = append(items, shapeItem{start: i, end: j, face: faces[i], script: scripts[i], rtl: rtl})
			i = j
		}
		if rtl {
			for a, c := 0, len(items)-1; a < c; a, c = a+1, c-1 {
				items[a], items[c] = items[c], items[a]
			}
		}
		out = append(out, items...)
	}
	return out
}

// resolveScripts gives every rune a script, common and inherited runes
// taking the script of the run they sit in.
func resolveScripts(rs []rune) []language.Script {
	out := make([]language.Script, len(rs))
	last := language.Script(0)
	for i, r := range rs {
		s := language.LookupScript(r)
		if s == language.Common || s == language.Inherited || s == language.Unknown {
			s = last
		} else {
			last = s
		}
		out[i] = s
	}
	// Leading neutral runes take the first real script.
	first := language.Latin
	for _, s := range out {
		if s != 0 {
			first = s
			break
		}
	}
	for i := range out {
		if out[i] != 0 {
			break
		}
		out[i] = first
	}
	return out
}

// shapeLine shapes one line (no '\n') at cap height capH; bold draws each
// face's bold sibling where one is installed. advances, when non-nil (as
// long as rs), receives the advance each glyph adds to the line, summed on
// the first rune of its cluster, for wrapping.
func shapeLine(rs []rune, faces []*Face, capH float64, bold bool, advances []fixed.Int26_6) shapedLine {
	var line shapedLine
	buf := harfbuzz.NewBuffer()
	for _, it := range itemize(rs, faces) {
		f := it.face
		if bold {
			f = boldFace(f)
		}
		scale := sizeOf(f, capH)
		run := glyphRun{face: f, scale: scale}
		f.mu.Lock()
		if f.hb == nil {
			f.gf = gtfont.NewFace(f.gt)
			f.hb = harfbuzz.NewFont(f.gf)
		}
		buf.Clear()
		buf.AddRunes(rs, it.start, it.end-it.start)
		buf.Props.Direction = harfbuzz.LeftToRight
		if it.rtl {
			buf.Props.Direction = harfbuzz.RightToLeft
		}
		buf.Props.Script = it.script
		hb := f.hb
		if !f.hasGPOS && hasMark(rs[it.start:it.end]) {
			hb = f.fullShaper()
		}
		buf.Shape(hb, nil)
		upem := int(f.gt.Upem())
		for i, info := range buf.Info {
			pos := buf.Pos[i]
			// The font's own advance and what shaping added to it (kerning,
			// GPOS) are scaled separately, as x/image scales advance and kern.
			base := int(f.hb.GlyphHAdvance(info.Glyph))
			adv := scaleFU(base, scale, upem) + scaleFU(int(pos.XAdvance)-base, scale, upem)
			run.glyphs = append(run.glyphs, placedGlyph{
				id: info.Glyph,
				x:  line.width + scaleFU(int(pos.XOffset), scale, upem),
				y:  -scaleFU(int(pos.YOffset), scale, upem),
			})
			if advances != nil && info.Cluster >= 0 && info.Cluster < len(advances) {
				advances[info.Cluster] += adv
			}
			line.width += adv
		}
		f.mu.Unlock()
		line.runs = append(line.runs, run)
	}
	return line
}
