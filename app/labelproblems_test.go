package main

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/client"
	"github.com/labelbridge/labelbridge/config"
	"github.com/labelbridge/labelbridge/wire"
)

// TestLabelProblemsReachThePage: against the real agent over a loopback
// WebSocket, a page's label with several mistakes is refused with one
// invalid_label error whose data.problems lists each (path, message in the
// label's own unit, hint) and whose message names the first; an error found
// while drawing (labels.preview) is one problem with a hint too; nothing is
// stored.
func TestLabelProblemsReachThePage(t *testing.T) {
	const origin = "https://wms.example"
	a, _ := startTestAgent(t, config.Config{AllowedOrigins: []string{origin}})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	page, err := client.Dial(ctx, client.URL(a.port), client.Options{Origin: origin})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { page.Close() })
	for _, tc := range []struct {
		name, method, label string
		paths, contains     []string
	}{
		{"print, inch label", wire.MethodPrint,
			`{"width":4,"height":2,"unit":"in","elements":[{"type":"text","x":5,"y":1,"text":"a","size":0.2},{"type":"barcode","symbology":"ean13","data":"1"},{"type":"box","x":1,"y":1,"width":1,"height":1,"colour":"red"}]}`,
			[]string{"elements[0].x", "elements[1].data", "elements[2].colour"},
			[]string{"5 in is off the label (0–4 in)", "EAN-13", "unknown field"}},
		{"preview, found while drawing", wire.MethodLabelsPreview,
			`{"width":2,"height":1.2,"unit":"in","elements":[{"type":"barcode","symbology":"qr","data":"x","x":1.2,"size":1}]}`,
			[]string{"elements[0].data"},
			[]string{"ends at x = 2.13 in and the label is 2.00 in wide"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := page.Call(ctx, tc.method, map[string]any{"label": json.RawMessage(tc.label)}, nil)
			var ce *client.Error
			if !errors.As(err, &ce) || ce.Reason != "invalid_label" {
				t.Fatalf("err = %v, want invalid_label", err)
			}
			if len(ce.Problems) != len(tc.paths) {
				t.Fatalf("problems %+v, want %v", ce.Problems, tc.paths)
			}
			for i, p := range ce.Problems {
				if p.Path != tc.paths[i] || !strings.Contains(p.Message, tc.contains[i]) || p.Hint == "" {
					t.Errorf("problem %d = %+v, want path %s, a message with %q and a hint", i, p, tc.paths[i], tc.contains[i])
				}
			}
			if !strings.HasPrefix(ce.Message, tc.paths[0]+": ") {
				t.Errorf("message %q does not name the first problem", ce.Message)
			}
		})
	}
	var jobs wire.JobsResult
	if err := page.Call(ctx, wire.MethodJobsList, map[string]any{}, &jobs); err != nil || len(jobs.Jobs) != 0 {
		t.Errorf("jobs after invalid labels: %+v, %v", jobs, err)
	}
}
