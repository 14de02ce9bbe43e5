package tspl

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/labelbridge/labelbridge/printing/media"
	"github.com/labelbridge/labelbridge/printing/raster"
)

// DefaultGapMM is the gap (and black-mark height) sent when a label or
// printer asks for gap or mark media without giving its size.
const DefaultGapMM = 3.0

// writeSettings writes the printer and media settings (label.Label.Media)
// after SIZE and before CLS:
//
//	GAP g mm,0 mm          gap media (GAP 0 mm,0 mm: continuous)
//	BLINE h mm,0 mm        black-mark media
//	DENSITY n              darkness 0–15 (0–30 halved)
//	SPEED s                inches per second
//	SET RIBBON ON|OFF      thermal transfer or direct thermal
//	REFERENCE x,y          offset right and down (dots)
//	SHIFT [x,]y            negative offsets (left, up)
//
// Unset settings send nothing, so the printer keeps its own.
func writeSettings(b *bytes.Buffer, p *raster.Plan) {
	s := p.Label.Media()
	orDefault := func(v *float64) float64 {
		if v == nil {
			return DefaultGapMM
		}
		return *v
	}
	switch s.Media {
	case media.Gap:
		fmt.Fprintf(b, "GAP %s mm,0 mm\r\n", mm(orDefault(s.Gap)))
	case media.Mark:
		fmt.Fprintf(b, "BLINE %s mm,0 mm\r\n", mm(orDefault(s.MarkHeight)))
	case media.Continuous:
		b.WriteString("GAP 0 mm,0 mm\r\n")
	default:
		if s.Gap != nil {
			fmt.Fprintf(b, "GAP %s mm,0 mm\r\n", mm(*s.Gap))
		}
	}
	if s.Darkness != nil {
		fmt.Fprintf(b, "DENSITY %d\r\n", media.ScaleDarkness(*s.Darkness, 15))
	}
	if s.Speed != nil {
		fmt.Fprintf(b, "SPEED %s\r\n", strconv.FormatFloat(*s.Speed, 'f', -1, 64))
	}
	switch s.Method {
	case media.Direct:
		b.WriteString("SET RIBBON OFF\r\n")
	case media.Transfer:
		b.WriteString("SET RIBBON ON\r\n")
	}
	if o := s.Offset; o != nil {
		x, y := media.Dots(o.X, p.DPI), media.Dots(o.Y, p.DPI)
		if x > 0 || y > 0 {
			fmt.Fprintf(b, "REFERENCE %d,%d\r\n", max(x, 0), max(y, 0))
		}
		switch {
		case x < 0:
			fmt.Fprintf(b, "SHIFT %d,%d\r\n", x, min(y, 0))
		case y < 0:
			fmt.Fprintf(b, "SHIFT %d\r\n", y)
		}
	}
}
