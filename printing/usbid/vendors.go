package usbid

// Vendor is one row of the vendor table.
type Vendor struct {
	ID   uint16
	Name string
	// Language is the vendor's usual command language, used only when the
	// printer's 1284 ID names none ("" when the vendor's printers differ).
	Language string
	// LabelOnly is true for vendors that make printers and little else, so
	// a vendor-specific (class 255) interface of theirs is worth probing as
	// a printer. Vendors that also make scanners or other devices (Epson,
	// Brother, Honeywell Inc.) are false.
	LabelOnly bool
}

// vendors: USB vendor IDs of label and receipt printer makers, from usb.ids
// 2025.07.26 unless noted (see docs/usb.md). Languages are the vendor's
// native language where all its label printers share one.
var vendors = []Vendor{
	{0x0A5F, "Zebra", LangZPL, true},
	{0x1203, "TSC", LangTSPL, true},
	{0x1504, "Bixolon", "", true},
	{0x0828, "SATO", "", true},
	{0x067E, "Intermec", "", true},
	{0x0B0B, "Datamax-O'Neil", "", true},
	{0x10AC, "Honeywell", "", false},
	{0x1D90, "Citizen", "", true},
	{0x2730, "Citizen", "", true},
	{0x14AE, "Printronix", "", true},
	{0x04F9, "Brother", "", false},
	{0x0922, "Dymo", "", false},
	{0x04B8, "Epson", LangESCPOS, false},
	{0x0519, "Star Micronics", "", false},
	{0x08A6, "Toshiba TEC", "", true},
	{0x0985, "cab", "", true},
	{0x154F, "SNBC", "", true},
	{0x195F, "Godex", "", true}, // not in usb.ids (unverified)
	{0x6868, "Gprinter", LangTSPL, true},
	{0x2D37, "Xprinter", "", true},
	{0x20D1, "HPRT", "", true},
}

// product is a VID:PID known to be a printer whatever its vendor ID says
// (clones reuse other vendors' IDs, e.g. STMicro's).
type product struct {
	Name     string
	Language string
}

var products = map[[2]uint16]product{
	{0x0483, 0x5743}: {"Xprinter", ""},
	{0x0416, 0x5011}: {"Generic POS printer", LangESCPOS},
	{0x0471, 0x0055}: {"Generic POS printer", LangESCPOS},
	{0x1FC9, 0x2016}: {"Generic POS printer", LangESCPOS},
}

// LookupVendor returns the table row for a USB vendor ID.
func LookupVendor(vid uint16) (Vendor, bool) {
	for _, v := range vendors {
		if v.ID == vid {
			return v, true
		}
	}
	return Vendor{}, false
}

func lookupProduct(vid, pid uint16) (product, bool) {
	p, ok := products[[2]uint16{vid, pid}]
	return p, ok
}

// KnownPrinter reports whether vid:pid is worth probing as a printer even
// without a printer-class interface: a label-printer vendor or a known clone.
// The caller still checks for a bulk OUT endpoint.
func KnownPrinter(vid, pid uint16) bool {
	if _, ok := lookupProduct(vid, pid); ok {
		return true
	}
	v, ok := LookupVendor(vid)
	return ok && v.LabelOnly
}
