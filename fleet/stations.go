package fleet

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteStations is the table of `labelbridge fleet stations`.
func WriteStations(w io.Writer, states []State) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STATION\tSTATUS\tQUEUED\tPRINTERS")
	for _, st := range states {
		status := "online"
		if !st.Online {
			status = "offline"
			if st.Reason != "" {
				status += " (" + st.Reason + ")"
			}
		}
		var ps []string
		for _, p := range st.Printers {
			s := p.ID + " " + p.Status.State
			if len(p.Status.Reasons) > 0 {
				s += " (" + strings.Join(p.Status.Reasons, ", ") + ")"
			}
			if p.IsDefault {
				s += " *"
			}
			ps = append(ps, s)
		}
		queued := "-"
		if st.Online {
			queued = fmt.Sprint(st.Queued)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", st.Station, status, queued, strings.Join(ps, "; "))
	}
	if len(states) == 0 {
		fmt.Fprintln(tw, "(no station has published its state on this broker)")
	}
	return tw.Flush()
}
