// Package compile turns what a page sends (a label, a batch of rows, a
// document) into a printer's language for the spooler, and draws previews:
// the glue between the printing core and the label, batch and document
// engines, which the agent wires in.
package compile

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/printing/batch"
	"github.com/labelbridge/labelbridge/printing/encode"
	"github.com/labelbridge/labelbridge/printing/label"
	"github.com/labelbridge/labelbridge/printing/media"
)

// Compiler adapts the label and document engines to the spooler and the
// server (printing.Compiler, DocumentCompiler, BatchCompiler; the panel's
// previewer).
type Compiler struct {
	fonts []string // font files from config, tried before the OS fonts
}

// New is a compiler that tries fonts (font files from the config) before
// the OS fonts.
func New(fonts []string) *Compiler { return &Compiler{fonts: fonts} }

// Compile turns a label into the printer's language at the printer's dpi.
func (c *Compiler) Compile(ctx context.Context, raw json.RawMessage, p printing.Printer, copies int) (_ printing.Compiled, err error) {
	defer recoverAs(&err, "drawing a label")
	l, err := label.Parse(raw)
	if err != nil {
		return printing.Compiled{}, err
	}
	if copies > 0 {
		l.Copies = copies
	}
	l.ResolveMedia(printerMedia(p)) // the printer's settings under the label's
	data, err := encode.Label(ctx, l, p.Language, encode.Options{DPI: p.DPI, FontPaths: c.fonts})
	if err != nil {
		return printing.Compiled{}, fmt.Errorf("label for printer %s (%s): %w", p.ID, p.Language, err)
	}
	return printing.Compiled{Data: data, Language: p.Language, Copies: max(l.Copies, 1)}, nil
}

// PreviewLabel draws a label as a PNG (dpi 0: the label's own), or a
// stored document job's pages (dpi 0: the dpi it printed at).
func (c *Compiler) PreviewLabel(ctx context.Context, raw json.RawMessage, dpi int) (_ []byte, err error) {
	defer recoverAs(&err, "drawing a preview")
	if d, ok := asDocumentSource(raw); ok {
		png, _, err := previewDocument(ctx, d.Document, cmp.Or(dpi, d.DPI), d.MaxWidth, d.Size)
		return png, err
	}
	l, err := label.Parse(raw)
	if err != nil {
		return nil, err
	}
	return encode.Preview(ctx, l, encode.Options{DPI: dpi, FontPaths: c.fonts})
}

// SourceStore gives the label a job was made from.
type SourceStore interface {
	Source(id string) ([]byte, error)
}

// PreviewJob makes the virtual printer's preview of a job from its label
// or document (raw jobs have none): a virtual.Previewer.
func (c *Compiler) PreviewJob(st SourceStore) func(context.Context, printing.Job) ([]byte, error) {
	return func(ctx context.Context, job printing.Job) ([]byte, error) {
		src, err := st.Source(job.ID)
		if err != nil || src == nil {
			return nil, err
		}
		return c.PreviewLabel(ctx, src, 0)
	}
}

// recoverAs turns a panic while a label, batch or document is compiled or
// drawn into that call's error (*err): a bug in a decoder or in our drawing,
// hit by one label, fails that label and does not stop the agent (a job
// stored before the panic would stop it again at every start). The stack
// goes to the log for the bug report.
func recoverAs(err *error, what string) {
	r := recover()
	if r == nil {
		return
	}
	slog.Error("panic while "+what+": a bug, please report it with this log", "panic", r, "stack", string(debug.Stack()))
	*err = fmt.Errorf("%s failed: internal error (%v); the agent's log has the details", what, r)
}

// maxTitle is the job title's limit (as the spooler checks it).
const maxTitle = 256

// printerMedia returns a printer's configured settings (none: zero).
func printerMedia(p printing.Printer) media.Settings {
	if p.Settings == nil {
		return media.Settings{}
	}
	return *p.Settings
}

// CompileBatch prints one design for many rows (printing.BatchCompiler).
func (c *Compiler) CompileBatch(ctx context.Context, b printing.Batch) (_ printing.Compiled, err error) {
	defer recoverAs(&err, "drawing a batch")
	counters := make([]batch.Counter, len(b.Counters))
	for i, k := range b.Counters {
		counters[i] = batch.Counter(k)
	}
	res, err := batch.Compile(ctx, batch.Spec{
		Label: b.Label, Rows: b.Rows, Counters: counters, Copies: b.Copies, Language: b.Printer.Language,
		Options: encode.Options{DPI: b.Printer.DPI, FontPaths: c.fonts}, Printer: printerMedia(b.Printer),
		MaxBytes: b.MaxBytes,
	})
	if err != nil {
		return printing.Compiled{}, fmt.Errorf("labels for printer %s (%s): %w", b.Printer.ID, b.Printer.Language, err)
	}
	title := b.Title
	if b.Rows != nil {
		filled, missing := batch.Fill(title, func(name string) (string, bool) {
			v, ok := b.Rows[0][name]
			return v, ok
		})
		if missing != "" {
			return printing.Compiled{}, &printing.Error{Code: printing.ErrReasonInvalidParams,
				Msg: fmt.Sprintf("title: rows[0] has no %q for {{%s}}", missing, missing)}
		}
		for len(filled) > maxTitle { // whole characters only
			r := []rune(filled)
			filled = string(r[:len(r)-1])
		}
		title = filled
	}
	return printing.Compiled{Data: res.Data, Language: b.Printer.Language, Copies: max(b.Copies, 1),
		Labels: res.Labels, Source: res.First, Title: title}, nil
}

// CheckTemplate checks a design before templates.save stores it: it must
// decode as a label; values are checked when it prints, once its
// placeholders are filled, or now when it has none.
func (c *Compiler) CheckTemplate(raw json.RawMessage) (err error) {
	defer recoverAs(&err, "checking a template")
	l, err := label.ParseTemplate(raw)
	if err != nil {
		return err
	}
	for _, e := range l.Elements {
		if len(batch.Names(e.Text))+len(batch.Names(e.Data)) > 0 {
			return nil
		}
	}
	return l.Validate()
}
