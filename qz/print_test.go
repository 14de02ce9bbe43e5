package qz

import (
	"io"
	"log/slog"
	"strings"
	"testing"
)

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func TestBuildPrint(t *testing.T) {
	tests := []struct {
		name    string
		params  string
		printer string // the job's printer id
		raw     string
		copies  int
		title   string
		lang    string
		err     string // substring of the error; "" for none
	}{
		{"strings are plain", `{"printer":{"name":"Virtual printer"},"options":{"copies":1,"jobName":null},"data":["^XA\n","^FDhi^FS\n","^XZ\n"]}`,
			"virtual", "^XA\n^FDhi^FS\n^XZ\n", 1, "QZ Tray print", "zpl", ""},
		{"plain, base64 and hex concatenated", `{"printer":{"name":"zebra"},"options":{},"data":[
			{"type":"raw","format":"command","flavor":"plain","data":"A"},
			{"type":"raw","format":"command","flavor":"base64","data":"QkM="},
			{"type":"RAW","flavor":"HEX","data":"44 45\n0a"}]}`,
			"usb:0a5f:0166:X", "ABCDE\n", 1, "QZ Tray print", "", ""},
		{"base64 without padding, URL alphabet", `{"printer":{"name":"zebra"},"data":[{"flavor":"base64","data":"-_8"}]}`,
			"usb:0a5f:0166:X", "\xfb\xff", 1, "QZ Tray print", "", ""},
		{"2.0 names: format base64", `{"printer":{"name":"zebra"},"data":[{"type":"raw","format":"base64","data":"QUJD"}]}`,
			"usb:0a5f:0166:X", "ABC", 1, "QZ Tray print", "", ""},
		{"copies and job name", `{"printer":{"name":"VIRTUAL"},"options":{"copies":3,"jobName":"Order 1042"},"data":["^XA^XZ"]}`,
			"virtual", "^XA^XZ", 3, "Order 1042", "zpl", ""},
		{"UTF-8 by default", `{"printer":{"name":"Virtual printer"},"data":["^XA^CI28^FD상품^FS^XZ"]}`,
			"virtual", "^XA^CI28^FD상품^FS^XZ", 1, "QZ Tray print", "zpl", ""},
		{"options.encoding", `{"printer":{"name":"Virtual printer"},"options":{"encoding":"windows-1252"},"data":["é"]}`,
			"virtual", "\xe9", 1, "QZ Tray print", "", ""},
		{"options.encoding {from,to}", `{"printer":{"name":"Virtual printer"},"options":{"encoding":{"from":"UTF-8","to":"IBM437"}},"data":["é"]}`,
			"virtual", "\x82", 1, "QZ Tray print", "", ""},
		{"Java name Cp1252", `{"printer":{"name":"Virtual printer"},"options":{"encoding":"Cp1252"},"data":["€"]}`,
			"virtual", "\x80", 1, "QZ Tray print", "", ""},
		{"host:port of a configured network printer", `{"printer":{"host":"10.0.0.5","port":9100},"data":["SIZE 50 mm"]}`,
			"net:10.0.0.5:9100", "SIZE 50 mm", 1, "QZ Tray print", "", ""},
		{"host alone means port 9100", `{"printer":{"host":"10.0.0.5"},"data":["x"]}`,
			"net:10.0.0.5:9100", "x", 1, "QZ Tray print", "", ""},

		{"no printer: QZ's text", `{"options":{},"data":["x"]}`, "", "", 0, "", "", "A printer must be specified before printing"},
		{"unknown name: QZ's text", `{"printer":{"name":"Epson"},"data":["x"]}`, "", "", 0, "", "", `Cannot find printer with name "Epson"`},
		{"unknown host refused", `{"printer":{"host":"192.168.1.9","port":"9100"},"data":["x"]}`, "", "", 0, "", "", "printing to host 192.168.1.9:9100 is refused"},
		{"bad port", `{"printer":{"host":"10.0.0.5","port":"http"},"data":["x"]}`, "", "", 0, "", "", "printer.port: must be a port number"},
		{"file printer refused", `{"printer":{"file":"/tmp/x"},"data":["x"]}`, "", "", 0, "", "", "printing to a file is not supported"},
		{"no data", `{"printer":{"name":"zebra"},"data":[]}`, "", "", 0, "", "", "No commands found to send to the printer"},
		{"only empty strings", `{"printer":{"name":"zebra"},"data":["",""]}`, "", "", 0, "", "", "No commands found"},
		{"2.0 pixel type html", `{"printer":{"name":"zebra"},"data":[{"type":"html","data":"<b>x</b>"}]}`, "", "", 0, "", "", "pixel printing (html) is not supported"},
		{"raw image conversion", `{"printer":{"name":"zebra"},"data":[{"type":"raw","format":"image","flavor":"base64","data":"iVBO"}]}`, "", "", 0, "", "", `raw format "image"`},
		{"file flavor", `{"printer":{"name":"zebra"},"data":[{"type":"raw","format":"command","flavor":"file","data":"http://x/a.zpl"}]}`, "", "", 0, "", "", `data[0]: flavor "file" reads a file or URL`},
		{"xml flavor", `{"printer":{"name":"zebra"},"data":["a",{"flavor":"xml","data":"a.xml"}]}`, "", "", 0, "", "", `data[1]: flavor "xml"`},
		{"unknown flavor", `{"printer":{"name":"zebra"},"data":[{"flavor":"morse","data":"..."}]}`, "", "", 0, "", "", `flavor "morse" is not a raw data flavor`},
		{"unknown type", `{"printer":{"name":"zebra"},"data":[{"type":"direct","data":"x"}]}`, "", "", 0, "", "", `data[0].type: "direct"`},
		{"pixel after raw", `{"printer":{"name":"zebra"},"data":["a",{"type":"pixel","data":"x"}]}`, "", "", 0, "", "", "data[1]: a pixel item cannot be mixed"},
		{"bad base64", `{"printer":{"name":"zebra"},"data":[{"flavor":"base64","data":"***"}]}`, "", "", 0, "", "", "data[0]: flavor base64: the data is not base64"},
		{"bad hex", `{"printer":{"name":"zebra"},"data":[{"flavor":"hex","data":"0g"}]}`, "", "", 0, "", "", "data[0]: flavor hex"},
		{"data missing", `{"printer":{"name":"zebra"},"data":[{"flavor":"plain"}]}`, "", "", 0, "", "", "data[0]: data: missing"},
		{"data item a number", `{"printer":{"name":"zebra"},"data":[5]}`, "", "", 0, "", "", "data[0]: must be a string or"},
		{"copies 0", `{"printer":{"name":"zebra"},"options":{"copies":0},"data":["x"]}`, "", "", 0, "", "", "options.copies: must be a whole number of 1 or more, got 0"},
		{"copies 1.5", `{"printer":{"name":"zebra"},"options":{"copies":1.5},"data":["x"]}`, "", "", 0, "", "", "options.copies"},
		{"unknown encoding", `{"printer":{"name":"zebra"},"options":{"encoding":"klingon"},"data":["x"]}`, "", "", 0, "", "", `options.encoding: "klingon" is not a character set`},
		{"character outside the encoding", `{"printer":{"name":"zebra"},"options":{"encoding":"ISO-8859-1"},"data":["한"]}`, "", "", 0, "", "", "cannot be written in that character set"},
		{"params not an object", `[1]`, "", "", 0, "", "", "print: params must be"},
		{"over the job limit", `{"printer":{"name":"zebra"},"data":["` + strings.Repeat("x", 2<<20) + `"]}`, "", "", 0, "", "", "over the limit of 1048576 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testSession(testPrinters(), true)
			reqs, err := s.h.buildPrint(Message{Call: "print", UID: "u", Params: []byte(tt.params)})
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want one raw job", len(reqs))
			}
			req := reqs[0]
			if req.Printer != tt.printer || string(req.Raw) != tt.raw || req.Copies != tt.copies || req.Title != tt.title || req.Language != tt.lang {
				t.Errorf("got printer %q raw %q copies %d title %q lang %q, want %q %q %d %q %q",
					req.Printer, req.Raw, req.Copies, req.Title, req.Language, tt.printer, tt.raw, tt.copies, tt.title, tt.lang)
			}
			if !strings.HasPrefix(req.IdempotencyKey, "qz:") || len(req.IdempotencyKey) != 35 {
				t.Errorf("idempotency key %q", req.IdempotencyKey)
			}
		})
	}
}

