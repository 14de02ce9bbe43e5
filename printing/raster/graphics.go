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
	cmds := make([]string, len(p.Items))
	for i, it := range p.Items {
		cmds[i] = native(it)
	}
	keepOrder(p.Items, cmds)
	var bitmaps []*Item
	for i, it := range p.Items {
		if cmds[i] != "" {
			natives = append(natives, cmds[i])
		} else {
			bitmaps = append(bitmaps, it)
		}
	}
	graphics, err = p.Graphics(bitmaps)
	return natives, graphics, err
}

// keepOrder makes sure destructive items (reversed text, white fills,
// reverse boxes) combine with what they overlap in drawing order, given
// that encoders send every bitmap before every native command: a native
// destructive item may not have a bitmap drawn after it under it, and a
// bitmap destructive item may not have a native drawn before it under it.
// Offending items are turned into bitmaps (cmds[i] = "") until none is
// left.
func keepOrder(items []*Item, cmds []string) {
	for changed := true; changed; {
		changed = false
		for i, d := range items {
			if !d.Destructive() {
				continue
			}
			for j, o := range items {
				if j == i || !o.Bounds.Overlaps(d.Bounds) {
					continue
				}
				switch {
				case cmds[i] != "" && j > i && cmds[j] == "":
					cmds[i], changed = "", true
				case cmds[i] == "" && j < i && cmds[j] != "":
					cmds[j], changed = "", true
				}
			}
		}
	}
}
