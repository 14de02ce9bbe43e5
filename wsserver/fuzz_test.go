package wsserver

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/labelbridge/labelbridge/wire"
)

// FuzzDecodeRequest feeds arbitrary messages through the request decoder and
// every method's params decoding: no input may panic, and every refusal must
// carry a reason.
func FuzzDecodeRequest(f *testing.F) {
	seeds := []string{
		`{"jsonrpc":"2.0","id":1,"method":"print","params":{"raw":{"language":"zpl","data":"^XA^XZ"},"copies":2}}`,
		`{"jsonrpc":"2.0","id":"a","method":"print","params":{"raw":{"base64":"XlhB"}}}`,
		`{"jsonrpc":"2.0","id":1,"method":"print","params":{"label":{"width":50,"height":30,"elements":[]}}}`,
		`{"jsonrpc":"2.0","id":1,"method":"jobs.list","params":{"state":"held","limit":5}}`,
		`{"jsonrpc":"2.0","method":"subscribe","params":{"topics":["jobs"]}}`,
		`[{"jsonrpc":"2.0","id":1,"method":"hello"}]`,
		`{"jsonrpc":"2.0","id":1,"method":"print","params":{"raw":{"data":"x","base64":"eA=="}}}`,
		`{"id":null}`, `[]`, `null`, `"x"`, `{"params":[1,2]}`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var req request
		if err := json.Unmarshal(data, &req); err != nil {
			return
		}
		if e := validateRequest(&req); e != nil {
			if e.Data.Reason == "" {
				t.Fatalf("refusal without a reason: %v", e)
			}
			return
		}
		checks := []any{&wire.PrintParams{}, &wire.JobParams{}, &wire.PrinterParams{}, &wire.TopicsParams{}}
		for _, v := range checks {
			if err := decodeParams(req.Params, v); err != nil {
				if r := toRPCError(err); r.Data.Reason == "" || r.Message == "" {
					t.Fatalf("decode error without reason/message: %+v", r)
				}
			}
		}
		var p wire.PrintParams
		if decodeParams(req.Params, &p) == nil {
			if _, err := toRequest(&p, "http://localhost"); err != nil {
				if r := toRPCError(err); r.Data.Reason == "" {
					t.Fatalf("print params error without reason: %v", err)
				}
			}
		}
	})
}

// FuzzSplitBatch: any message that starts a batch is either split into at
// most the limit of entries or refused with a reason, never a panic.
func FuzzSplitBatch(f *testing.F) {
	for _, s := range []string{`[]`, `[1]`, `[{"jsonrpc":"2.0","id":1,"method":"hello"}]`, `[` + strings.Repeat(`{},`, 10) + `{}]`, `[{"a":[1,2,`, `[null,"x",[]]`} {
		f.Add([]byte(s), 5)
	}
	f.Fuzz(func(t *testing.T, data []byte, max int) {
		if max < 1 || max > 1000 {
			return
		}
		items, e := splitBatch(data, max)
		if e != nil {
			if e.Data.Reason == "" || e.Message == "" {
				t.Fatalf("refusal without reason or message: %+v", e)
			}
			return
		}
		if len(items) == 0 || len(items) > max {
			t.Fatalf("%d entries with a limit of %d", len(items), max)
		}
	})
}
