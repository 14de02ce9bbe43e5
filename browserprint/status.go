package browserprint

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/labelbridge/labelbridge/printing"
)

// queryRE finds the status queries Labelbridge answers itself: ~HQES (host
// query: error status), ~HS (host status) and SGD "! U1 getvar".
var queryRE = regexp.MustCompile(`(?i)~HQES|~HS|!\s*U1\s+getvar\s+"([^"\r\n]*)"[ \t]*(?:\r?\n)?`)

// Queries finds the status queries in data, returns their answers in order
// (synthesised from the printer's status as Labelbridge knows it), and
// reports whether data holds nothing else, in which case nothing is printed.
func Queries(data string, p printing.Printer, version string) (answers []byte, onlyQueries bool) {
	matches := queryRE.FindAllStringSubmatchIndex(data, -1)
	if len(matches) == 0 {
		return nil, false
	}
	var rest strings.Builder
	last := 0
	for _, m := range matches {
		rest.WriteString(data[last:m[0]])
		last = m[1]
		q := strings.ToUpper(data[m[0]:m[1]])
		switch {
		case q == "~HQES":
			answers = append(answers, HQES(p.Status)...)
		case q == "~HS":
			answers = append(answers, HS(p.Status)...)
		default:
			answers = append(answers, getvar(data[m[2]:m[3]], p, version)...)
		}
	}
	rest.WriteString(data[last:])
	return answers, strings.TrimSpace(rest.String()) == ""
}

// HQES is a ~HQES reply for a printer in status st, laid out like a Zebra
// printer's (STX, "PRINTER STATUS", the ERRORS and WARNINGS lines, ETX) so
// that Zebra's sample status code, which reads characters 70 (error flag),
// 84 (paused), 87 (head) and 88 (media), reads it right.
func HQES(st printing.Status) []byte {
	media, pause := 0, 0
	for _, r := range st.Reasons {
		switch r {
		case printing.ReasonPaperOut:
			media |= 0x1
		case printing.ReasonRibbonOut:
			media |= 0x2
		case printing.ReasonHeadOpen:
			media |= 0x4
		case printing.ReasonPaused:
			pause = 1
		}
	}
	flag := 0
	if media != 0 || pause != 0 || st.State == printing.PrinterError || st.State == printing.PrinterOffline {
		flag = 1
	}
	return fmt.Appendf(nil, "\x02\r\n%-46s\r\n   ERRORS:         %d 00000000 %08X\r\n   WARNINGS:       0 00000000 00000000\r\n\x03",
		" PRINTER STATUS", flag, media|pause<<16)
}

// HS is a ~HS reply (three STX…ETX strings): paper out and pause in the
// first, head open and ribbon out in the second.
func HS(st printing.Status) []byte {
	has := func(reason string) int {
		for _, r := range st.Reasons {
			if r == reason {
				return 1
			}
		}
		return 0
	}
	return fmt.Appendf(nil, "\x02030,%d,%d,0000,000,0,0,0,000,0,0,0\x03\r\n\x02000,0,%d,%d,0,2,6,0,00000000,1,000\x03\r\n\x021234,0\x03\r\n",
		has(printing.ReasonPaperOut), has(printing.ReasonPaused), has(printing.ReasonHeadOpen), has(printing.ReasonRibbonOut))
}

// getvar answers the few SGD variables pages ask for; others get "?" as a
// printer answers an unknown variable.
func getvar(name string, p printing.Printer, version string) []byte {
	has := func(reason string) bool {
		for _, r := range p.Status.Reasons {
			if r == reason {
				return true
			}
		}
		return false
	}
	v := "?"
	switch strings.ToLower(name) {
	case "device.languages":
		v = p.Language
	case "device.friendly_name":
		v = p.Name
	case "device.product_name":
		v = p.Model
		if v == "" {
			v = p.Name
		}
	case "device.unique_id":
		v = UID(p.ID)
	case "appl.name":
		v = "Labelbridge " + version
	case "head.latch":
		v = "ok"
		if has(printing.ReasonHeadOpen) {
			v = "open"
		}
	case "media.status":
		v = "ok"
		if has(printing.ReasonPaperOut) {
			v = "out"
		}
	}
	return []byte(`"` + v + `"`)
}
