package zpl

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/labelbridge/labelbridge/printing/label"
	"github.com/labelbridge/labelbridge/printing/media"
	"github.com/labelbridge/labelbridge/printing/raster"
)

// ZPL's ^LT moves the label top by at most this many dot rows either way.
const maxLabelTop = 120

// header returns the start of a label format with the printer and media
// settings (label.Label.Media) as ZPL commands:
//
//	~SDnn   darkness 00–30 (absolute, ZPL's own scale; ^MD is relative to
//	        the printer's setting, so it is not used)
//	^MNY|M|N media: gap (web), black mark, continuous
//	^MTD|T  print method: direct thermal, thermal transfer
//	^PRn    print speed in inches per second (1–14)
//	^PW     print width (printWidth, else the label's width), ^LL length
//	^LHx,y  offset right and down; ^LSn (left) and ^LTn (up) for negative
//	        offsets
//
// Unset settings send nothing, so the printer keeps its own.
func header(p *raster.Plan) (string, error) {
	s := p.Label.Media()
	var b strings.Builder
	if s.Darkness != nil {
		fmt.Fprintf(&b, "~SD%02d\n", *s.Darkness)
	}
	b.WriteString("^XA\n^CI28\n")
	switch s.Media {
	case media.Gap:
		b.WriteString("^MNY\n")
	case media.Mark:
		b.WriteString("^MNM\n")
	case media.Continuous:
		b.WriteString("^MNN\n")
	}
	switch s.Method {
	case media.Direct:
		b.WriteString("^MTD\n")
	case media.Transfer:
		b.WriteString("^MTT\n")
	}
	if s.Speed != nil {
		fmt.Fprintf(&b, "^PR%d\n", int(math.Round(*s.Speed)))
	}
	width := p.Width
	if s.PrintWidth != nil {
		width = media.Dots(*s.PrintWidth, p.DPI)
	}
	fmt.Fprintf(&b, "^PW%d\n^LL%d\n", width, p.Height)
	x, y := 0, 0
	if o := s.Offset; o != nil {
		x, y = media.Dots(o.X, p.DPI), media.Dots(o.Y, p.DPI)
	}
	fmt.Fprintf(&b, "^LH%d,%d\n", max(x, 0), max(y, 0))
	if x < 0 {
		fmt.Fprintf(&b, "^LS%d\n", -x)
	}
	if y < 0 {
		if y < -maxLabelTop {
			return "", label.Errorf(label.ReasonInvalid, "offset.y", "ZPL moves a label up by at most %d dots (^LT); %d dots asked", maxLabelTop, -y)
		}
		fmt.Fprintf(&b, "^LT%d\n", y)
	}
	return b.String(), nil
}

// serialize returns the ^SN (the whole field is the counter) or ^SF (a
// counter inside other text) command that makes the printer add the
// counter's step to each copy of a printer-drawn text, or "".
func serialize(p *raster.Plan, it *raster.Item) string {
	sr, ok := p.Label.Serials[it.Index]
	if !ok {
		return ""
	}
	if sr.Leading == 0 && sr.Trailing == 0 {
		return fmt.Sprintf("^SN%s,%d,Y", it.Text, sr.Step)
	}
	// The mask is aligned with the end of the field data: % skips a
	// character, d is a decimal digit. The increment string aligns the
	// same way, so the step's last digit sits under the counter's.
	mask := strings.Repeat("d", sr.Digits) + strings.Repeat("%", sr.Trailing)
	inc := fmt.Sprint(sr.Step) + strings.Repeat("0", sr.Trailing)
	return fmt.Sprintf("^SF%s,%s", mask, inc)
}

// ErrSerialNotNative is returned when a text marked for printer-side
// counting (label.Serial) is not drawn by the printer: the caller renders
// each copy on its own instead.
var ErrSerialNotNative = errors.New("a counter's text is not drawn by the printer")

// nativeFor is native with the counters of p's printer-drawn texts.
func nativeFor(p *raster.Plan) func(*raster.Item) string {
	return func(it *raster.Item) string {
		cmd := native(it)
		ser := ""
		if it.Type == label.TypeText {
			ser = serialize(p, it)
		}
		if cmd == "" || ser == "" {
			return cmd
		}
		if strings.HasPrefix(ser, "^SN") { // ^SN takes the place of ^FD
			return strings.TrimSuffix(cmd, fieldData(it.Text)) + ser + "^FS"
		}
		return strings.TrimSuffix(cmd, "^FS") + ser + "^FS"
	}
}

// checkSerials fails when a text marked for printer-side counting is not
// among the natively drawn items.
func checkSerials(p *raster.Plan, rasterMode bool) error {
	if len(p.Label.Serials) == 0 {
		return nil
	}
	for _, it := range p.Items {
		if _, ok := p.Label.Serials[it.Index]; ok && (rasterMode || native(it) == "") {
			return fmt.Errorf("%s: %w", label.ElementField(it.Index, "text"), ErrSerialNotNative)
		}
	}
	return nil
}
