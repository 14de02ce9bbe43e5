package qz

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
)

const (
	pngHead  = "\x89PNG\r\n\x1a\n rest of a png"
	jpegHead = "\xff\xd8\xff\xe0 rest of a jpeg"
	pdfHead  = "%PDF-1.4 rest of a pdf"
)

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestBuildPixel(t *testing.T) {
	type doc struct { // the document params a request carries
		Format, Base64, Pages, Fit, Unit string
		Rotate                           any
		Width, Height                    float64
	}
	tests := []struct {
		name    string
		params  string
		docs    []doc // one per job, in order
		printer string
		copies  int
		title   string
		err     string // substring of the error; "" for none
	}{
		{"pdf base64, defaults: the page's size, fit, rotate auto",
			`{"printer":{"name":"Virtual printer"},"data":[{"type":"pixel","format":"pdf","flavor":"base64","data":"` + b64(pdfHead) + `"}]}`,
			[]doc{{Format: "pdf", Base64: b64(pdfHead)}}, "virtual", 1, "QZ Tray print", ""},
		{"image sniffed as png, base64 without padding and with a data: prefix",
			`{"printer":{"name":"zebra"},"data":[{"type":"pixel","format":"image","flavor":"base64","data":"data:image/png;base64,` + strings.TrimRight(b64(pngHead), "=") + `"}]}`,
			[]doc{{Format: "png", Base64: b64(pngHead)}}, "usb:0a5f:0166:X", 1, "QZ Tray print", ""},
		{"image sniffed as jpeg; copies and job name",
			`{"printer":{"name":"zebra"},"options":{"copies":3,"jobName":"Order 7"},"data":[{"type":"pixel","format":"image","flavor":"base64","data":"` + b64(jpegHead) + `"}]}`,
			[]doc{{Format: "jpeg", Base64: b64(jpegHead)}}, "usb:0a5f:0166:X", 3, "Order 7", ""},
		{"2.0 names: type pdf, format base64",
			`{"printer":{"name":"zebra"},"data":[{"type":"pdf","format":"base64","data":"` + b64(pdfHead) + `"}]}`,
			[]doc{{Format: "pdf", Base64: b64(pdfHead)}}, "usb:0a5f:0166:X", 1, "QZ Tray print", ""},
		{"a data: URL in flavor file (QZ's default flavor)",
			`{"printer":{"name":"zebra"},"data":[{"type":"pixel","format":"pdf","data":"data:application/pdf;base64,` + b64(pdfHead) + `"}]}`,
			[]doc{{Format: "pdf", Base64: b64(pdfHead)}}, "usb:0a5f:0166:X", 1, "QZ Tray print", ""},
		{"a percent-encoded data: URL in flavor plain",
			`{"printer":{"name":"zebra"},"data":[{"type":"pixel","format":"pdf","flavor":"plain","data":"data:application/pdf,%25PDF-1.4%20x"}]}`,
			[]doc{{Format: "pdf", Base64: b64("%PDF-1.4 x")}}, "usb:0a5f:0166:X", 1, "QZ Tray print", ""},
		{"size in inches, scaleContent false, pageRanges",
			`{"printer":{"name":"zebra"},"options":{"size":{"width":4,"height":6},"units":"in","scaleContent":false},"data":[{"type":"pixel","format":"pdf","flavor":"base64","data":"` + b64(pdfHead) + `","options":{"pageRanges":"1-2, 4"}}]}`,
			[]doc{{Format: "pdf", Base64: b64(pdfHead), Pages: "1-2, 4", Fit: "actual", Unit: "in", Width: 4, Height: 6}}, "usb:0a5f:0166:X", 1, "QZ Tray print", ""},
		{"size in cm becomes mm; QZ's default units are inches",
			`{"printer":{"name":"zebra"},"options":{"size":{"width":5,"height":3},"units":"cm"},"data":[{"type":"pixel","format":"image","flavor":"base64","data":"` + b64(pngHead) + `"}]}`,
			[]doc{{Format: "png", Base64: b64(pngHead), Unit: "mm", Width: 50, Height: 30}}, "usb:0a5f:0166:X", 1, "QZ Tray print", ""},
		{"orientation landscape turns 270",
			`{"printer":{"name":"zebra"},"options":{"orientation":"landscape"},"data":[{"type":"pixel","format":"image","flavor":"base64","data":"` + b64(pngHead) + `"}]}`,
			[]doc{{Format: "png", Base64: b64(pngHead), Rotate: float64(270)}}, "usb:0a5f:0166:X", 1, "QZ Tray print", ""},
		{"orientation portrait is a fixed 0; reverse-landscape plus rotation 180",
			`{"printer":{"name":"zebra"},"options":{"orientation":"reverse-landscape","rotation":180},"data":[{"type":"pixel","format":"image","flavor":"base64","data":"` + b64(pngHead) + `"}]}`,
			[]doc{{Format: "png", Base64: b64(pngHead), Rotate: float64(270)}}, "usb:0a5f:0166:X", 1, "QZ Tray print", ""},
		{"portrait", `{"printer":{"name":"zebra"},"options":{"orientation":"portrait"},"data":[{"type":"pixel","format":"image","flavor":"base64","data":"` + b64(pngHead) + `"}]}`,
			[]doc{{Format: "png", Base64: b64(pngHead), Rotate: float64(0)}}, "usb:0a5f:0166:X", 1, "QZ Tray print", ""},
		{"rotation -90", `{"printer":{"name":"zebra"},"options":{"rotation":-90},"data":[{"type":"pixel","format":"image","flavor":"base64","data":"` + b64(pngHead) + `"}]}`,
			[]doc{{Format: "png", Base64: b64(pngHead), Rotate: float64(270)}}, "usb:0a5f:0166:X", 1, "QZ Tray print", ""},
		{"ignored options: density, margins, colorType, interpolation, duplex",
			`{"printer":{"name":"zebra"},"options":{"density":300,"margins":{"top":1},"colorType":"blackwhite","interpolation":"nearest-neighbor","duplex":true,"rotation":0},"data":[{"type":"pixel","format":"image","flavor":"base64","data":"` + b64(pngHead) + `","options":{"pageWidth":4}}]}`,
			[]doc{{Format: "png", Base64: b64(pngHead)}}, "usb:0a5f:0166:X", 1, "QZ Tray print", ""},
		{"two items: two jobs in order",
			`{"printer":{"name":"zebra"},"options":{"jobName":"Pick list"},"data":[{"type":"pixel","format":"image","flavor":"base64","data":"` + b64(pngHead) + `"},{"type":"pixel","format":"pdf","flavor":"base64","data":"` + b64(pdfHead) + `"}]}`,
			[]doc{{Format: "png", Base64: b64(pngHead)}, {Format: "pdf", Base64: b64(pdfHead)}}, "usb:0a5f:0166:X", 1, "Pick list (1 of 2)", ""},

		{"a URL is never fetched", `{"printer":{"name":"zebra"},"data":[{"type":"pixel","format":"pdf","flavor":"file","data":"https://carrier.example.com/label.pdf"}]}`,
			nil, "", 0, "", `data[0]: flavor "file" names a file or URL ("https://carrier.example.com/label.pdf"), which Labelbridge does not fetch`},
		{"nor a path", `{"printer":{"name":"zebra"},"data":[{"type":"pixel","format":"image","flavor":"plain","data":"C:\\labels\\a.png"}]}`,
			nil, "", 0, "", `flavor "plain" names a file or URL`},
		{"html is not supported", `{"printer":{"name":"zebra"},"data":[{"type":"pixel","format":"html","flavor":"plain","data":"<b>x</b>"}]}`,
			nil, "", 0, "", "pixel printing (html) is not supported by Labelbridge: send a PDF"},
		{"an image that is neither PNG nor JPEG", `{"printer":{"name":"zebra"},"data":[{"type":"pixel","format":"image","flavor":"base64","data":"` + b64("GIF89a....") + `"}]}`,
			nil, "", 0, "", "data[0]: format image: Labelbridge prints PNG and JPEG images; this one starts with 47 49 46 38"},
		{"bad base64", `{"printer":{"name":"zebra"},"data":[{"type":"pixel","format":"pdf","flavor":"base64","data":"***"}]}`,
			nil, "", 0, "", "data[0]: flavor base64: the data is not base64"},
		{"empty", `{"printer":{"name":"zebra"},"data":[{"type":"pixel","format":"pdf","flavor":"base64","data":""}]}`,
			nil, "", 0, "", "data[0]: the pdf is empty"},
		{"hex is a raw flavor", `{"printer":{"name":"zebra"},"data":[{"type":"pixel","format":"pdf","flavor":"hex","data":"25"}]}`,
			nil, "", 0, "", `flavor "hex" is not a pixel data flavor`},
		{"raw after pixel", `{"printer":{"name":"zebra"},"data":[{"type":"pixel","format":"pdf","flavor":"base64","data":"` + b64(pdfHead) + `"},"^XA^XZ"]}`,
			nil, "", 0, "", "data[1]: a raw item cannot be mixed into a pixel print"},
		{"rotation 45", `{"printer":{"name":"zebra"},"options":{"rotation":45},"data":[{"type":"pixel","format":"pdf","flavor":"base64","data":"` + b64(pdfHead) + `"}]}`,
			nil, "", 0, "", "options.rotation: Labelbridge turns pages by 0, 90, 180 or 270 degrees, got 45"},
		{"orientation upside-down", `{"printer":{"name":"zebra"},"options":{"orientation":"sideways"},"data":[{"type":"pixel","format":"pdf","flavor":"base64","data":"` + b64(pdfHead) + `"}]}`,
			nil, "", 0, "", `options.orientation: must be "portrait", "landscape", "reverse-landscape" or null, got "sideways"`},
		{"half a size", `{"printer":{"name":"zebra"},"options":{"size":{"width":4}},"data":[{"type":"pixel","format":"pdf","flavor":"base64","data":"` + b64(pdfHead) + `"}]}`,
			nil, "", 0, "", "options.size: give both width and height"},
		{"units px", `{"printer":{"name":"zebra"},"options":{"size":{"width":4,"height":6},"units":"px"},"data":[{"type":"pixel","format":"pdf","flavor":"base64","data":"` + b64(pdfHead) + `"}]}`,
			nil, "", 0, "", `options.units: must be "in", "cm" or "mm", got "px"`},
		{"pageRanges not a string", `{"printer":{"name":"zebra"},"data":[{"type":"pixel","format":"pdf","flavor":"base64","data":"` + b64(pdfHead) + `","options":{"pageRanges":3}}]}`,
			nil, "", 0, "", "data[0]: options: must be an object; options.pageRanges a string"},
		{"copies 0", `{"printer":{"name":"zebra"},"options":{"copies":0},"data":[{"type":"pixel","format":"pdf","flavor":"base64","data":"` + b64(pdfHead) + `"}]}`,
			nil, "", 0, "", "options.copies"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testSession(testPrinters(), true)
			m := Message{Call: "print", UID: "u", Timestamp: "1", Params: []byte(tt.params)}
			reqs, err := s.h.buildPrint(m)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(reqs) != len(tt.docs) {
				t.Fatalf("%d requests, want %d", len(reqs), len(tt.docs))
			}
			for i, req := range reqs {
				if req.Raw != nil || req.Label != nil || req.Printer != tt.printer || req.Copies != tt.copies {
					t.Errorf("request %d: raw %q label %s printer %q copies %d, want a document for %q, %d copies", i, req.Raw, req.Label, req.Printer, req.Copies, tt.printer, tt.copies)
				}
				var got doc
				if err := json.Unmarshal(req.Document, &got); err != nil {
					t.Fatalf("document %s: %v", req.Document, err)
				}
				if got != tt.docs[i] {
					t.Errorf("document %d: %+v, want %+v", i, got, tt.docs[i])
				}
				key := IdempotencyKey(m)
				if len(reqs) > 1 {
					key += "/" + string(rune('0'+i))
				}
				if req.IdempotencyKey != key {
					t.Errorf("idempotency key %q, want %q (the raw path's key; /i per item of several)", req.IdempotencyKey, key)
				}
			}
			if reqs[0].Title != tt.title {
				t.Errorf("title %q, want %q", reqs[0].Title, tt.title)
			}
		})
	}
}