func TestIdempotencyKey(t *testing.T) {
	base := Message{Call: "print", UID: "abc123", Timestamp: "1700000000000", Params: []byte(`{"data":["x"]}`)}
	same := base
	if IdempotencyKey(base) != IdempotencyKey(same) {
		t.Fatal("the same message (a resend) must keep its key")
	}
	for name, m := range map[string]Message{
		"another uid":                  {Call: "print", UID: "abc124", Timestamp: base.Timestamp, Params: base.Params},
		"another timestamp":            {Call: "print", UID: base.UID, Timestamp: "1700000000001", Params: base.Params},
		"another print, uid collision": {Call: "print", UID: base.UID, Timestamp: base.Timestamp, Params: []byte(`{"data":["y"]}`)},
	} {
		if IdempotencyKey(m) == IdempotencyKey(base) {
			t.Errorf("%s: same key", name)
		}
	}
	// Field boundaries count: "ab"+"c" is not "a"+"bc".
	if IdempotencyKey(Message{UID: "ab", Timestamp: "c"}) == IdempotencyKey(Message{UID: "a", Timestamp: "bc"}) {
		t.Error("keys ignore field boundaries")
	}
}

// The printers a page sees are the spooler's, in its order.
func TestDetailsNamesDefault(t *testing.T) {
	s := testSession(testPrinters(), true)
	d := s.h.details()
	if len(d) != 3 || !d[0].Default || d[1].Default || d[2].ID != "net:10.0.0.5:9100" || d[0].Density != 203 {
		t.Errorf("details: %+v", d)
	}
	sp := testPrinters()
	sp.def = ""
	if got := testSession(sp, true).h.defaultName(); got != nil {
		t.Errorf("no default: got %v, want nil", got)
	}
}
