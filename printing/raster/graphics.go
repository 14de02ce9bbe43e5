package raster

import "image"

// Graphic is a bitmap to place on the label with its top-left corner at
// (X, Y) dots.
type Graphic struct {
	X, Y   int
	Bitmap *Bitmap
}

// Graphics draws items into one canvas (so overlapping items merge) and cuts
// it into compact pieces with Regions: what an encoder sends as bitmap
// commands for the elements it cannot draw natively.
func (p *Plan) Graphics(items []*Item) ([]Graphic, error) {
	if len(items) == 0 {
		return nil, nil
	}
	var u image.Rectangle
	for _, it := range items {
		u = u.Union(it.Bounds)
	}
	u = u.Intersect(p.rect())
	if u.Empty() {
		return nil, nil
	}
	canvas := NewBitmap(u.Dx(), u.Dy())
	for _, it := range items {
		if err := it.Draw(canvas, u.Min); err != nil {
			return nil, err
		}
	}
	var out []Graphic
	for _, r := range canvas.Regions() {
		out = append(out, Graphic{X: u.Min.X + r.Min.X, Y: u.Min.Y + r.Min.Y, Bitmap: canvas.Sub(r)})
	}
	return out, nil
}
