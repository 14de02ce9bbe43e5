package usbid

import (
	"slices"
	"testing"
)

func TestDecodeDeviceID(t *testing.T) {
	t.Parallel()
	id := "MFG:Zebra Technologies;CMD:ZPL;MDL:ZTC GK420d;CLS:PRINTER;"
	be := append([]byte{0, byte(len(id) + 2)}, id...)
	le := append([]byte{byte(len(id) + 2), 0}, id...)
	long := make([]byte, 0, 300)
	body := "MFG:X;" + string(make([]byte, 0))
	for len(body) < 280 {
		body += "K:v;"
	}
	long = append(long, byte((len(body)+2)>>8), byte(len(body)+2))
	long = append(long, body...)
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"big-endian", be, id},
		{"little-endian", le, id},
		{"big-endian over 255", long, body},
		{"trailing NULs and padding", append(append([]byte{0, byte(len(id) + 2)}, id...), 0, 0, 0), id},
		{"length counts less than sent", append([]byte{0, 8}, "MFG:ABCDEFG"...), "MFG:AB"},
		{"length fits neither way", append([]byte{0xFF, 0xFE}, "MFG:A;"...), "MFG:A;"},
		{"no length prefix at all", []byte("MFG:Zebra;CMD:ZPL;"), "MFG:Zebra;CMD:ZPL;"},
		{"NUL inside", append([]byte{0, 12}, "MFG:A;\x00xyz"...), "MFG:A;"},
		{"empty", nil, ""},
		{"one byte", []byte{5}, ""},
		{"only a length", []byte{0, 2}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := DecodeDeviceID(tt.in); got != tt.want {
				t.Errorf("DecodeDeviceID = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseDeviceID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in                       string
		mfg, mdl, cls, sn, des   string
		cmd                      []string
		printer                  bool
		extraKey, extraKeyWanted string
	}{
		{
			in:  "MFG:Zebra Technologies;CMD:ZPL;MDL:ZTC GK420d;CLS:PRINTER;",
			mfg: "Zebra Technologies", mdl: "ZTC GK420d", cls: "PRINTER", cmd: []string{"ZPL"}, printer: true,
		},
		{
			in:  "MANUFACTURER:Zebra Technologies ;COMMAND SET:ZPL;MODEL:ZTC ZD611-203dpi ZPL;",
			mfg: "Zebra Technologies", mdl: "ZTC ZD611-203dpi ZPL", cmd: []string{"ZPL"}, printer: true,
		},
		{
			in:  "MFG:Printer;MDL:Thermal Printer;CMD:XPP,XL;",
			mfg: "Printer", mdl: "Thermal Printer", cmd: []string{"XPP", "XL"}, printer: true,
		},
		{
			in:  " mfg : TSC ; cmd: tspl2 , EPL2 ,; mdl:TTP-244 Pro; SN:A1B2; DES:Label printer",
			mfg: "TSC", mdl: "TTP-244 Pro", sn: "A1B2", des: "Label printer", cmd: []string{"TSPL2", "EPL2"}, printer: true,
		},
		{
			in:  "MFG:Acme;MDL:a:b:c;URL:http://x;",
			mfg: "Acme", mdl: "a:b:c", extraKey: "URL", extraKeyWanted: "http://x",
		},
		{in: "MFG:First;MFG:Second;", mfg: "First"},
		{in: "garbage without pairs"},
		{in: ""},
		{in: "CLS:PRINTER", cls: "PRINTER", printer: true},
		{in: "SERIAL NUMBER:XY 12;", sn: "XY 12"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			id := ParseDeviceID(tt.in)
			if id.Manufacturer != tt.mfg || id.Model != tt.mdl || id.Class != tt.cls || id.Serial != tt.sn || id.Description != tt.des {
				t.Errorf("got mfg=%q mdl=%q cls=%q sn=%q des=%q", id.Manufacturer, id.Model, id.Class, id.Serial, id.Description)
			}
			if !slices.Equal(id.CommandSet, tt.cmd) {
				t.Errorf("CommandSet = %q, want %q", id.CommandSet, tt.cmd)
			}
			if id.IsPrinter() != tt.printer {
				t.Errorf("IsPrinter = %v", id.IsPrinter())
			}
			if tt.extraKey != "" && id.Fields[tt.extraKey] != tt.extraKeyWanted {
				t.Errorf("Fields[%s] = %q", tt.extraKey, id.Fields[tt.extraKey])
			}
			if id.Raw != tt.in {
				t.Errorf("Raw = %q", id.Raw)
			}
		})
	}
}

