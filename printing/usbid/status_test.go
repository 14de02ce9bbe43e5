package usbid

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/labelbridge/labelbridge/printing"
)

func hqes(errFlag int, errs uint32, warns uint32) []byte {
	return fmt.Appendf(nil, "\x02\r\n\r\n  PRINTER STATUS                            \r\n"+
		"   ERRORS:         %d 00000000 %08X \r\n"+
		"   WARNINGS:       %d 00000000 %08X \r\n\x03\r\n", errFlag, errs, b2i(warns != 0), warns)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

type statusCase struct {
	name    string
	reply   []byte
	state   string
	reasons []string
	bad     bool
}

func runStatus(t *testing.T, parse func([]byte) (printing.Status, error), cases []statusCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st, err := parse(tt.reply)
			if tt.bad {
				if !errors.Is(err, ErrBadReply) {
					t.Fatalf("err = %v, want ErrBadReply", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if st.State != tt.state || !slices.Equal(st.Reasons, tt.reasons) {
				t.Errorf("status = %s %q, want %s %q", st.State, st.Reasons, tt.state, tt.reasons)
			}
		})
	}
}

func TestParseZPLStatus(t *testing.T) {
	t.Parallel()
	runStatus(t, ParseZPLStatus, []statusCase{
		{"ready", hqes(0, 0, 0), "ready", []string{}, false},
		{"paper out", hqes(1, 0x1, 0), "error", []string{"paper_out"}, false},
		{"head open and ribbon out, head first", hqes(1, 0x6, 0), "error", []string{"head_open", "ribbon_out"}, false},
		{"paused", hqes(1, 0x10000, 0), "error", []string{"printer_paused"}, false},
		{"unknown bit", hqes(1, 0x80000000, 0), "error", []string{"printer_error"}, false},
		{"flag without bits", hqes(1, 0, 0), "error", []string{"printer_error"}, false},
		{"paper low warning", hqes(0, 0, 0x8), "ready", []string{"paper_low"}, false},
		{"lowercase, no framing", []byte("errors: 1 00000000 00000004\nwarnings: 0 00000000 00000000\n"), "error", []string{"head_open"}, false},
		{"two blocks, the last counts", append(hqes(1, 1, 0), hqes(0, 0, 0)...), "ready", []string{}, false},
		{"high word bit", []byte("ERRORS: 1 00000001 00000000\x03"), "error", []string{"printer_error"}, false},
		{"no errors line", []byte("\x02PRINTER STATUS\x03"), "", nil, true},
		{"bad hex", []byte("ERRORS: 1 0000000G 00000000\x03"), "", nil, true},
		{"too few fields", []byte("ERRORS: 1\x03"), "", nil, true},
		{"empty", nil, "", nil, true},
	})
	if !zplComplete(hqes(0, 0, 0)) || zplComplete([]byte("\x02\r\n PRINTER STATUS\r\n ERRORS: 0 0")) {
		t.Error("zplComplete")
	}
}

func TestParseTSPLStatus(t *testing.T) {
	t.Parallel()
	runStatus(t, ParseTSPLStatus, []statusCase{
		{"ready", []byte{0}, "ready", []string{}, false},
		{"head open", []byte{0x01}, "error", []string{"head_open"}, false},
		{"paper out", []byte{0x04}, "error", []string{"paper_out"}, false},
		{"ribbon out and jam", []byte{0x0A}, "error", []string{"ribbon_out", "paper_jam"}, false},
		{"pause", []byte{0x10}, "error", []string{"printer_paused"}, false},
		{"printing", []byte{0x20}, "busy", []string{"printing"}, false},
		{"printing and paper out", []byte{0x24}, "error", []string{"paper_out", "printing"}, false},
		{"cover open", []byte{0x40}, "error", []string{"cover_open"}, false},
		{"temperature", []byte{0x80}, "error", []string{"overheated"}, false},
		{"last byte counts", []byte{0x04, 0x00}, "ready", []string{}, false},
		{"empty", nil, "", nil, true},
	})
}

func TestParseEPLStatus(t *testing.T) {
	t.Parallel()
	runStatus(t, ParseEPLStatus, []statusCase{
		{"ready", []byte("00\r\n"), "ready", []string{}, false},
		{"paper", []byte("07\r\n"), "error", []string{"paper_out"}, false},
		{"head and pause", []byte("12,11\r\n"), "error", []string{"head_open", "printer_paused"}, false},
		{"syntax error does not block", []byte("01\r\n"), "ready", []string{}, false},
		{"last line counts", []byte("07\r\n00\r\n"), "ready", []string{}, false},
		{"junk", []byte("OK\r\n"), "", nil, true},
		{"empty", []byte("\r\n"), "", nil, true},
	})
}

func TestParseESCPOSStatus(t *testing.T) {
	t.Parallel()
	runStatus(t, ParseESCPOSStatus, []statusCase{
		{"ready", []byte{0x12, 0x12, 0x12}, "ready", []string{}, false},
		{"paper end", []byte{0x1A, 0x32, 0x72}, "error", []string{"paper_out"}, false},
		{"cover open", []byte{0x1A, 0x16, 0x12}, "error", []string{"cover_open"}, false},
		{"near end", []byte{0x12, 0x12, 0x1E}, "ready", []string{"paper_low"}, false},
		{"offline without cause", []byte{0x1A, 0x12, 0x12}, "error", []string{"offline"}, false},
		{"error bit", []byte{0x1A, 0x52, 0x12}, "error", []string{"printer_error"}, false},
		{"short", []byte{0x12, 0x12}, "", nil, true},
		{"not escpos", []byte{0x00, 0x00, 0x00}, "", nil, true},
	})
}

func TestParsePortStatus(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		b       byte
		state   string
		reasons []string
	}{
		{0x18, "ready", []string{}},
		{0x30, "error", []string{"paper_out"}},
		{0x38, "error", []string{"paper_out"}},
		{0x10, "error", []string{"printer_error"}},
		{0x98, "error", []string{"cover_open"}},
		{0x00, "ready", []string{}},
		{0xFF, "ready", []string{}},
	} {
		st := ParsePortStatus(tt.b)
		if st.State != tt.state || !slices.Equal(st.Reasons, tt.reasons) {
			t.Errorf("ParsePortStatus(%#02x) = %s %q, want %s %q", tt.b, st.State, st.Reasons, tt.state, tt.reasons)
		}
	}
}

