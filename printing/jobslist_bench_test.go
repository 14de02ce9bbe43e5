package printing_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/printing/store"
)

// BenchmarkJobsList lists the newest 50 of 10,000 stored jobs, as the panel
// and pages do on every refresh: all jobs, one page's jobs (a tenth of the
// history), and one state.
func BenchmarkJobsList(b *testing.B) {
	st, err := store.Open(filepath.Join(b.TempDir(), "jobs.db"), store.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	var chans []<-chan printing.CreateResult
	for i := range 10000 {
		state := printing.JobDone
		if i%100 == 0 {
			state = printing.JobFailed
		}
		chans = append(chans, st.CreateAsync(printing.NewJob{
			Job:     printing.Job{State: state, Printer: fmt.Sprint("p", i%3), Origin: fmt.Sprint("http://site", i%10), Title: fmt.Sprint("order ", i), Copies: 1},
			Payload: []byte("^XA^FDlabel^FS^XZ"),
		}))
	}
	for _, ch := range chans {
		if r := <-ch; r.Err != nil {
			b.Fatal(r.Err)
		}
	}
	sp := printing.New(st, nil, printing.Options{})
	if err := sp.Start(); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		f    printing.JobFilter
	}{
		{"all", printing.JobFilter{Limit: 50}},
		{"origin", printing.JobFilter{Origin: "http://site3", Limit: 50}},
		{"failed", printing.JobFilter{State: printing.JobFailed, Limit: 50}},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				jobs, err := sp.Jobs(c.f)
				if err != nil || len(jobs) != 50 {
					b.Fatalf("listed %d jobs (%v), want 50", len(jobs), err)
				}
			}
		})
	}
}
