package label

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestParseReportsEveryProblem: one error lists every problem (path,
// message in the label's own unit, a hint), and its message names the first.
func TestParseReportsEveryProblem(t *testing.T) {
	t.Parallel()
	type want struct{ path, msg string }
	for _, tc := range []struct {
		name, in string
		want     []want
	}{
		{"label fields and elements",
			`{"width":100,"height":60,"copies":0.5,"colour":"red","elements":[
			  {"type":"text","x":1,"y":1,"text":"ok","size":3},
			  {"type":"barcode","symbology":"ean13","data":"12345"},
			  {"type":"box","x":90,"y":1,"width":20,"height":5,"thickness":-1,"shade":1},
			  {"type":"line","x1":0,"y1":0,"x2":0,"y2":61}]}`,
			[]want{{"colour", "unknown field"}, {"copies", "must be a whole number"},
				{"elements[1].data", "EAN-13 needs 12 or 13 digits"},
				{"elements[2].shade", "unknown field"},
				{"elements[3].y2", "61 mm is off the label (0–60 mm)"}}},
		{"every field of one element that does not decode",
			`{"width":50,"height":30,"elements":[{"type":"text","x":"1","y":true,"text":5,"size":3,"bold":"yes"}]}`,
			[]want{{"elements[0].x", "must be a number"}, {"elements[0].y", "must be a number"},
				{"elements[0].text", "must be a string"}, {"elements[0].bold", "must be true or false"}}},
		{"a value that does not decode is not also out of range",
			`{"width":"10","height":-1,"elements":[{"type":"text","x":1,"y":1,"text":"a","size":3}]}`,
			[]want{{"width", "must be a number"}, {"height", "must be greater than 0"}}},
		{"inch label: geometry in inches",
			`{"width":4,"height":2,"unit":"in","elements":[
			  {"type":"text","x":5,"y":1,"text":"a","size":0.2},
			  {"type":"box","x":3,"y":0.5,"width":2,"height":0.5},
			  {"type":"barcode","symbology":"code128","data":"x","module":0.5}]}`,
			[]want{{"elements[0].x", "5 in is off the label (0–4 in)"},
				{"elements[1].width", "the box ends at x = 5 in, off the label (width 4 in)"},
				{"elements[2].module", "0.5 in is too wide (the limit is 0.39 in)"}}},
		{"inch label: too big and print-level lengths in inches",
			`{"width":100,"height":2,"unit":"in","gap":3,"elements":[]}`,
			[]want{{"width", "is 100 in; the limit is 78.74 in (2000 mm)"}, {"gap", "3 in is out of range (0–1.97 in)"}}},
		{"dot label",
			`{"width":400,"height":200,"unit":"dot","elements":[{"type":"line","x1":0,"y1":0,"x2":401,"y2":0}]}`,
			[]want{{"elements[0].x2", "401 dot is off the label (0–400 dot)"}}},
		{"ecc says what it takes",
			`{"width":50,"height":50,"elements":[{"type":"barcode","symbology":"qr","data":"x","ecc":true,"rotation":"0"}]}`,
			[]want{{"elements[0].rotation", "must be a number"}, {"elements[0].ecc", "must be a string (L, M, Q, H) or a whole number"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.in))
			if err == nil {
				t.Fatal("no error")
			}
			if r := ReasonOf(err); r != ReasonInvalid {
				t.Errorf("reason %q, want %q", r, ReasonInvalid)
			}
			got := ProblemsOf(err)
			var paths []string
			for _, p := range got {
				paths = append(paths, p.Path+": "+p.Message)
				if p.Hint == "" {
					t.Errorf("%s: no hint", p.Path)
				}
			}
			if len(got) != len(tc.want) {
				t.Fatalf("problems:\n  %s\nwant %d: %v", strings.Join(paths, "\n  "), len(tc.want), tc.want)
			}
			for i, w := range tc.want {
				if got[i].Path != w.path || !strings.Contains(got[i].Message, w.msg) {
					t.Errorf("problem %d: %s: %s\nwant %s: …%s…", i, got[i].Path, got[i].Message, w.path, w.msg)
				}
			}
			first := tc.want[0].path + ": "
			if !strings.HasPrefix(err.Error(), first) {
				t.Errorf("message %q does not start with the first problem's path %q", err, first)
			}
			if n := len(tc.want); n > 1 && !strings.Contains(err.Error(), fmt.Sprintf("(and %d more problem", n-1)) {
				t.Errorf("message %q does not count the other %d problems", err, n-1)
			}
			var le *Error
			if !errors.As(err, &le) || le.Field != tc.want[0].path {
				t.Errorf("errors.As finds %+v, want the first problem", le)
			}
		})
	}
}

