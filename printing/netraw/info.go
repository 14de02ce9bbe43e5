package netraw

import "github.com/labelbridge/labelbridge/printing"

// Info describes a configured network printer to the spooler: name ""
// becomes "Network printer ADDRESS", dpi 0 becomes 203; it starts ready
// until measured.
func Info(id, name, address, language string, dpi int) printing.Printer {
	if name == "" {
		name = "Network printer " + address
	}
	if dpi == 0 {
		dpi = 203
	}
	return printing.Printer{
		ID: id, Name: name, Connection: printing.ConnNetwork, Language: language,
		DPI: dpi, Address: address, Configured: true,
		Status: printing.Status{State: printing.PrinterReady, Reasons: []string{}},
	}
}
