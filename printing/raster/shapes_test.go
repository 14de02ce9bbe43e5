package raster

import (
	"context"
	"fmt"
	"image"
	"math"
	"testing"
)

// TestShapeMaskExact: the row spans shapeMask fills hold exactly the dots
// whose centres inShape accepts (outline: inside the shape, outside its
// inset), for boxes, rounded boxes, ellipses and circles of many sizes.
func TestShapeMaskExact(t *testing.T) {
	m := newMeter(context.Background(), MaxWorkDots)
	for _, c := range []struct {
		w, h, r, t int
		ellipse    bool
	}{
		{1, 1, 0, 1, false}, {7, 3, 1, 1, false}, {40, 20, 6, 2, false}, {41, 41, 20, 3, false},
		{200, 90, 30, 5, false}, {5, 5, 0, 1, true}, {33, 17, 0, 2, true}, {120, 120, 0, 4, true},
		{301, 97, 0, 9, true}, {64, 64, 0, 32, true}, {500, 3, 0, 1, true},
	} {
		for _, filled := range []bool{false, true} {
			t.Run(fmt.Sprintf("%dx%d r%d t%d e%v f%v", c.w, c.h, c.r, c.t, c.ellipse, filled), func(t *testing.T) {
				it := &Item{Bounds: image.Rect(0, 0, c.w, c.h), Thickness: c.t, Filled: filled, m: m}
				it.Ellipse = c.ellipse
				it.Radius = c.r
				got, err := it.shapeMask()
				if err != nil {
					t.Fatal(err)
				}
				fw, fh, r, th := float64(c.w), float64(c.h), float64(c.r), float64(c.t)
				for y := 0; y < c.h; y++ {
					for x := 0; x < c.w; x++ {
						px, py := float64(x)+0.5, float64(y)+0.5
						want := inShape(px, py, fw, fh, r, c.ellipse) &&
							(filled || !inShape(px-th, py-th, fw-2*th, fh-2*th, math.Max(0, r-th), c.ellipse))
						if got.Get(x, y) != want {
							t.Fatalf("dot (%d,%d): %v, want %v", x, y, got.Get(x, y), want)
						}
					}
				}
			})
		}
	}
}
