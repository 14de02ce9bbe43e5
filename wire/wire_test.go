package wire

import (
	"encoding/json"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/labelbridge/labelbridge/printing"
)

// coreReasons reads the error reasons the core declares: the string
// constants named prefix… in dir's non-test files, and the literal first
// argument of errorf(reason, …) calls there.
func coreReasons(t *testing.T, dir, prefix string) map[string]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files in %s: %v", dir, err)
	}
	out := map[string]string{}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.ValueSpec:
				for i, id := range n.Names {
					if strings.HasPrefix(id.Name, prefix) && i < len(n.Values) {
						if s, ok := stringLit(n.Values[i]); ok {
							out[id.Name] = s
						}
					}
				}
			case *ast.CallExpr:
				if fn, ok := n.Fun.(*ast.Ident); ok && fn.Name == "errorf" && len(n.Args) > 0 {
					if s, ok := stringLit(n.Args[0]); ok {
						out[fset.Position(n.Pos()).String()] = s
					}
				}
			}
			return true
		})
	}
	if len(out) == 0 {
		t.Fatalf("no %s… constants found in %s", prefix, dir)
	}
	return out
}

func stringLit(e ast.Expr) (string, bool) {
	bl, ok := e.(*ast.BasicLit)
	if !ok || bl.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(bl.Value)
	return s, err == nil
}

// Every error reason the core declares is on the wire list.
func TestCoreReasonsAreWireReasons(t *testing.T) {
	t.Parallel()
	found := coreReasons(t, filepath.Join("..", "printing"), "ErrReason")
	for k, v := range coreReasons(t, filepath.Join("..", "printing", "label"), "Reason") {
		found["label."+k] = v
	}
	for name, reason := range found {
		if !slices.Contains(Reasons(), reason) {
			t.Errorf("%s = %q is not in wire.Reasons(): add it to wire/reasons.go, docs/protocol.md and the SDK's AgentReason", name, reason)
		}
	}
	// The core's constants and wire's name the same strings.
	for core, w := range map[string]string{
		printing.ErrReasonPrinterNotFound: ReasonPrinterNotFound, printing.ErrReasonJobNotFound: ReasonJobNotFound,
		printing.ErrReasonQueueFull: ReasonQueueFull, printing.ErrReasonInvalidParams: ReasonInvalidParams,
		printing.ErrReasonPayloadTooLarge: ReasonPayloadTooLarge, printing.ErrReasonInvalidState: ReasonInvalidState,
		printing.ErrReasonNotAllowed: ReasonNotAllowed, printing.ErrReasonUnavailable: ReasonUnavailable,
		printing.ErrReasonStoreFailed: ReasonStoreFailed, printing.ErrReasonTooComplex: ReasonTooComplex,
	} {
		if core != w {
			t.Errorf("core reason %q, wire reason %q", core, w)
		}
	}
}

func TestListsAreSortedAndDistinct(t *testing.T) {
	t.Parallel()
	all := map[string]bool{}
	for name, list := range map[string][]string{
		"Methods": Methods(), "AdminMethods": AdminMethods(), "Events": Events(), "Topics": Topics(),
		"Reasons": Reasons(), "RefusalReasons": RefusalReasons(),
	} {
		if !slices.IsSorted(list) || len(slices.Compact(slices.Clone(list))) != len(list) {
			t.Errorf("%s() = %q: want sorted, no repeats", name, list)
		}
		if name == "Methods" || name == "AdminMethods" {
			for _, m := range list {
				if all[m] {
					t.Errorf("method %s is both a page and an admin method", m)
				}
				all[m] = true
			}
		}
	}
	for _, s := range JobStates() {
		if !s.Valid() {
			t.Errorf("job state %q is not valid in the core", s)
		}
	}
	if len(JobStates()) != 6 {
		t.Errorf("JobStates() = %q", JobStates())
	}
}

func TestCodeFor(t *testing.T) {
	t.Parallel()
	for reason, code := range map[string]int{
		ReasonParseError: CodeParseError, ReasonInvalidRequest: CodeInvalidRequest, ReasonMethodNotFound: CodeMethodNotFound,
		ReasonInvalidParams: CodeInvalidParams, ReasonInternalError: CodeInternal, ReasonStoreFailed: CodeInternal,
		ReasonQueueFull: CodeApplication, ReasonInvalidLabel: CodeApplication,
	} {
		if got := CodeFor(reason); got != code {
			t.Errorf("CodeFor(%q) = %d, want %d", reason, got, code)
		}
	}
}

