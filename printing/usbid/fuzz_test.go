package usbid

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/labelbridge/labelbridge/printing"
)

// Run a target with e.g.
//
//	go test ./printing/usbid -run '^$' -fuzz FuzzDeviceID -fuzztime 30s

func FuzzDeviceID(f *testing.F) {
	for _, s := range []string{
		"\x00<MFG:Zebra Technologies;CMD:ZPL;MDL:ZTC GK420d;CLS:PRINTER;",
		"<\x00MFG:Zebra Technologies;CMD:ZPL;MDL:ZTC GK420d;CLS:PRINTER;",
		"\x00\x4aMANUFACTURER:Zebra Technologies ;COMMAND SET:ZPL;MODEL:ZTC ZD611-203dpi ZPL;",
		"\x00\x2cMFG:Printer;MDL:Thermal Printer;CMD:XPP,XL;",
		"\xff\xffMFG:;;;:::",
		"",
		"\x00",
	} {
		f.Add([]byte(s), uint16(0x0A5F), uint16(0x0080))
	}
	f.Fuzz(func(t *testing.T, raw []byte, vid, pid uint16) {
		s := DecodeDeviceID(raw)
		if len(s) > len(raw) {
			t.Fatalf("decoded %d bytes from %d", len(s), len(raw))
		}
		if strings.IndexByte(s, 0) >= 0 {
			t.Fatalf("decoded ID holds a NUL: %q", s)
		}
		id := ParseDeviceID(s)
		for k, v := range id.Fields {
			if k == "" || k != strings.ToUpper(strings.TrimSpace(k)) || strings.ContainsAny(k, ";:") {
				t.Fatalf("bad key %q", k)
			}
			if strings.Contains(v, ";") || v != strings.TrimSpace(v) {
				t.Fatalf("bad value %q", v)
			}
		}
		for _, c := range id.CommandSet {
			if c == "" || strings.Contains(c, ",") {
				t.Fatalf("bad command %q", c)
			}
		}
		switch l := Language(id, vid, pid); l {
		case "", LangZPL, LangTSPL, LangEPL, LangESCPOS:
		default:
			t.Fatalf("language %q", l)
		}
		name, _, _ := Describe(id, vid, pid, s, s)
		if name == "" || !utf8.ValidString(name) && utf8.ValidString(s) {
			t.Fatalf("name %q", name)
		}
		pid2 := PrinterID(vid, pid, id.Serial, "1-1")
		if strings.ContainsAny(pid2[len("usb:0000:0000:"):], " ;:/\x00") {
			t.Fatalf("id %q", pid2)
		}
	})
}

func checkStatus(t *testing.T, st printing.Status) {
	t.Helper()
	switch st.State {
	case printing.PrinterReady, printing.PrinterBusy, printing.PrinterError:
	default:
		t.Fatalf("state %q", st.State)
	}
	if st.Reasons == nil {
		t.Fatal("nil reasons")
	}
	seen := map[string]bool{}
	blocking := false
	for _, r := range st.Reasons {
		if r == "" || seen[r] {
			t.Fatalf("reasons %q", st.Reasons)
		}
		seen[r] = true
		if r == printing.ReasonPaused || r == printing.ReasonDisconnected {
			t.Fatalf("reason %q is reserved for the spooler", r)
		}
		blocking = blocking || !warnings[r]
	}
	if blocking != (st.State == printing.PrinterError) {
		t.Fatalf("state %q with reasons %q", st.State, st.Reasons)
	}
}

func FuzzStatus(f *testing.F) {
	f.Add(hqes(1, 0x10005, 8))
	f.Add(hqes(0, 0, 0))
	f.Add([]byte("ERRORS: 1 FFFFFFFF FFFFFFFF\x03 WARNINGS: 1 FFFFFFFF FFFFFFFF"))
	f.Add([]byte{0x24})
	f.Add([]byte("07,11,12\r\n"))
	f.Add([]byte{0x1A, 0x32, 0x72})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, reply []byte) {
		for _, l := range []string{LangZPL, LangTSPL, LangEPL, LangESCPOS} {
			q, _ := StatusQueryFor(l)
			_ = q.Complete(reply)
			st, err := q.Parse(reply)
			if err == nil {
				checkStatus(t, st)
			}
		}
		if len(reply) > 0 {
			checkStatus(t, ParsePortStatus(reply[0]))
		}
	})
}
