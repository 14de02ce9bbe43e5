package qz

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/labelbridge/labelbridge/printing"
)

func TestDecode(t *testing.T) {
	tests := []struct {
		name, in string
		ok       bool
		want     Message
		err      string // substring; "" for none
		errUID   string
	}{
		{"ping is no message", `ping`, false, Message{}, "", ""},
		{"getVersion", `{"call":"getVersion","promise":{},"timestamp":1700000000000,"uid":"a1b2c3","position":{"x":1,"y":2}}`, true,
			Message{Call: "getVersion", UID: "a1b2c3", Params: json.RawMessage("null"), Timestamp: "1700000000000"}, "", ""},
		{"certificate null is the certificate step", `{"certificate":null,"uid":"u1","timestamp":5}`, true,
			Message{UID: "u1", Params: json.RawMessage("null"), Timestamp: "5", Certificate: true}, "", ""},
		{"certificate PEM", `{"certificate":"-----BEGIN CERTIFICATE-----","uid":"u1"}`, true,
			Message{UID: "u1", Params: json.RawMessage("null"), Certificate: true}, "", ""},
		{"params kept as sent", `{"call":"printers.find","params":{"query":"zebra"},"uid":"u2","signature":"","signAlgorithm":"SHA1"}`, true,
			Message{Call: "printers.find", UID: "u2", Params: json.RawMessage(`{"query":"zebra"}`)}, "", ""},
		{"numeric uid read as text (QZ's optString)", `{"call":"getVersion","uid":42}`, true,
			Message{Call: "getVersion", UID: "42", Params: json.RawMessage("null")}, "", ""},
		{"empty", ``, false, Message{}, "empty message", ""},
		{"blank", "  \n", false, Message{}, "empty message", ""},
		{"not JSON", `{"call":`, false, Message{}, "not a QZ Tray message", ""},
		{"JSON array", `[1,2]`, false, Message{}, "not a QZ Tray message", ""},
		{"no uid", `{"call":"getVersion"}`, false, Message{}, "no uid", ""},
		{"uid object", `{"call":"getVersion","uid":{}}`, false, Message{}, "uid: must be a string", ""},
		{"uid too long", `{"call":"getVersion","uid":"` + strings.Repeat("x", 200) + `"}`, false, Message{}, "uid: must be a string", ""},
		{"call not a string", `{"call":5,"uid":"u3"}`, false, Message{}, "call: must be a string", "u3"},
		{"no call", `{"uid":"u4"}`, false, Message{}, "names no call", "u4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, ok, err := Decode([]byte(tt.in))
			if tt.err != "" {
				de, isDE := err.(*DecodeError)
				if !isDE || !strings.Contains(err.Error(), tt.err) || de.UID != tt.errUID {
					t.Fatalf("err = %v (uid %q), want one containing %q with uid %q", err, func() string {
						if isDE {
							return de.UID
						}
						return ""
					}(), tt.err, tt.errUID)
				}
				return
			}
			if err != nil || ok != tt.ok {
				t.Fatalf("ok=%v err=%v, want ok=%v", ok, err, tt.ok)
			}
			if ok && (m.Call != tt.want.Call || m.UID != tt.want.UID || string(m.Params) != string(tt.want.Params) ||
				m.Timestamp != tt.want.Timestamp || m.Certificate != tt.want.Certificate) {
				t.Errorf("got %+v (params %s), want %+v (params %s)", m, m.Params, tt.want, tt.want.Params)
			}
		})
	}
}

