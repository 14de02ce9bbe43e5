package browserprint

import (
	"strings"
	"testing"

	"github.com/labelbridge/labelbridge/printing"
)

// FuzzWriteInput feeds arbitrary /write bodies and printer data to the
// parser and the query scanner: bad input must give an error, never a panic,
// and the answers must only exist when a query was found.
func FuzzWriteInput(f *testing.F) {
	for _, s := range []string{
		`{"device":{"uid":"virtual"},"data":"^XA^XZ"}`,
		`{"device":null,"data":"~HQES"}`,
		`{"data":"! U1 getvar \"device.languages\"\r\n"}`,
		`{"data":5}`, `[]`, `nul`, ``, `{"url":"x","options":{}}`,
		"~hqes ~hs ! u1 GETVAR \"appl.name\"", "^XA~HQES^XZ",
	} {
		f.Add(s)
	}
	p := printing.Printer{ID: "virtual", Name: "Virtual printer", Language: "zpl", Status: printing.Status{State: "ready", Reasons: []string{}}}
	f.Fuzz(func(t *testing.T, s string) {
		var b writeBody
		if err := parseBody([]byte(s), &b); err == nil && b.Data != nil {
			s = *b.Data
		}
		answers, only := Queries(s, p, "fuzz")
		if only && len(answers) == 0 {
			t.Fatalf("only queries but no answers for %q", s)
		}
		if len(answers) > 0 && !queryRE.MatchString(s) {
			t.Fatalf("answers without a query for %q", s)
		}
		if only && strings.TrimSpace(queryRE.ReplaceAllString(s, "")) != "" {
			t.Fatalf("%q has more than queries", s)
		}
	})
}