func TestDecodeParams(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, params string
		into         func() any
		want         string // "" = no error; else a part of the message
	}{
		{"absent is {}", ``, func() any { return &Empty{} }, ""},
		{"null is {}", `null`, func() any { return &Empty{} }, ""},
		{"empty object", `{}`, func() any { return &Empty{} }, ""},
		{"unknown field", `{"x":1}`, func() any { return &Empty{} }, `params: unknown field "x"`},
		{"trailing data", `{} {}`, func() any { return &Empty{} }, "params: unexpected data after the object"},
		{"wrong type", `{"printer":5}`, func() any { return &PrinterParams{} }, "params: printer: must be a string, got number"},
		{"wrong type of a number", `{"limit":"5"}`, func() any { return &JobsListParams{} }, "params: limit: must be a number, got string"},
		{"job state is a string", `{"state":1}`, func() any { return &JobsListParams{} }, "params: state: must be a string, got number"},
		{"pointer to bool", `{"enabled":"yes"}`, func() any { return &BrowserPrintSetParams{} }, "params: enabled: must be true or false, got string"},
		{"topics", `{"topics":"jobs"}`, func() any { return &TopicsParams{} }, "params: topics: must be an array, got string"},
		{"not an object", `[1]`, func() any { return &PrinterParams{} }, "params: must be a JSON"},
		{"not JSON", `{"printer":}`, func() any { return &PrinterParams{} }, "params: invalid character"},
		{"unknown field in raw", `{"raw":{"data":"x","colour":1}}`, func() any { return &PrintParams{} }, `params: unknown field "colour"`},
		{"wrong type in raw", `{"raw":{"data":1}}`, func() any { return &PrintParams{} }, "params: raw.data: must be a string, got number"},
		{"raw not UTF-8", "{\"raw\":{\"data\":\"ab\xffc\"}}", func() any { return &PrintParams{} }, "raw.data: not valid UTF-8 at byte 2 of the JSON string"},
		{"raw ok", `{"raw":{"language":"zpl","data":"^XA\u00e9^XZ"}}`, func() any { return &PrintParams{} }, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			err := DecodeParams(json.RawMessage(c.params), c.into())
			if c.want == "" {
				if err != nil {
					t.Fatalf("DecodeParams(%s) = %v", c.params, err)
				}
				return
			}
			var we *Error
			if !errors.As(err, &we) || we.Code != CodeInvalidParams || we.Data.Reason != ReasonInvalidParams || !strings.Contains(we.Message, c.want) {
				t.Fatalf("DecodeParams(%s) = %#v, want invalid_params containing %q", c.params, err, c.want)
			}
		})
	}
}

func TestRawRoundTrip(t *testing.T) {
	t.Parallel()
	data, b64 := "^XA^FD상품^FS^XZ", "XlhB"
	for _, in := range []PrintParams{
		{Raw: &Raw{Language: "zpl", Data: &data}, Copies: 2, IdempotencyKey: "k"},
		{Raw: &Raw{Base64: &b64}},
		{Label: json.RawMessage(`{"width":10,"height":10,"elements":[]}`), Printer: "virtual"},
	} {
		b, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		var out PrintParams
		if err := DecodeParams(b, &out); err != nil {
			t.Fatalf("decode %s: %v", b, err)
		}
		again, _ := json.Marshal(out)
		if string(again) != string(b) {
			t.Errorf("round trip: %s became %s", b, again)
		}
	}
}

// An error the agent sends keeps its reason for printing.ReasonOf.
func TestErrorReason(t *testing.T) {
	t.Parallel()
	err := error(NewError(CodeApplication, ReasonQueueFull, "printer %q has %d jobs waiting", "zebra", 1000))
	if got := printing.ReasonOf(err, ""); got != ReasonQueueFull || err.Error() != `printer "zebra" has 1000 jobs waiting` {
		t.Fatalf("ReasonOf = %q, Error() = %q", got, err.Error())
	}
	b, _ := json.Marshal(err)
	if string(b) != `{"code":-32000,"message":"printer \"zebra\" has 1000 jobs waiting","data":{"reason":"queue_full"}}` {
		t.Fatalf("encoded as %s", b)
	}
}