func TestLanguage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		id       string
		vid, pid uint16
		want     string
	}{
		{"zebra zpl", "MFG:Zebra Technologies;CMD:ZPL;MDL:ZTC GK420d;", 0x0A5F, 0x0080, LangZPL},
		{"zebra epl and zpl lists zpl first", "MFG:Zebra;CMD:EPL,ZPL;MDL:GK420d", 0x0A5F, 0x0080, LangZPL},
		{"tsc native wins over an emulation", "MFG:TSC;CMD:ZPL,TSPL2;MDL:TE210", 0x1203, 0x0230, LangTSPL},
		{"long keys", "MANUFACTURER:TSC;COMMAND SET:TSPL/TSPL2;MODEL:TTP-244 Pro;", 0x1203, 0x0230, LangTSPL},
		{"xprinter xpp", "MFG:Printer;MDL:Thermal Printer;CMD:XPP,XL;", 0x2D37, 0x0001, LangTSPL},
		{"escpos", "MFG:EPSON;CMD:ESC/POS;MDL:TM-T20II", 0x04B8, 0x0E15, LangESCPOS},
		{"epl2", "MFG:Zebra;CMD:EPL2;MDL:LP 2844", 0x0A5F, 0x000A, LangEPL},
		{"unknown cmd, model says zpl", "MFG:Zebra;CMD:PJL;MDL:ZTC ZD611-203dpi ZPL", 0x0A5F, 0x0200, LangZPL},
		{"no id, vendor table", "", 0x0A5F, 0x0080, LangZPL},
		{"no id, tsc", "", 0x1203, 0x0230, LangTSPL},
		{"no id, pos clone on a foreign VID", "", 0x0416, 0x5011, LangESCPOS},
		{"no id, LP 2844 model", "MDL:LP 2844", 0x9999, 1, LangEPL},
		{"no id, LP 2844-Z model", "MDL:LP 2844-Z", 0x9999, 1, LangZPL},
		{"unknown everything", "MFG:Acme;MDL:Widget", 0x9999, 1, ""},
		{"brother has no default", "", 0x04F9, 0x2042, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Language(ParseDeviceID(tt.id), tt.vid, tt.pid); got != tt.want {
				t.Errorf("Language = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestLanguageFromName(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"ZDesigner GK420d":           LangZPL,
		"ZDesigner ZD421-203dpi ZPL": LangZPL,
		"TSC TTP-244 Pro":            LangTSPL,
		"EPSON TM-T20II Receipt":     LangESCPOS,
		"POS-80":                     LangESCPOS,
		"Zebra LP2844":               LangEPL,
		"Microsoft Print to PDF":     "",
		"Generic / Text Only":        "",
	} {
		if got := LanguageFromName(in); got != want {
			t.Errorf("LanguageFromName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDPIFromModel(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int{
		"ZTC ZD611-203dpi ZPL": 203, "ZT410-300dpi": 300, "X 600 DPI": 600, "GK420d": 0, "999dpi": 0,
	} {
		if got := DPIFromModel(in); got != want {
			t.Errorf("DPIFromModel(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestDescribe(t *testing.T) {
	t.Parallel()
	tests := []struct {
		id                  string
		vid, pid            uint16
		usbMfg, usbProd     string
		name, vendor, model string
	}{
		{"MFG:Zebra Technologies;MDL:ZTC GK420d;", 0x0A5F, 0x80, "", "", "Zebra ZTC GK420d", "Zebra Technologies", "ZTC GK420d"},
		{"MFG:TSC;MDL:TSC TTP-244 Pro;", 0x1203, 0x230, "", "", "TSC TTP-244 Pro", "TSC", "TSC TTP-244 Pro"},
		{"MFG:Printer;MDL:Thermal Printer;", 0x2D37, 1, "", "", "Xprinter Thermal Printer", "Xprinter", "Thermal Printer"},
		{"", 0x0416, 0x5011, "", "", "Generic POS printer", "Generic POS printer", ""},
		{"MFG:Zebra;", 0x0A5F, 0x0080, "", "", "Zebra USB printer", "Zebra", ""},
		{"", 0x9999, 1, "", "", "USB printer 9999:0001", "", ""},
		{"", 0x9999, 1, "Acme\x01 Corp", "Label  Maker", "Acme Label Maker", "Acme Corp", "Label Maker"},
		{"", 0x20D1, 7, "NXP SEMICONDUCTORS", "HT300", "HPRT HT300", "HPRT", "HT300"},
	}
	for _, tt := range tests {
		name, vendor, model := Describe(ParseDeviceID(tt.id), tt.vid, tt.pid, tt.usbMfg, tt.usbProd)
		if name != tt.name || vendor != tt.vendor || model != tt.model {
			t.Errorf("Describe(%q, %04x) = %q, %q, %q; want %q, %q, %q", tt.id, tt.vid, name, vendor, model, tt.name, tt.vendor, tt.model)
		}
	}
}

func TestPrinterID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		vid, pid uint16
		serial   string
		path     string
		want     string
	}{
		{0x0A5F, 0x0080, "ZBR1234567", "1-2", "usb:0a5f:0080:ZBR1234567"},
		{0x1203, 0x0230, "", "1-2.3", "usb:1203:0230:1-2.3"},
		{0x1203, 0x0230, "  ", "3-1", "usb:1203:0230:3-1"},
		{0x0416, 0x5011, "A B:C/D", "1-1", "usb:0416:5011:A_B_C_D"},
		{0x0416, 0x5011, "\x00\x00", "1-4", "usb:0416:5011:1-4"},
		{0x0416, 0x5011, "시리얼", "1-4", "usb:0416:5011:1-4"},
	}
	for _, tt := range tests {
		if got := PrinterID(tt.vid, tt.pid, tt.serial, tt.path); got != tt.want {
			t.Errorf("PrinterID(%q) = %q, want %q", tt.serial, got, tt.want)
		}
	}
	if got := BusPath(1, []int{2, 3}); got != "1-2.3" {
		t.Errorf("BusPath = %q", got)
	}
	if got := BusPath(2, nil); got != "2-0" {
		t.Errorf("BusPath root = %q", got)
	}
}

func TestKnownPrinter(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		vid, pid uint16
		want     bool
	}{
		{0x0A5F, 1, true}, {0x1203, 1, true}, {0x0483, 0x5743, true}, {0x0483, 0x5740, false},
		{0x04B8, 1, false}, {0x046D, 1, false},
	} {
		if got := KnownPrinter(tt.vid, tt.pid); got != tt.want {
			t.Errorf("KnownPrinter(%04x:%04x) = %v", tt.vid, tt.pid, got)
		}
	}
}
