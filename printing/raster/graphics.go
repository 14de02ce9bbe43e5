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
	// the canvas, cutting it into regions, and copying them out
	if err := p.meter.charge("the label canvas", 3*area(u)/8+1); err != nil {
		return nil, err
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

// Split decides, for an encoder, what the printer draws itself and what is
// sent as bitmaps: native turns an item into the language's own command, or
// "" when the printer cannot draw it. In rasterMode everything is one bitmap
// of the whole label at 0,0. Bitmaps come back merged and cut by Graphics.
func (p *Plan) Split(rasterMode bool, native func(*Item) string) (natives []string, graphics []Graphic, err error) {
	if rasterMode {
		bmp, err := p.Render()
		if err != nil {
			return nil, nil, err
		}
		return nil, []Graphic{{X: 0, Y: 0, Bitmap: bmp}}, nil
	}
	var bitmaps []*Item
	for _, it := range p.Items {
		if cmd := native(it); cmd != "" {
			natives = append(natives, cmd)
		} else {
			bitmaps = append(bitmaps, it)
		}
	}
	graphics, err = p.Graphics(bitmaps)
	return natives, graphics, err
}