// TestHints: the hint fits the kind of problem; every problem has one.
func TestHints(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, path, hint string }{
		{`{"width":50,"height":30,"elements":[{"type":"text","x":60,"y":1,"text":"a","size":3}]}`, "elements[0].x", "the label is 50 mm wide and 30 mm tall"},
		{`{"width":2,"height":1,"unit":"in","elements":[{"type":"box","x":1,"y":0,"width":2,"height":1}]}`, "elements[0].width", "the label is 2 in wide and 1 in tall"},
		{`{"width":50,"height":30,"elements":[{"type":"text","x":1,"y":1,"txt":"a","size":3}]}`, "elements[0].txt", `Remove "txt" or fix its spelling`},
		{`{"width":50,"height":30,"elements":[{"type":"text","x":1,"y":1,"size":3}]}`, "elements[0].text", "Add elements[0].text."},
		{`{"width":50,"height":30,"elements":[{"type":"barcode","symbology":"ean13","data":"1"}]}`, "elements[0].data", "symbology's rules"},
		{`{"width":50,"height":30,"elements":[{"type":"barcode","symbology":"qr","data":"x","size":9,"module":1}]}`, "elements[0].module", "Keep one of the two fields"},
		{`{"width":50,"height":30,"unit":"cm","elements":[]}`, "unit", "Use one of the values"},
		{`{"width":50,"height":30,"dpi":"203","elements":[]}`, "dpi", "as a JSON number"},
		{`[1]`, "", "one JSON object"},
	} {
		_, err := Parse([]byte(tc.in))
		ps := ProblemsOf(err)
		if len(ps) != 1 || ps[0].Path != tc.path || !strings.Contains(ps[0].Hint, tc.hint) {
			t.Errorf("%s:\n got %+v\nwant one problem at %q with a hint containing %q", tc.in, ps, tc.path, tc.hint)
		}
	}
}

// TestProblemsAreCapped: a label with thousands of mistakes gets
// MaxProblems of them and one more saying how many were left out.
func TestProblemsAreCapped(t *testing.T) {
	t.Parallel()
	var els []string
	for range 200 {
		els = append(els, `{"type":"text","x":1,"y":1,"size":3}`)
	}
	_, err := Parse([]byte(`{"width":50,"height":30,"elements":[` + strings.Join(els, ",") + `]}`))
	ps := ProblemsOf(err)
	if len(ps) != MaxProblems+1 || ps[MaxProblems].Message != "150 more problems are not listed" || ps[MaxProblems].Hint == "" {
		t.Fatalf("%d problems, last %+v", len(ps), ps[len(ps)-1])
	}
	if !strings.HasPrefix(err.Error(), "elements[0].text: is required (and 50 more problems)") {
		t.Errorf("message %q", err)
	}
}

// TestProblemsOfOneError: a single label error (e.g. from layout) is one
// problem with a hint; other errors carry none.
func TestProblemsOfOneError(t *testing.T) {
	t.Parallel()
	ps := ProblemsOf(fmt.Errorf("render: %w", Errorf(ReasonInvalid, "elements[2].data", "the barcode runs off the label: it ends at x = 2.10 in and the label is 2.00 in wide")))
	if len(ps) != 1 || ps[0].Path != "elements[2].data" || !strings.Contains(ps[0].Hint, "Move the element") {
		t.Errorf("%+v", ps)
	}
	if ps := ProblemsOf(errors.New("disk full")); ps != nil {
		t.Errorf("a plain error has problems %+v", ps)
	}
	// Validate, as printing/batch calls it after filling a row, collects too.
	l := &Label{Width: 50, Height: 30, Elements: []Element{{Type: TypeText, X: 60, Size: 3, Text: "a"}, {Type: TypeBox, X: 1, Y: 1}}}
	if ps := ProblemsOf(l.Validate()); len(ps) != 2 || ps[0].Path != "elements[0].x" || ps[1].Path != "elements[1].width" {
		t.Errorf("Validate: %+v", ps)
	}
}