func TestNewStatus(t *testing.T) {
	t.Parallel()
	st := NewStatus("paper_low", "printer_error", "paper_out", "paper_out", "", "head_open", "mystery")
	want := []string{"head_open", "paper_out", "printer_error", "mystery", "paper_low"}
	if st.State != "error" || !slices.Equal(st.Reasons, want) {
		t.Errorf("NewStatus = %s %q, want error %q", st.State, st.Reasons, want)
	}
	if st := NewStatus(); st.State != "ready" || st.Reasons == nil || len(st.Reasons) != 0 {
		t.Errorf("empty NewStatus = %#v", st)
	}
}

func TestStatusQueryFor(t *testing.T) {
	t.Parallel()
	for _, l := range []string{LangZPL, LangTSPL, LangEPL, LangESCPOS} {
		q, ok := StatusQueryFor(l)
		if !ok || len(q.Command) == 0 || q.Complete == nil || q.Parse == nil {
			t.Errorf("%s: %+v", l, q)
		}
	}
	if _, ok := StatusQueryFor(""); ok {
		t.Error("unknown language has a query")
	}
}

func TestParseZPLHostStatus(t *testing.T) {
	const ok1, ok2, ok3 = "\x02030,0,0,1245,000,0,0,0,000,0,0,0\x03\r\n", "\x02001,0,0,0,1,2,6,0,00000000,1,000\x03\r\n", "\x021234,0\x03\r\n"
	for _, tc := range []struct {
		name  string
		reply string
		state string
		want  []string
		bad   bool
	}{
		{"ready", ok1 + ok2 + ok3, printing.PrinterReady, []string{}, false},
		{"paper out", "\x02030,1,0,1245,000,0,0,0,000,0,0,0\x03\r\n" + ok2 + ok3, printing.PrinterError, []string{printing.ReasonPaperOut}, false},
		{"paused and head open", "\x02030,0,1,1245,000,0,0,0,000,0,0,0\x03\r\n" + "\x02001,0,1,0,1,2,6,0,00000000,1,000\x03\r\n" + ok3,
			printing.PrinterError, []string{printing.ReasonHeadOpen, ReasonPrinterPaused}, false},
		{"ribbon out", ok1 + "\x02001,0,0,1,1,2,6,0,00000000,1,000\x03\r\n" + ok3, printing.PrinterError, []string{printing.ReasonRibbonOut}, false},
		{"over temperature", "\x02030,0,0,1245,000,0,0,0,000,0,0,1\x03\r\n" + ok2 + ok3, printing.PrinterError, []string{ReasonOverheated}, false},
		{"one string only", ok1, "", nil, true},
		{"not a flag", "\x02030,x,0,1245,000,0,0,0,000,0,0,0\x03\r\n" + ok2 + ok3, "", nil, true},
		{"garbage", "hello", "", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, err := ParseZPLHostStatus([]byte(tc.reply))
			if tc.bad {
				if !errors.Is(err, ErrBadReply) {
					t.Fatalf("err = %v, want ErrBadReply", err)
				}
				return
			}
			if err != nil || st.State != tc.state || !slices.Equal(st.Reasons, tc.want) {
				t.Fatalf("got %+v, %v; want %s %v", st, err, tc.state, tc.want)
			}
			if !ZPLHostStatusComplete([]byte(tc.reply)) {
				t.Fatal("a whole reply is not complete")
			}
		})
	}
}
