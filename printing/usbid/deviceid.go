// Package usbid holds the pure-Go parts that every Labelbridge USB backend
// shares (gousb in printing/usb, /dev/usb/lp* in printing/usblp, the Windows
// usbprint device in printing/winusb):
//
//   - IEEE-1284 device IDs: DecodeDeviceID strips the GET_DEVICE_ID length
//     prefix (big-endian, little-endian tolerated), ParseDeviceID reads the
//     KEY:value; pairs with their long and short keys;
//   - the printer's command language from the ID's CMD field, with a
//     vendor/model fallback table (Language, LookupVendor);
//   - stable printer ids (PrinterID) and display names (Describe);
//   - status queries in each language and their reply parsers (StatusQueryFor,
//     ParseZPLStatus, ParseTSPLStatus, ParseEPLStatus, ParseESCPOSStatus,
//     ParsePortStatus);
//   - the job delivery policy over any byte link (SendJob, QueryStatus):
//     check the status, write in chunks with timeouts, check again;
//   - the printing.Transport every backend builds on that (Transport): one
//     operation at a time, each opening the printer, and a "disconnected"
//     hold once it is closed or the backend's watcher stops.
//
// Nothing here does I/O by itself: backends hand in a Port (and Transport
// the func that opens one).
package usbid

import (
	"strings"
)

// DeviceID is a parsed IEEE-1284 device ID, e.g.
// "MFG:Zebra Technologies;CMD:ZPL;MDL:ZTC GK420d;CLS:PRINTER;".
type DeviceID struct {
	Manufacturer string   // MFG or MANUFACTURER
	Model        string   // MDL or MODEL
	CommandSet   []string // CMD or COMMAND SET, split on commas, upper-cased
	Class        string   // CLS or CLASS
	Serial       string   // SN, SERN, SERIALNUMBER or SERIAL NUMBER
	Description  string   // DES or DESCRIPTION
	// Fields holds every pair by its upper-cased key (the first of
	// duplicates), long and short keys as the printer sent them.
	Fields map[string]string
	// Raw is the ID string as parsed.
	Raw string
}

// maxDeviceID bounds how much of an ID is parsed (the 1284 length field is 16 bits).
const maxDeviceID = 1 << 16

// DecodeDeviceID returns the ID string from a GET_DEVICE_ID answer (also what
// LPIOC_GET_DEVICE_ID and IOCTL_USBPRINT_GET_1284_ID return): a 2-byte length
// that counts itself, big-endian per the spec, though some printers send it
// little-endian; then the ID. A length that fits neither way is ignored: the
// rest of the answer is used, or all of it when it starts with two letters
// (an ID with no length prefix, "MFG:…"). Trailing NULs and spaces are
// dropped.
func DecodeDeviceID(b []byte) string {
	if len(b) < 2 {
		return ""
	}
	n := len(b)
	be := int(b[0])<<8 | int(b[1])
	le := int(b[1])<<8 | int(b[0])
	start, end := 2, n
	switch {
	case be >= 2 && be <= n:
		end = be
	case le >= 2 && le <= n:
		end = le
	case isLetter(b[0]) && isLetter(b[1]):
		start = 0
	}
	s := b[start:end]
	if i := indexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(string(s))
}

func isLetter(c byte) bool { return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' }

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

// ParseDeviceID parses "KEY:value;KEY:value;…". Keys are matched without
// regard to case or surrounding spaces; values are trimmed. A pair without a
// colon is skipped; a value may itself contain colons.
func ParseDeviceID(s string) DeviceID {
	if len(s) > maxDeviceID {
		s = s[:maxDeviceID]
	}
	id := DeviceID{Fields: map[string]string{}, Raw: s}
	for _, pair := range strings.Split(s, ";") {
		k, v, ok := strings.Cut(pair, ":")
		if !ok {
			continue
		}
		k = strings.ToUpper(strings.TrimSpace(k))
		v = strings.TrimSpace(v)
		if k == "" {
			continue
		}
		if _, dup := id.Fields[k]; dup {
			continue
		}
		id.Fields[k] = v
	}
	id.Manufacturer = id.field("MFG", "MANUFACTURER")
	id.Model = id.field("MDL", "MODEL")
	id.Class = id.field("CLS", "CLASS")
	id.Serial = id.field("SN", "SERN", "SERIALNUMBER", "SERIAL NUMBER")
	id.Description = id.field("DES", "DESCRIPTION")
	if cmd := id.field("CMD", "COMMAND SET", "COMMANDSET"); cmd != "" {
		for _, c := range strings.Split(cmd, ",") {
			if c = strings.ToUpper(strings.TrimSpace(c)); c != "" {
				id.CommandSet = append(id.CommandSet, c)
			}
		}
	}
	return id
}

func (id DeviceID) field(keys ...string) string {
	for _, k := range keys {
		if v := id.Fields[k]; v != "" {
			return v
		}
	}
	return ""
}

// IsPrinter reports whether the ID says it is a printer: a printer class or
// a command set.
func (id DeviceID) IsPrinter() bool {
	return strings.EqualFold(id.Class, "PRINTER") || len(id.CommandSet) > 0
}
