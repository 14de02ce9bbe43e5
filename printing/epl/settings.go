package epl

import (
	"bytes"
	"fmt"
	"math"

	"github.com/labelbridge/labelbridge/printing/label"
	"github.com/labelbridge/labelbridge/printing/media"
	"github.com/labelbridge/labelbridge/printing/raster"
)

// DefaultGapMM is the gap sent with Q when none is set (EPL's Q needs one).
const DefaultGapMM = 3.0

// speeds are EPL2's S values and the speed each selects on the LP/TLP2844
// (inches per second); other models map the values differently.
var speeds = []struct {
	code int
	ips  float64
}{{1, 1.5}, {2, 2}, {3, 2.5}, {4, 3.5}}

// speedCode returns the S value closest to ips.
func speedCode(ips float64) int {
	best, code := math.Inf(1), 1
	for _, s := range speeds {
		if d := math.Abs(s.ips - ips); d < best {
			best, code = d, s.code
		}
	}
	return code
}

// writeSettings writes the label size and the printer and media settings
// (label.Label.Media) after N:
//
//	qW         label width (printWidth when set) in dots
//	Qh,g       label length and gap in dots (Qh,Bm: black mark m dots high;
//	           Qh,0: continuous); always sent, so the printer feeds one label
//	D n        darkness 0–15 (0–30 halved)
//	S n        speed select (nearest of the LP2844's 1.5, 2, 2.5, 3.5 ips)
//	OD / O     direct thermal on / off (transfer)
//	R x,y      offset right and down in dots (EPL cannot move left or up)
func writeSettings(b *bytes.Buffer, p *raster.Plan) error {
	s := p.Label.Media()
	width := p.Width
	if s.PrintWidth != nil {
		width = media.Dots(*s.PrintWidth, p.DPI)
	}
	fmt.Fprintf(b, "q%d\n", width)
	switch s.Media {
	case media.Mark:
		h := DefaultGapMM
		if s.MarkHeight != nil {
			h = *s.MarkHeight
		}
		fmt.Fprintf(b, "Q%d,B%d\n", p.Height, media.Dots(h, p.DPI))
	case media.Continuous:
		fmt.Fprintf(b, "Q%d,0\n", p.Height)
	default:
		g := DefaultGapMM
		if s.Gap != nil {
			g = *s.Gap
		}
		fmt.Fprintf(b, "Q%d,%d\n", p.Height, media.Dots(g, p.DPI))
	}
	if s.Darkness != nil {
		fmt.Fprintf(b, "D%d\n", media.ScaleDarkness(*s.Darkness, 15))
	}
	if s.Speed != nil {
		fmt.Fprintf(b, "S%d\n", speedCode(*s.Speed))
	}
	switch s.Method {
	case media.Direct:
		b.WriteString("OD\n")
	case media.Transfer:
		b.WriteString("O\n")
	}
	if o := s.Offset; o != nil {
		x, y := media.Dots(o.X, p.DPI), media.Dots(o.Y, p.DPI)
		if x < 0 || y < 0 {
			return label.Errorf(label.ReasonInvalid, "offset", "EPL2 moves a label only right and down (R x,y); %g, %g mm asked", o.X, o.Y)
		}
		fmt.Fprintf(b, "R%d,%d\n", x, y)
	}
	return nil
}
