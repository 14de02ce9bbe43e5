package printing

import (
	"context"
	"encoding/json"
)

// MaxRows is the most rows one print may carry.
const MaxRows = 10000

// Counter numbers the labels of a print: label k (copies included) shows
// Start + k×Step, zero-padded to Digits, wherever {{Name}} appears.
type Counter struct {
	Name   string
	Start  int64
	Step   int64
	Digits int
}

// Batch is one design printed for many rows (print {rows, counters}).
type Batch struct {
	Label    json.RawMessage
	Rows     []map[string]string // nil: counters only
	Counters []Counter
	Copies   int // copies of each row's label; 0: the label's own
	Title    string
	Printer  Printer
	MaxBytes int // the job byte limit
}

// BatchCompiler is implemented by label compilers that print one design
// for many rows: it fills the placeholders, draws every label (in
// parallel) and returns one job's bytes, the labels in row order. Its
// Compiled carries Labels, Source (the first filled label, for previews)
// and Title (the print's title, filled from the first row).
type BatchCompiler interface {
	CompileBatch(ctx context.Context, b Batch) (Compiled, error)
}

// resolveTemplate turns print {template} into print {label} with origin's
// saved design.
func (s *Spooler) resolveTemplate(req *Request) error {
	if req.Template == "" {
		return nil
	}
	if req.Label != nil || req.Raw != nil { // (a document with a template: refused by prepare)
		return errorf(ErrReasonInvalidParams, "template: send a template or a label (or raw data), not both")
	}
	l, err := s.templateLabel(req.Origin, req.Template)
	if err != nil {
		return err
	}
	req.Label = l
	return nil
}

// compileLabel compiles a print's label: one label as before, or with rows
// or counters a batch (one job, many labels).
func (s *Spooler) compileLabel(ctx context.Context, req Request, printer Printer) (Compiled, error) {
	if req.Rows == nil && req.Counters == nil {
		return s.compiler.Compile(ctx, req.Label, printer, req.Copies)
	}
	if len(req.Rows) > MaxRows {
		return Compiled{}, errorf(ErrReasonTooComplex, "rows: %d rows; one print takes at most %d: split it", len(req.Rows), MaxRows)
	}
	bc, ok := s.compiler.(BatchCompiler)
	if !ok {
		return Compiled{}, errorf(ErrReasonInvalidParams, "rows and counters are not supported by this build")
	}
	return bc.CompileBatch(ctx, Batch{
		Label: req.Label, Rows: req.Rows, Counters: req.Counters, Copies: req.Copies, Title: req.Title,
		Printer: printer, MaxBytes: s.opt.MaxJobBytes,
	})
}
