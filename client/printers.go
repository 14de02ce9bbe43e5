package client

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/labelbridge/labelbridge/wire"
)

// WritePrinters is the table of `labelbridge printers`.
func WritePrinters(w io.Writer, list []wire.Printer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DEFAULT\tID\tNAME\tCONNECTION\tLANGUAGE\tDPI\tSTATUS\tQUEUED")
	for _, p := range list {
		def := ""
		if p.IsDefault {
			def = "*"
		}
		status := p.Status.State
		if len(p.Status.Reasons) > 0 {
			status += " (" + strings.Join(p.Status.Reasons, ", ") + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\t%d\n", def, p.ID, p.Name, p.Connection, p.Language, p.DPI, status, p.Queued)
	}
	return tw.Flush()
}
