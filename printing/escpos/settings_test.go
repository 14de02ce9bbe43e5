package escpos

import "github.com/labelbridge/labelbridge/printing/label"

// wideHeads gives each label a printWidth as wide as the label: the golden
// labels stand for label printers in ESC/POS mode, whose heads are wider
// than a receipt printer's 72 mm (docs/labels.md).
func wideHeads(labels map[string]*label.Label) {
	for _, l := range labels {
		w := l.Width
		l.PrintWidth = &w
	}
}
