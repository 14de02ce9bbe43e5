package escpos

import (
	"fmt"

	"github.com/labelbridge/labelbridge/printing/label"
	"github.com/labelbridge/labelbridge/printing/media"
	"github.com/labelbridge/labelbridge/printing/raster"
)

// printableWidth returns the dots a row may hold: the label's or printer's
// printWidth, else media.DefaultReceiptWidthMM (72 mm: 576 dots at 203 dpi
// on 80 mm paper). ESC/POS has no portable darkness, speed or media
// command, so printWidth is the only setting it uses.
func printableWidth(p *raster.Plan) (dots int, mm float64) {
	mm = media.DefaultReceiptWidthMM
	if w := p.Label.Media().PrintWidth; w != nil {
		mm = *w
	}
	return media.Dots(mm, p.DPI), mm
}

// checkWidth refuses a label with an element beyond the printable width
// (the printer would drop or wrap those dots); blank label width beyond it
// is clipped.
func checkWidth(p *raster.Plan) (int, error) {
	limit, mm := printableWidth(p)
	for _, it := range p.Items {
		if it.Bounds.Empty() || it.Bounds.Max.X <= limit {
			continue
		}
		return 0, label.Errorf(label.ReasonInvalid, label.ElementField(it.Index, ""),
			"the %s ends at x = %d dots (%.1f mm), beyond the printer's printable width of %d dots (%s mm): move it left, make the label narrower or set printWidth",
			it.Type, it.Bounds.Max.X, float64(it.Bounds.Max.X)/media.DotsPerMM(p.DPI), limit, fmt.Sprintf("%g", mm))
	}
	return limit, nil
}
