package raster

import "image"

// minColumnGap is the blank gap (in bytes, 8 dots each) that splits a band of
// ink into separate regions: smaller gaps cost fewer bytes than a new
// bitmap command's header.
const minColumnGap = 4

// Regions returns rectangles that together cover all ink in b, with no blank
// rows at their top or bottom edges and blank gaps of several bytes split
// off, so encoders send a few compact bitmaps instead of one mostly-white
// one. Each rectangle's Min.X and Max.X are multiples of 8 (clipped to b.W at
// the right edge). Rows are split first (runs of blank rows), then columns.
func (b *Bitmap) Regions() []image.Rectangle {
	var out []image.Rectangle
	b.regions(image.Rect(0, 0, b.Stride, b.H), &out, 0)
	for i := range out { // byte columns to dots
		r := out[i]
		r.Min.X *= 8
		r.Max.X *= 8
		if r.Max.X > b.W {
			r.Max.X = b.W
		}
		out[i] = r
	}
	return out
}

// regions works in byte columns: r.Min.X and r.Max.X are byte indexes.
func (b *Bitmap) regions(r image.Rectangle, out *[]image.Rectangle, depth int) {
	// Split by blank rows (within the byte columns of r).
	var bands []image.Rectangle
	start := -1
	for y := r.Min.Y; y < r.Max.Y; y++ {
		blank := true
		row := b.Pix[y*b.Stride+r.Min.X : y*b.Stride+r.Max.X]
		for _, v := range row {
			if v != 0 {
				blank = false
				break
			}
		}
		if !blank && start < 0 {
			start = y
		}
		if blank && start >= 0 {
			bands = append(bands, image.Rect(r.Min.X, start, r.Max.X, y))
			start = -1
		}
	}
	if start >= 0 {
		bands = append(bands, image.Rect(r.Min.X, start, r.Max.X, r.Max.Y))
	}
	for _, band := range bands {
		// Which byte columns have ink in this band?
		cols := make([]bool, band.Dx())
		for y := band.Min.Y; y < band.Max.Y; y++ {
			row := b.Pix[y*b.Stride+band.Min.X : y*b.Stride+band.Max.X]
			for i, v := range row {
				if v != 0 {
					cols[i] = true
				}
			}
		}
		var groups []image.Rectangle
		gs, gap := -1, 0
		for i, c := range cols {
			switch {
			case c && gs < 0:
				gs, gap = i, 0
			case c:
				gap = 0
			case gs >= 0:
				gap++
				if gap >= minColumnGap {
					groups = append(groups, image.Rect(band.Min.X+gs, band.Min.Y, band.Min.X+i-gap+1, band.Max.Y))
					gs = -1
				}
			}
		}
		if gs >= 0 {
			end := len(cols)
			for end > gs && !cols[end-1] {
				end--
			}
			groups = append(groups, image.Rect(band.Min.X+gs, band.Min.Y, band.Min.X+end, band.Max.Y))
		}
		for _, g := range groups {
			// A narrower group may have blank rows of its own: split again.
			if (len(groups) > 1 || g.Dx() < band.Dx()) && depth < 8 {
				b.regions(g, out, depth+1)
				continue
			}
			*out = append(*out, g)
		}
	}
}
