package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/printing/batch"
	"github.com/labelbridge/labelbridge/printing/encode"
	"github.com/labelbridge/labelbridge/printing/label"
	"github.com/labelbridge/labelbridge/printing/media"
)

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
func (c *labelCompiler) CompileBatch(ctx context.Context, b printing.Batch) (printing.Compiled, error) {
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
func (c *labelCompiler) CheckTemplate(raw json.RawMessage) error {
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
