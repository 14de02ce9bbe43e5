package usbid

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/labelbridge/labelbridge/printing"
)

// Status reasons beyond the core's (printing.Reason*). Blocking reasons make
// the printer's state "error" and hold its jobs; warnings leave it ready.
const (
	ReasonPaperJam      = "paper_jam"
	ReasonCoverOpen     = "cover_open"
	ReasonCutterError   = "cutter_error"
	ReasonOverheated    = "overheated"
	ReasonPrinterError  = "printer_error"
	ReasonOffline       = "offline"
	ReasonAccessDenied  = "access_denied"
	ReasonDeviceBusy    = "device_busy"
	ReasonPaperLow      = "paper_low" // warning
	ReasonPrinterBusy   = "printing"  // warning: the printer is printing
	ReasonPrinterPaused = "printer_paused"
)

// The printer's own pause button is "printer_paused", never the core's
// "paused" (printing.ReasonPaused): the spooler treats "paused" as the
// user's choice and stops polling the printer's status while it lasts.

// order ranks blocking reasons: the first one is what the spooler shows.
var order = []string{
	printing.ReasonHeadOpen, ReasonCoverOpen, printing.ReasonPaperOut, printing.ReasonRibbonOut,
	ReasonPaperJam, ReasonCutterError, ReasonOverheated, ReasonPrinterPaused, ReasonOffline, ReasonPrinterError,
}

var warnings = map[string]bool{ReasonPaperLow: true, ReasonPrinterBusy: true}

// NewStatus builds a Status from reasons: "error" with the blocking reasons
// first (in a fixed order), "busy" when the printer reports it is printing,
// else "ready". Duplicates are dropped.
func NewStatus(reasons ...string) printing.Status {
	seen := map[string]bool{}
	var block, warn []string
	for _, r := range reasons {
		if r == "" || seen[r] {
			continue
		}
		seen[r] = true
		if warnings[r] {
			warn = append(warn, r)
		} else {
			block = append(block, r)
		}
	}
	rank := func(r string) int {
		for i, o := range order {
			if o == r {
				return i
			}
		}
		return len(order)
	}
	// insertion sort keeps unknown reasons in their given order, last
	for i := 1; i < len(block); i++ {
		for j := i; j > 0 && rank(block[j]) < rank(block[j-1]); j-- {
			block[j], block[j-1] = block[j-1], block[j]
		}
	}
	st := printing.Status{State: printing.PrinterReady, Reasons: append(block, warn...)}
	switch {
	case len(block) > 0:
		st.State = printing.PrinterError
	case seen[ReasonPrinterBusy]:
		st.State = printing.PrinterBusy
	}
	if st.Reasons == nil {
		st.Reasons = []string{}
	}
	return st
}

// ErrBadReply is wrapped by the parsers for a reply they cannot read.
var ErrBadReply = errors.New("unrecognised status reply")

// StatusQuery is how a language asks a printer for its status over a
// bidirectional link: send Command, read until Complete, then Parse.
type StatusQuery struct {
	Language string
	Command  []byte
	Complete func(reply []byte) bool
	Parse    func(reply []byte) (printing.Status, error)
	// AfterJob is true when the printer answers at once even with a job in
	// its buffer, so a query right after the job is meaningful.
	AfterJob bool
}

// Status commands per language (see /work/shared/notes/label-languages.md).
var (
	ZPLQuery    = []byte("~HQES")
	TSPLQuery   = []byte("\x1b!?")
	EPLQuery    = []byte("^ee\r\n")
	ESCPOSQuery = []byte{0x10, 0x04, 0x01, 0x10, 0x04, 0x02, 0x10, 0x04, 0x04} // DLE EOT 1, 2, 4
)

var queries = map[string]StatusQuery{
	LangZPL:    {LangZPL, ZPLQuery, zplComplete, ParseZPLStatus, true},
	LangTSPL:   {LangTSPL, TSPLQuery, func(b []byte) bool { return len(b) >= 1 }, ParseTSPLStatus, true},
	LangEPL:    {LangEPL, EPLQuery, func(b []byte) bool { return bytes.IndexByte(b, '\n') >= 0 }, ParseEPLStatus, false},
	LangESCPOS: {LangESCPOS, ESCPOSQuery, func(b []byte) bool { return len(b) >= 3 }, ParseESCPOSStatus, false},
}

// StatusQueryFor returns the status query of a language.
func StatusQueryFor(lang string) (StatusQuery, bool) {
	q, ok := queries[lang]
	return q, ok
}

