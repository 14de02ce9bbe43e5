package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"

	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/printing/encode"
	"github.com/labelbridge/labelbridge/printing/label"
	"github.com/labelbridge/labelbridge/printing/virtual"
)

// labelCompiler adapts the label engine to the spooler and the server.
type labelCompiler struct {
	fonts []string // font files from config, tried before the OS fonts
}

func newLabelCompiler(fonts []string) *labelCompiler { return &labelCompiler{fonts: fonts} }

// Compile turns a label into the printer's language at the printer's dpi.
func (c *labelCompiler) Compile(ctx context.Context, raw json.RawMessage, p printing.Printer, copies int) (printing.Compiled, error) {
	l, err := label.Parse(raw)
	if err != nil {
		return printing.Compiled{}, err
	}
	if copies > 0 {
		l.Copies = copies
	}
	l.ResolveMedia(printerMedia(p)) // the printer's settings under the label's (batch.go)
	data, err := encode.Label(ctx, l, p.Language, encode.Options{DPI: p.DPI, FontPaths: c.fonts})
	if err != nil {
		return printing.Compiled{}, fmt.Errorf("label for printer %s (%s): %w", p.ID, p.Language, err)
	}
	return printing.Compiled{Data: data, Language: p.Language, Copies: max(l.Copies, 1)}, nil
}

// PreviewLabel draws a label as a PNG (dpi 0: the label's own), or a
// stored document job's pages (dpi 0: the dpi it printed at).
func (c *labelCompiler) PreviewLabel(ctx context.Context, raw json.RawMessage, dpi int) ([]byte, error) {
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

// sourceStore gives the label a job was made from.
type sourceStore interface {
	Source(id string) ([]byte, error)
}

// previewJob makes the virtual printer's preview of a job from its label
// (raw jobs have none).
func (c *labelCompiler) previewJob(st sourceStore) virtual.Previewer {
	return func(ctx context.Context, job printing.Job) ([]byte, error) {
		src, err := st.Source(job.ID)
		if err != nil || src == nil {
			return nil, err
		}
		return c.PreviewLabel(ctx, src, 0)
	}
}
