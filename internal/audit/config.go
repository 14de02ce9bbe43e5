package audit

import "github.com/labelbridge/labelbridge/config"

// ConfigChanges records with record the printer changes a config rewrite
// made: network printers added or removed, the default printer changed.
// Every way to make them (panel, tray, CLI) rewrites the config through the
// agent's config.Writer, whose OnSave calls this.
func ConfigChanges(before, after config.Config, record func(event string, fields ...any)) {
	had := map[string]bool{}
	for _, np := range before.NetworkPrinters {
		had[np.PrinterID()] = true
	}
	has := map[string]bool{}
	for _, np := range after.NetworkPrinters {
		has[np.PrinterID()] = true
		if !had[np.PrinterID()] {
			record(PrinterAdded, "printer", np.PrinterID(), "name", np.Name, "address", np.Address, "language", np.Language)
		}
	}
	for _, np := range before.NetworkPrinters {
		if !has[np.PrinterID()] {
			record(PrinterRemoved, "printer", np.PrinterID(), "address", np.Address)
		}
	}
	if before.DefaultPrinter != after.DefaultPrinter {
		record(DefaultChanged, "printer", after.DefaultPrinter, "previous", before.DefaultPrinter)
	}
}