const etx = 0x03

func zplComplete(b []byte) bool {
	i := bytes.Index(asciiUpper(b), []byte("ERRORS:"))
	return i >= 0 && bytes.IndexByte(b[i:], etx) >= 0
}

// asciiUpper upper-cases ASCII letters only, so offsets stay valid for the
// original bytes (bytes.ToUpper rewrites invalid UTF-8 and changes lengths).
func asciiUpper(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		out[i] = c
	}
	return out
}

// ZPL ~HQES error bits (the low 32 bits). Media out, ribbon out, head open
// and cutter are confirmed by Zebra and OKI manuals; the jam and pause bits
// follow the notes and are unverified on hardware.
var zplErrorBits = []struct {
	bit    uint64
	reason string
}{
	{0x1, printing.ReasonPaperOut},
	{0x2, printing.ReasonRibbonOut},
	{0x4, printing.ReasonHeadOpen},
	{0x8, ReasonCutterError},
	{0x10, ReasonOverheated}, // printhead over temperature
	{0x20, ReasonOverheated}, // motor over temperature
	{0x1000, ReasonPaperJam},
	{0x10000, ReasonPrinterPaused},
}

// ParseZPLStatus reads a ZPL ~HQES reply:
//
//	<STX>
//	  PRINTER STATUS
//	   ERRORS:         1 00000000 00000005
//	   WARNINGS:       0 00000000 00000000
//	<ETX>
//
// Error bits become blocking reasons (unknown bits: printer_error); the
// "paper almost out" warning (0x8) becomes paper_low. When the reply holds
// several blocks the last complete one counts.
func ParseZPLStatus(reply []byte) (printing.Status, error) {
	up := asciiUpper(reply)
	i := bytes.LastIndex(up, []byte("ERRORS:"))
	// "WARNINGS:" does not contain "ERRORS:", so i is the errors line.
	if i < 0 {
		return printing.Status{}, fmt.Errorf("zpl: no ERRORS line: %w", ErrBadReply)
	}
	flag, mask, err := zplFlags(up[i+len("ERRORS:"):])
	if err != nil {
		return printing.Status{}, fmt.Errorf("zpl errors: %w", err)
	}
	var reasons []string
	known := uint64(0)
	for _, b := range zplErrorBits {
		known |= b.bit
		if mask&b.bit != 0 {
			reasons = append(reasons, b.reason)
		}
	}
	if mask&^known != 0 || (flag && mask == 0) {
		reasons = append(reasons, ReasonPrinterError)
	}
	if w := bytes.Index(up[i:], []byte("WARNINGS:")); w >= 0 {
		if _, wmask, err := zplFlags(up[i+w+len("WARNINGS:"):]); err == nil && wmask&0x8 != 0 {
			reasons = append(reasons, ReasonPaperLow)
		}
	}
	return NewStatus(reasons...), nil
}

// zplFlags reads "f hhhhhhhh hhhhhhhh" (the flag digit, then the high and
// low 32 bits in hex).
func zplFlags(b []byte) (flag bool, mask uint64, err error) {
	if j := bytes.IndexAny(b, "\r\n\x03"); j >= 0 {
		b = b[:j]
	}
	f := strings.Fields(string(b))
	if len(f) < 3 || (f[0] != "0" && f[0] != "1") {
		return false, 0, fmt.Errorf("fields %q: %w", f, ErrBadReply)
	}
	hi, err1 := strconv.ParseUint(f[1], 16, 32)
	lo, err2 := strconv.ParseUint(f[2], 16, 32)
	if err1 != nil || err2 != nil {
		return false, 0, fmt.Errorf("hex %q %q: %w", f[1], f[2], ErrBadReply)
	}
	return f[0] == "1", hi<<32 | lo, nil
}

// ParseTSPLStatus reads the one-byte answer to TSPL <ESC>!? (the last byte
// of reply): bit 0 head open, 1 paper jam, 2 out of paper, 3 out of ribbon,
// 4 pause, 5 printing, 6 cover open, 7 environment temperature.
func ParseTSPLStatus(reply []byte) (printing.Status, error) {
	if len(reply) == 0 {
		return printing.Status{}, fmt.Errorf("tspl: empty reply: %w", ErrBadReply)
	}
	b := reply[len(reply)-1]
	var reasons []string
	for i, r := range []string{
		printing.ReasonHeadOpen, ReasonPaperJam, printing.ReasonPaperOut, printing.ReasonRibbonOut,
		ReasonPrinterPaused, ReasonPrinterBusy, ReasonCoverOpen, ReasonOverheated,
	} {
		if b&(1<<i) != 0 {
			reasons = append(reasons, r)
		}
	}
	return NewStatus(reasons...), nil
}

