package wsserver_test

import (
	"strings"
	"testing"
)

// raw.data that is not valid UTF-8 used to be rewritten to U+FFFD by JSON
// decoding and printed wrong; it is invalid_params pointing to raw.base64.
// A U+FFFD the client really sent (escaped or as UTF-8) is fine.
func TestRawDataMustBeUTF8(t *testing.T) {
	e := newEnv(t, nil)
	cases := []struct {
		name, data string
		ok         bool
	}{
		{"invalid bytes", "^XA^FD\xff\xfe^FS^XZ", false}, // the first bad byte is byte 6
		{"cut multi-byte sequence", "^XA^FD\xea\xb0^FS^XZ", false},
		{"escaped U+FFFD", `^XA^FD\ufffd^FS^XZ`, true},
		{"U+FFFD as UTF-8", "^XA^FD\uFFFD한^FS^XZ", true},
	}
	before := e.jobCount()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := sendRaw(t, e, `{"jsonrpc":"2.0","id":1,"method":"print","params":{"raw":{"language":"zpl","data":"`+c.data+`"}}}`)
			errObj, _ := r["error"].(map[string]any)
			if c.ok {
				if errObj != nil {
					t.Fatalf("refused: %v", errObj)
				}
				return
			}
			data, _ := errObj["data"].(map[string]any)
			msg, _ := errObj["message"].(string)
			if errObj == nil || data["reason"] != "invalid_params" || !strings.Contains(msg, "raw.base64") || !strings.Contains(msg, "UTF-8 at byte ") {
				t.Fatalf("reply %v: want invalid_params saying to use raw.base64", r)
			}
			if c.name == "invalid bytes" && !strings.Contains(msg, "byte 6 ") {
				t.Fatalf("message %q does not say where the bad byte is", msg)
			}
			t.Log(msg)
		})
	}
	if n := e.jobCount() - before; n != 2 {
		t.Fatalf("%d jobs stored, want 2 (the valid ones)", n)
	}
}
