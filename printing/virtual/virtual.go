// Package virtual is the built-in virtual printer: always present, it
// "prints" each job by writing its bytes to a folder (and, when a preview
// renderer is wired in, a PNG of the label beside them), so pages can be
// developed and tested with no printer at all.
package virtual

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/labelbridge/labelbridge/internal/cappedfile"
	"github.com/labelbridge/labelbridge/printing"
)

// Previewer renders the PNG preview of a job, or returns nil when the job has
// no label to preview (raw jobs).
type Previewer func(ctx context.Context, job printing.Job) ([]byte, error)

// Printer is the virtual printer's transport.
type Printer struct {
	dir     string
	keep    int
	preview Previewer

	mu    sync.Mutex
	count int
	log   *cappedfile.File // LogName, capped at 8 MiB
}

// New returns a virtual printer writing to dir, keeping the newest keep jobs
// (0: keep everything). preview may be nil.
func New(dir string, keep int, preview Previewer) (*Printer, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("virtual printer folder: %w", err)
	}
	log, err := cappedfile.Open(filepath.Join(dir, LogName), 8<<20)
	if err != nil {
		return nil, fmt.Errorf("virtual printer log: %w", err)
	}
	return &Printer{dir: dir, keep: keep, preview: preview, log: log}, nil
}

// Info is the printer as the API lists it.
func Info(language string, dpi int, dir string) printing.Printer {
	return printing.Printer{
		ID: printing.VirtualPrinterID, Name: "Virtual printer", Connection: printing.ConnVirtual,
		Language: language, Vendor: "Labelbridge", Model: "Virtual", DPI: dpi, Address: dir,
		Status: printing.Status{State: printing.PrinterReady, Reasons: []string{}},
	}
}

// Dir is the folder jobs are written to.
func (p *Printer) Dir() string { return p.dir }

// JobFile is the file a job's bytes are written to.
func (p *Printer) JobFile(job printing.Job) string {
	ext := job.Language
	if ext == "" {
		ext = "bin"
	}
	return filepath.Join(p.dir, job.ID+"."+ext)
}

// Send writes the job's bytes (atomically: a file appears whole or not at
// all) and its preview.
func (p *Printer) Send(ctx context.Context, job printing.Job, data []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := writeAtomic(p.JobFile(job), data); err != nil {
		return fmt.Errorf("virtual printer: %w", err)
	}
	if p.preview != nil {
		png, err := p.preview(ctx, job)
		if err != nil {
			return fmt.Errorf("virtual printer preview: %w", err)
		}
		if png != nil {
			if err := writeAtomic(filepath.Join(p.dir, job.ID+".png"), png); err != nil {
				return fmt.Errorf("virtual printer preview: %w", err)
			}
		}
	}
	p.mu.Lock()
	err := p.logSend(job, len(data))
	p.count++
	prune := p.keep > 0 && p.count%100 == 0
	p.mu.Unlock()
	if err != nil {
		return fmt.Errorf("virtual printer log: %w", err)
	}
	if prune {
		p.prune()
	}
	return nil
}

// LogName is the virtual printer's print log: one line per job sent
// ("time id attempt bytes"), so tests and people can count what printed,
// resends included.
const LogName = "printed.log"

// logSend appends one line to the print log. p.mu held.
func (p *Printer) logSend(job printing.Job, n int) error {
	_, err := fmt.Fprintf(p.log, "%s %s %d %d\n", time.Now().UTC().Format(time.RFC3339Nano), job.ID, job.Attempts, n)
	return err
}

// Close closes the print log.
func (p *Printer) Close() error { return p.log.Close() }

func writeAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// prune deletes the files of the oldest jobs beyond keep. Job ids sort in
// creation order, so names do too.
func (p *Printer) prune() {
	entries, err := os.ReadDir(p.dir)
	if err != nil {
		return
	}
	byJob := map[string][]string{}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, LogName) {
			continue
		}
		id, _, _ := strings.Cut(name, ".")
		byJob[id] = append(byJob[id], name)
	}
	if len(byJob) <= p.keep {
		return
	}
	ids := make([]string, 0, len(byJob))
	for id := range byJob {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids[:len(ids)-p.keep] {
		for _, name := range byJob[id] {
			_ = os.Remove(filepath.Join(p.dir, name))
		}
	}
}
