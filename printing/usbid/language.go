package usbid

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// Command languages (the Printer.Language values). "" means unknown.
const (
	LangZPL    = "zpl"
	LangTSPL   = "tspl"
	LangEPL    = "epl"
	LangESCPOS = "escpos"
)

// cmdTokens maps command-set tokens from 1284 IDs to languages. Tokens are
// compared upper-cased with spaces, dashes and slashes removed.
var cmdTokens = map[string]string{
	"ZPL": LangZPL, "ZPL2": LangZPL, "ZPLII": LangZPL,
	"TSPL": LangTSPL, "TSPL2": LangTSPL, "TSPLTSPL2": LangTSPL, "TSC": LangTSPL,
	// LPrint lists "CMD:XPP,XL" (Xprinter-made label printers) as TSPL.
	"XPP": LangTSPL,
	"EPL": LangEPL, "EPL2": LangEPL, "EPL1": LangEPL,
	"ESCPOS": LangESCPOS, "ESCPOSTM": LangESCPOS, "EPSONESCPOS": LangESCPOS, "ESCPOSL": LangESCPOS,
}

func normToken(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '/' || r == '_' || r == '.' {
			return -1
		}
		return unicode.ToUpper(r)
	}, s)
}

// LanguageFromCommandSet picks the language from a 1284 command set: the
// vendor's native language when the printer lists it (a TSC printer that
// also emulates ZPL speaks TSPL), else the first one it lists that
// Labelbridge speaks. It returns "" when none is known.
func LanguageFromCommandSet(cmds []string, native string) string {
	first := ""
	for _, c := range cmds {
		l := cmdTokens[normToken(c)]
		if l == "" {
			continue
		}
		if l == native {
			return l
		}
		if first == "" {
			first = l
		}
	}
	return first
}

// Language detects a printer's command language: from the 1284 command set
// first, then from words in its manufacturer and model, then from the
// vendor/product table. It returns "" when unknown.
func Language(id DeviceID, vid, pid uint16) string {
	native := ""
	if p, ok := lookupProduct(vid, pid); ok {
		native = p.Language
	} else if v, ok := LookupVendor(vid); ok {
		native = v.Language
	}
	if l := LanguageFromCommandSet(id.CommandSet, native); l != "" {
		return l
	}
	if l := LanguageFromName(id.Model); l != "" {
		return l
	}
	if l := LanguageFromName(id.Manufacturer + " " + id.Model); l != "" {
		return l
	}
	return native
}

var nameWords = []struct {
	re   *regexp.Regexp
	lang string
}{
	{regexp.MustCompile(`(?i)\bZPL`), LangZPL},
	{regexp.MustCompile(`(?i)\bZDesigner\b`), LangZPL},
	{regexp.MustCompile(`(?i)\bT?LP ?28[24]4-?Z\b`), LangZPL}, // LP 2844-Z speaks ZPL
	{regexp.MustCompile(`(?i)\bTSPL`), LangTSPL},
	{regexp.MustCompile(`(?i)\bEPL`), LangEPL},
	{regexp.MustCompile(`(?i)\b(ESC/?POS|TM-[A-Z]?\d|receipt|POS-?\d+)`), LangESCPOS},
	{regexp.MustCompile(`(?i)\b(T?LP ?28[24]4|GC420)`), LangEPL}, // Zebra EPL-only desktop models
	{regexp.MustCompile(`(?i)\bTSC\b`), LangTSPL},
}

// LanguageFromName guesses the language from a model or driver name
// ("ZDesigner GK420d", "ZTC ZD611-203dpi ZPL", "TSC TTP-244 Pro",
// "EPSON TM-T20II Receipt"). It returns "" when nothing matches.
func LanguageFromName(s string) string {
	for _, w := range nameWords {
		if w.re.MatchString(s) {
			return w.lang
		}
	}
	return ""
}

var dpiRe = regexp.MustCompile(`(?i)(\d{3})\s?dpi`)

// DPIFromModel reads a resolution written in a model name
// ("ZTC ZD611-203dpi ZPL" → 203). It returns 0 when there is none.
func DPIFromModel(model string) int {
	m := dpiRe.FindStringSubmatch(model)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	switch n {
	case 152, 200, 203, 300, 305, 600:
		return n
	}
	return 0
}

// Describe returns a printer's display name, vendor and model from what is
// known: the 1284 ID first, then the USB string descriptors, then the vendor
// table.
func Describe(id DeviceID, vid, pid uint16, usbManufacturer, usbProduct string) (name, vendor, model string) {
	mfg := firstNonEmpty(clean(id.Manufacturer), clean(usbManufacturer))
	model = firstNonEmpty(clean(id.Model), clean(usbProduct))
	vendor = mfg
	if v, ok := LookupVendor(vid); ok && (vendor == "" || generic(vendor)) {
		vendor = v.Name
	}
	if p, ok := lookupProduct(vid, pid); ok && (vendor == "" || generic(vendor)) {
		vendor = p.Name
	}
	switch {
	case model == "" && vendor == "":
		name = fmt.Sprintf("USB printer %04x:%04x", vid, pid)
	case model == "" && strings.HasSuffix(strings.ToLower(vendor), "printer"):
		name = vendor
	case model == "":
		name = vendor + " USB printer"
	case vendor == "" || hasPrefixFold(model, vendor) || hasPrefixFold(model, firstWord(vendor)):
		name = model
	default:
		name = firstWord(vendor) + " " + model
	}
	return clean(name), clean(vendor), clean(model)
}

// generic reports a manufacturer string that names no real vendor (clones
// report "Printer", or the USB chip maker).
func generic(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "printer", "generic", "nxp semiconductors", "stmicroelectronics", "usb", "unknown", "":
		return true
	}
	return false
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

func firstWord(s string) string {
	if i := strings.IndexByte(s, ' '); i > 0 {
		return s[:i]
	}
	return s
}

func hasPrefixFold(s, prefix string) bool {
	return prefix != "" && len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// clean drops control characters and squeezes spaces (names go to the UI).
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// PrinterID is the stable id of a USB printer:
// "usb:VID:PID:SERIAL" with lowercase 4-hex-digit VID and PID, or
// "usb:VID:PID:BUSPATH" (e.g. "1-2.3", the port the printer is plugged
// into) when it has no serial number. The serial is cleaned to letters,
// digits, '.', '_' and '-'.
func PrinterID(vid, pid uint16, serial, busPath string) string {
	tail := cleanSerial(serial)
	if tail == "" {
		tail = busPath
	}
	return fmt.Sprintf("usb:%04x:%04x:%s", vid, pid, tail)
}

func cleanSerial(s string) string {
	s = strings.TrimSpace(s)
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '_' || r == '-'):
			b.WriteRune(r)
		case r == 0:
			// NUL padding
		default:
			b.WriteByte('_')
		}
	}
	out := strings.Trim(b.String(), "_")
	if len(out) > 64 {
		out = out[:64]
	}
	return out
}

// BusPath formats a USB port path as Linux names it: bus "-" ports joined
// with ".", e.g. BusPath(1, []int{2, 3}) == "1-2.3".
func BusPath(bus int, ports []int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d-", bus)
	for i, p := range ports {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(strconv.Itoa(p))
	}
	if len(ports) == 0 {
		b.WriteByte('0')
	}
	return b.String()
}
