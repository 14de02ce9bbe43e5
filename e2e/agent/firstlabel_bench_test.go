package agent_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/client"
	"github.com/labelbridge/labelbridge/printing"
)

// BenchmarkFirstLabelAfterStart starts the agent process (serve, virtual
// printer) and prints the Korean 100×150 mm courier label as a page would:
// it reports the time from exec to the listening socket (start-ms), from
// the print request to the finished job (first-label-ms: stored, ZPL and
// preview written by the virtual printer), the sum (total-ms), and the same
// label printed again by the now warm agent (second-label-ms).
//
// "restart" is a station's every later start: the same home (config, local
// CA, job store) and the font index already in the user's cache folder.
// "new-station" is the first start after installing: an empty home (a new
// local CA is made) and an empty cache folder (the fonts are indexed).
func BenchmarkFirstLabelAfterStart(b *testing.B) {
	lbl, err := os.ReadFile("../../testdata/labels/courier-v2-ko.json")
	if err != nil {
		b.Fatal(err)
	}
	// One station's home and cache, set up by a first start.
	station, warmCache := newEnv(b), b.TempDir()
	startAndPrint(b, station, lbl, warmCache)
	for _, tc := range []struct {
		name string
		env  func(b *testing.B) (*env, string)
	}{
		{"restart", func(*testing.B) (*env, string) { return station, warmCache }},
		{"new-station", func(b *testing.B) (*env, string) { return newEnv(b), b.TempDir() }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var start, first, second time.Duration
			for b.Loop() {
				e, cache := tc.env(b)
				s, l := startAndPrint(b, e, lbl, cache)
				start += s
				first += l[0]
				second += l[1]
			}
			n := float64(b.N)
			b.ReportMetric(float64(start.Microseconds())/1e3/n, "start-ms")
			b.ReportMetric(float64(first.Microseconds())/1e3/n, "first-label-ms")
			b.ReportMetric(float64(second.Microseconds())/1e3/n, "second-label-ms")
			b.ReportMetric(float64((start+first).Microseconds())/1e3/n, "total-ms")
		})
	}
}

// startAndPrint starts an agent with cache as its user cache folder, prints
// lbl twice from a page, stops the agent and returns how long the start and
// each print took.
func startAndPrint(b *testing.B, e *env, lbl []byte, cache string) (start time.Duration, labels [2]time.Duration) {
	b.Helper()
	t0 := time.Now()
	p := e.startWith("XDG_CACHE_HOME=" + cache)
	start = time.Since(t0)
	defer p.stop()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	page := e.dial(ctx, client.Options{Origin: "http://localhost:3000"})
	if err := page.Subscribe(ctx, "jobs"); err != nil { // WaitJob follows job events
		b.Fatal(err)
	}
	for i := range labels {
		t1 := time.Now()
		job, err := page.Print(ctx, client.PrintParams{Label: lbl})
		if err != nil {
			b.Fatal(err)
		}
		if j, err := page.WaitJob(ctx, job.ID); err != nil || j.State != printing.JobDone {
			b.Fatalf("courier label job: %+v, %v\n%s", j, err, p.stderr)
		}
		labels[i] = time.Since(t1)
		if _, err := os.Stat(filepath.Join(e.virtualDir(), job.ID+".zpl")); err != nil {
			b.Fatalf("the virtual printer wrote no ZPL: %v", err)
		}
	}
	return start, labels
}