// EPL2 ^ee error codes (unverified on hardware; other codes are about the
// last command, such as a syntax error, and do not stop the printer).
var eplCodes = map[string]string{
	"07": printing.ReasonPaperOut, // paper or ribbon empty
	"11": printing.ReasonHeadOpen,
	"12": ReasonPrinterPaused,
	"50": ReasonOverheated,
	"51": ReasonOverheated,
}

// ParseEPLStatus reads the EPL2 ^ee reply: "00" when fine, or
// comma-separated two-digit error codes, ending in CR LF.
func ParseEPLStatus(reply []byte) (printing.Status, error) {
	line := string(reply)
	if j := strings.LastIndexByte(strings.TrimRight(line, "\r\n"), '\n'); j >= 0 {
		line = line[j+1:]
	}
	line = strings.TrimSpace(line)
	if line == "" {
		return printing.Status{}, fmt.Errorf("epl: empty reply: %w", ErrBadReply)
	}
	var reasons []string
	for _, c := range strings.Split(line, ",") {
		c = strings.TrimSpace(c)
		if len(c) != 2 || c[0] < '0' || c[0] > '9' || c[1] < '0' || c[1] > '9' {
			return printing.Status{}, fmt.Errorf("epl: code %q: %w", c, ErrBadReply)
		}
		if r, ok := eplCodes[c]; ok {
			reasons = append(reasons, r)
		}
	}
	return NewStatus(reasons...), nil
}

// ParseESCPOSStatus reads the three one-byte answers to DLE EOT 1, 2 and 4.
// Each byte has the fixed bits 0x12 (bit 1 and 4 set, bit 0 and 7 clear).
//
//   - n=1 printer: bit 3 off-line;
//   - n=2 off-line cause: bit 2 cover open, bit 5 stopped at paper end,
//     bit 6 error;
//   - n=4 paper sensor: 0x0C near end, 0x60 paper end.
func ParseESCPOSStatus(reply []byte) (printing.Status, error) {
	if len(reply) < 3 {
		return printing.Status{}, fmt.Errorf("escpos: %d bytes, want 3: %w", len(reply), ErrBadReply)
	}
	b := reply[len(reply)-3:]
	for _, x := range b {
		if x&0x93 != 0x12 {
			return printing.Status{}, fmt.Errorf("escpos: byte %#02x lacks the fixed bits: %w", x, ErrBadReply)
		}
	}
	var reasons []string
	if b[1]&0x04 != 0 {
		reasons = append(reasons, ReasonCoverOpen)
	}
	if b[1]&0x20 != 0 || b[2]&0x60 != 0 {
		reasons = append(reasons, printing.ReasonPaperOut)
	}
	if b[1]&0x40 != 0 {
		reasons = append(reasons, ReasonPrinterError)
	}
	if b[2]&0x0C != 0 {
		reasons = append(reasons, ReasonPaperLow)
	}
	if b[0]&0x08 != 0 && len(reasons) == 0 {
		reasons = append(reasons, ReasonOffline)
	}
	return NewStatus(reasons...), nil
}

// ParsePortStatus reads the USB printer class GET_PORT_STATUS byte (also
// LPGETSTATUS and IOCTL_USBPRINT_GET_LPT_STATUS): bit 3 not-error, bit 4
// select, bit 5 paper empty, and the vendor bits 0x40 jam and 0x80 cover open
// that PAPPL also reads. 0x00 and 0xFF, which broken firmware sends, mean
// "unknown" and read as ready.
func ParsePortStatus(b byte) printing.Status {
	if b == 0x00 || b == 0xFF {
		return NewStatus()
	}
	var reasons []string
	if b&0x20 != 0 {
		reasons = append(reasons, printing.ReasonPaperOut)
	}
	if b&0x40 != 0 {
		reasons = append(reasons, ReasonPaperJam)
	}
	if b&0x80 != 0 {
		reasons = append(reasons, ReasonCoverOpen)
	}
	if b&0x08 == 0 && len(reasons) == 0 {
		reasons = append(reasons, ReasonPrinterError)
	}
	return NewStatus(reasons...)
}