func TestReplyEncode(t *testing.T) {
	tests := []struct {
		name string
		r    Reply
		want string
	}{
		{"null result is sent", Reply{UID: "u"}, `{"uid":"u","result":null}`},
		{"string result", Reply{UID: "u", Result: "2.2.6"}, `{"uid":"u","result":"2.2.6"}`},
		{"list", Reply{UID: "u", Result: []string{"A", "B"}}, `{"uid":"u","result":["A","B"]}`},
		{"error has no result", Reply{UID: "u", Err: "Request blocked"}, `{"uid":"u","error":"Request blocked"}`},
		{"no uid: a typed message, never one without uid and type", Reply{Err: "bad"}, `{"type":"LABELBRIDGE_ERROR","error":"bad"}`},
		{"unencodable result becomes an error", Reply{UID: "u", Result: func() {}}, `{"uid":"u","error":"encode the reply: json: unsupported type: func()"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(tt.r.Encode()); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestMatch(t *testing.T) {
	names := []string{"Virtual printer", "Zebra ZD420", "Zebra ZT230", "Office Laser", "zebra"}
	tests := []struct {
		query string
		def   int
		want  int
	}{
		{"zebra", -1, 4},          // exact wins over prefixes
		{"ZEBRA ZD420", -1, 1},    // case-insensitive exact
		{"zebra z", -1, 2},        // the last prefix match, as QZ Tray's loop keeps it
		{"printer", -1, 0},        // substring
		{"laser", -1, 3},          // substring
		{"z", -1, 4},              // exact? no: prefix of three; the last one wins
		{"nothing", -1, -1},       // no match
		{"", -1, 4},               // everything begins with "": the last
		{"virtual printer", 0, 0}, // the default's exact name first
		{"zebra zt230", 1, 2},     // the default is checked first only for an exact name
	}
	for _, tt := range tests {
		if got := Match(names, tt.def, tt.query); got != tt.want {
			t.Errorf("Match(%q, def %d) = %d, want %d", tt.query, tt.def, got, tt.want)
		}
	}
	// The default printer's exact name wins over an earlier exact twin.
	if got := Match([]string{"Dock", "dock"}, 1, "DOCK"); got != 1 {
		t.Errorf("default-first: got %d, want 1", got)
	}
}

func TestNames(t *testing.T) {
	ps := []printing.Printer{
		{ID: "virtual", Name: "Virtual printer"},
		{ID: "usb:1", Name: "ZD420"},
		{ID: "usb:2", Name: "zd420"},
		{ID: "net:x", Name: ""},
	}
	want := []string{"Virtual printer", "ZD420 [usb:1]", "zd420 [usb:2]", "net:x"}
	got := Names(ps)
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("Names = %q, want %q", got, want)
	}
}

// fakeSpooler records what is submitted.
type fakeSpooler struct {
	printers []printing.Printer
	def      string
	got      []printing.Request
	err      error
}

func (f *fakeSpooler) Printers() []printing.Printer { return f.printers }
func (f *fakeSpooler) DefaultPrinter() string       { return f.def }
func (f *fakeSpooler) SubmitContext(_ context.Context, req printing.Request) <-chan printing.SubmitResult {
	out := make(chan printing.SubmitResult, 1)
	if f.err != nil {
		out <- printing.SubmitResult{Err: f.err}
		return out
	}
	f.got = append(f.got, req)
	out <- printing.SubmitResult{Job: printing.Job{ID: "j1"}}
	return out
}

func testPrinters() *fakeSpooler {
	return &fakeSpooler{def: "virtual", printers: []printing.Printer{
		{ID: "virtual", Name: "Virtual printer", Connection: printing.ConnVirtual, Language: "zpl", DPI: 203, Status: printing.Status{State: "ready"}},
		{ID: "usb:0a5f:0166:X", Name: "Zebra ZD420", Connection: printing.ConnUSB, Language: "zpl", DPI: 203},
		{ID: "net:10.0.0.5:9100", Name: "Dock 3", Connection: printing.ConnNetwork, Language: "tspl", Address: "10.0.0.5:9100"},
	}}
}

func testSession(sp *fakeSpooler, allowed bool) *Session {
	h := &Handler{sp: sp, opt: Options{MaxJobBytes: 1 << 20, AgentVersion: "test"}, log: discard(),
		allowed: func(string, string) bool { return allowed }}
	return &Session{h: h, origin: "https://wms.example.com"}
}

func TestSessionHandle(t *testing.T) {
	tests := []struct {
		name    string
		allowed bool
		msg     string
		want    string // the encoded reply; "" when silent
		close   bool
	}{
		{"certificate, approved site", true, `{"certificate":null,"uid":"c"}`, `{"uid":"c","result":null}`, false},
		{"certificate, refused site: QZ's text, then close", false, `{"certificate":null,"uid":"c"}`, `{"uid":"c","error":"Connection blocked by client"}`, true},
		{"getVersion needs no approval (connect asks it first)", false, `{"call":"getVersion","uid":"v"}`, `{"uid":"v","result":"2.2.6"}`, false},
		{"getVersion details", true, `{"call":"getVersion","params":{"details":true},"uid":"v"}`,
			`{"uid":"v","result":{"labelbridge":"test","title":"Labelbridge (QZ Tray compatible)","vendor":"Labelbridge","version":"2.2.6"}}`, false},
		{"calls of a refused site are blocked", false, `{"call":"printers.find","params":{},"uid":"f"}`, `{"uid":"f","error":"Request blocked"}`, false},
		{"find all", true, `{"call":"printers.find","params":{},"uid":"f"}`, `{"uid":"f","result":["Virtual printer","Zebra ZD420","Dock 3"]}`, false},
		{"find with no params", true, `{"call":"printers.find","uid":"f"}`, `{"uid":"f","result":["Virtual printer","Zebra ZD420","Dock 3"]}`, false},
		{"find zebra", true, `{"call":"printers.find","params":{"query":"zebra"},"uid":"f"}`, `{"uid":"f","result":"Zebra ZD420"}`, false},
		{"find nothing: QZ's text", true, `{"call":"printers.find","params":{"query":"epson"},"uid":"f"}`, `{"uid":"f","error":"Specified printer could not be found."}`, false},
		{"find with a bad query", true, `{"call":"printers.find","params":{"query":5},"uid":"f"}`, "printers.find: params must be", false},
		{"default", true, `{"call":"printers.getDefault","params":null,"signature":"","uid":"d"}`, `{"uid":"d","result":"Virtual printer"}`, false},
		{"details", true, `{"call":"printers.detail","uid":"d"}`, `"name":"Dock 3","driver":"Labelbridge tspl","connection":"network","default":false`, false},
		{"status listening", true, `{"call":"printers.startListening","uid":"s"}`, `{"uid":"s","error":"printer status listening is not supported by Labelbridge`, false},
		{"serial", true, `{"call":"serial.findPorts","uid":"s"}`, `{"uid":"s","error":"serial ports are not supported`, false},
		{"usb", true, `{"call":"usb.listDevices","uid":"s"}`, `raw USB device access is not supported`, false},
		{"file", true, `{"call":"file.read","uid":"s"}`, `file access is not supported`, false},
		{"networking", true, `{"call":"networking.device","uid":"s"}`, `network information is not supported`, false},
		{"unknown call: QZ's text", true, `{"call":"teleport","uid":"x"}`, `{"uid":"x","error":"Invalid function call: teleport"}`, false},
		{"print", true, `{"call":"print","params":{"printer":{"name":"zebra"},"options":{},"data":["^XA^XZ"]},"uid":"p"}`, `{"uid":"p","result":null}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, ok, err := Decode([]byte(tt.msg))
			if err != nil || !ok {
				t.Fatalf("decode: %v", err)
			}
			out := testSession(testPrinters(), tt.allowed).Handle(context.Background(), m)
			got := string(out.Reply.Encode())
			if !strings.Contains(got, tt.want) || out.Close != tt.close || out.Silent {
				t.Errorf("got %s (close %v, silent %v), want %s (close %v)", got, out.Close, out.Silent, tt.want, tt.close)
			}
		})
	}
}

func TestSubmitErrorsAreAnswered(t *testing.T) {
	sp := testPrinters()
	sp.err = &printing.Error{Code: printing.ErrReasonQueueFull, Msg: "queue of Virtual printer is full (1000 jobs)"}
	m, _, _ := Decode([]byte(`{"call":"print","params":{"printer":{"name":"Virtual printer"},"data":["x"]},"uid":"p"}`))
	out := testSession(sp, true).Handle(context.Background(), m)
	if got := string(out.Reply.Encode()); got != `{"uid":"p","error":"queue of Virtual printer is full (1000 jobs)"}` {
		t.Errorf("got %s", got)
	}
}
