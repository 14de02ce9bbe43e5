package qz

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
)

// FuzzDecode: any frame is decoded or refused with an error, never a
// panic; whatever comes back is one JSON message qz-tray.js can take (it
// has a uid, or a type), and a decoded message is answered.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`ping`, ``, `{}`, `[]`, `null`, `{"uid":null}`, `{"uid":1e400}`,
		`{"call":"getVersion","uid":"a","timestamp":1}`,
		`{"certificate":null,"uid":"c"}`,
		`{"call":"printers.find","params":{"query":"z"},"uid":"f"}`,
		`{"call":"print","params":{"printer":{"name":"Virtual printer"},"options":{"copies":2,"encoding":"IBM437"},"data":["^XA",{"flavor":"hex","data":"5e"},{"flavor":"base64","data":"XlhaCg=="}]},"uid":"p"}`,
		`{"call":"print","params":{"printer":{"host":"10.0.0.5","port":9100},"data":[{"type":"pixel","format":"pdf","data":"x"}]},"uid":"p"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, ok, err := Decode(data)
		var r Reply
		switch {
		case err != nil:
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error %T, want *DecodeError", err)
			}
			r = Reply{UID: de.UID, Err: err.Error()}
		case !ok:
			if string(data) != "ping" {
				t.Fatalf("%q: neither a message nor an error", data)
			}
			return
		default:
			r = testSession(testPrinters(), true).Handle(context.Background(), m).Reply
			if r.UID != m.UID {
				t.Fatalf("reply uid %q, message uid %q", r.UID, m.UID)
			}
		}
		var out map[string]any
		if err := json.Unmarshal(r.Encode(), &out); err != nil {
			t.Fatalf("reply is not JSON: %v", err)
		}
		if out["uid"] == nil && out["type"] == nil {
			t.Fatalf("reply %s has neither uid nor type: qz-tray.js would close the connection", r.Encode())
		}
	})
}
