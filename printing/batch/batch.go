package batch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/labelbridge/labelbridge/printing/encode"
	"github.com/labelbridge/labelbridge/printing/label"
	"github.com/labelbridge/labelbridge/printing/media"
	"github.com/labelbridge/labelbridge/printing/zpl"
)

// Spec is one print of a design for many rows.
type Spec struct {
	Label    json.RawMessage     // the design (label model), placeholders in text and data
	Rows     []map[string]string // nil: one label of counters only
	Counters []Counter
	Copies   int // copies of each row's label; 0: the label's own
	Language string
	Options  encode.Options // printer dpi, fonts
	Printer  media.Settings // the printer's settings; the label's override them
	MaxBytes int            // the job's byte limit (0: none)
	Workers  int            // labels drawn at once; 0: GOMAXPROCS
}

// Result is a compiled batch.
type Result struct {
	Data   []byte
	Labels int // labels the data prints, copies included
	// First is the first label, filled, as JSON (the job's preview).
	First json.RawMessage
	// Native is true when the printer counts copies itself (ZPL ^SN/^SF).
	Native bool
}

// use is one placeholder use: element i's text or data.
type use struct {
	elem  int
	field string // "text" or "data"
	names []string
}

// plan is a checked batch, ready to draw.
type plan struct {
	spec     Spec
	tpl      *label.Label
	uses     []use
	counters map[string]Counter
	copies   int
	rows     int
}

// Compile fills and draws every label of spec and returns the job's bytes.
func Compile(ctx context.Context, spec Spec) (Result, error) {
	pl, err := check(spec)
	if err != nil {
		return Result{}, err
	}
	if pl.counterUsed() && spec.Language == "zpl" && pl.nativeCandidate() {
		res, err := pl.run(ctx, true)
		if !errors.Is(err, zpl.ErrSerialNotNative) {
			return res, err
		}
	}
	return pl.run(ctx, false)
}

// check validates everything that needs no drawing.
func check(spec Spec) (*plan, error) {
	if spec.Rows != nil && len(spec.Rows) == 0 {
		return nil, paramsError("rows", "is empty (send at least one row, or leave rows out)")
	}
	if len(spec.Rows) > MaxRows {
		return nil, &Error{Row: -1, Code: ReasonTooComplex, Msg: fmt.Sprintf("rows: %d rows; one print takes at most %d: split it", len(spec.Rows), MaxRows)}
	}
	tpl, err := label.ParseTemplate(spec.Label)
	if err != nil {
		return nil, err
	}
	pl := &plan{spec: spec, tpl: tpl, counters: map[string]Counter{}, copies: max(spec.Copies, tpl.Copies, 1), rows: max(len(spec.Rows), 1)}
	if pl.copies > label.MaxCopies {
		return nil, paramsError("copies", "%d is out of range (1–%d)", pl.copies, label.MaxCopies)
	}
	for i := range tpl.Elements {
		e := &tpl.Elements[i]
		if e.Type == label.TypeImage {
			continue // image data is a picture, never filled
		}
		for _, f := range []struct {
			name string
			v    string
		}{{"text", e.Text}, {"data", e.Data}} {
			if names := Names(f.v); len(names) > 0 {
				pl.uses = append(pl.uses, use{elem: i, field: f.name, names: names})
			}
		}
	}
	for _, c := range spec.Counters {
		pl.counters[c.Name] = c
	}
	for r, row := range spec.Rows {
		if len(row) > MaxRowFields {
			return nil, paramsError(fmt.Sprintf("rows[%d]", r), "has %d fields; the limit is %d", len(row), MaxRowFields)
		}
		for k, v := range row {
			if len([]rune(v)) > MaxValue {
				return nil, paramsError(fmt.Sprintf("rows[%d].%s", r, clip(k)), "has %d characters; the limit is %d", len([]rune(v)), MaxValue)
			}
			if _, ok := pl.counters[k]; ok {
				return nil, paramsError(fmt.Sprintf("rows[%d].%s", r, clip(k)), "is also the name of a counter: rename one")
			}
		}
		for _, u := range pl.uses {
			for _, n := range u.names {
				if _, ok := pl.counters[n]; ok {
					continue
				}
				if _, ok := row[n]; !ok {
					return nil, paramsError(fmt.Sprintf("rows[%d].%s", r, n), "missing (%s uses {{%s}})", label.ElementField(u.elem, u.field), n)
				}
			}
		}
	}
	if spec.Rows == nil {
		for _, u := range pl.uses {
			for _, n := range u.names {
				if _, ok := pl.counters[n]; !ok {
					return nil, paramsError(label.ElementField(u.elem, u.field), "{{%s}} has no value: it is not a counter and there are no rows", n)
				}
			}
		}
	}
	if err := checkCounters(spec.Counters, int64(pl.rows)*int64(pl.copies)); err != nil {
		return nil, err
	}
	return pl, nil
}

// counterUsed reports whether any placeholder is a counter.
func (pl *plan) counterUsed() bool {
	for _, u := range pl.uses {
		for _, n := range u.names {
			if _, ok := pl.counters[n]; ok {
				return true
			}
		}
	}
	return false
}

// nativeCandidate reports whether every counter use is the only counter of
// a printer-font text with a fixed width and a positive step (what ^SN and
// ^SF can count); the encoder has the last word (ErrSerialNotNative).
func (pl *plan) nativeCandidate() bool {
	for _, u := range pl.uses {
		n := 0
		for _, name := range u.names {
			if c, ok := pl.counters[name]; ok {
				n++
				if c.Digits == 0 || c.Step <= 0 {
					return false
				}
			}
		}
		e := &pl.tpl.Elements[u.elem]
		if n > 0 && (u.field != "text" || n > 1 || !strings.EqualFold(e.Font, label.FontPrinter)) {
			return false
		}
	}
	return true
}

// labels returns how many labels are drawn and how many copies each prints.
func (pl *plan) labels(native bool) (drawn, copiesEach int) {
	if pl.counterUsed() && !native {
		return pl.rows * pl.copies, 1
	}
	return pl.rows, pl.copies
}

// build returns label k (of drawn): row k/perRow's values, counters at
// their k-th value (or at the row's first when the printer counts).
func (pl *plan) build(k int, native bool) (*label.Label, int, error) {
	_, copiesEach := pl.labels(native)
	row := k
	if copiesEach == 1 && pl.counterUsed() {
		row = k / pl.copies
	}
	seq := int64(k)
	if native || !pl.counterUsed() {
		seq = int64(k) * int64(pl.copies)
	}
	var values map[string]string
	if pl.spec.Rows != nil {
		values = pl.spec.Rows[row]
	}
	value := func(name string) (string, bool) {
		if c, ok := pl.counters[name]; ok {
			return c.format(seq), true
		}
		v, ok := values[name]
		return v, ok
	}
	l := *pl.tpl
	l.Elements = slices.Clone(pl.tpl.Elements)
	l.Copies = copiesEach
	l.Serials = nil
	for _, u := range pl.uses {
		e := &l.Elements[u.elem]
		src := &e.Text
		if u.field == "data" {
			src = &e.Data
		}
		filled, missing := Fill(*src, value)
		if missing != "" { // check() saw every name: cannot happen
			return nil, row, paramsError(fmt.Sprintf("rows[%d].%s", row, missing), "missing")
		}
		if native {
			if sr, ok := pl.serial(*src, value); ok {
				if l.Serials == nil {
					l.Serials = map[int]label.Serial{}
				}
				l.Serials[u.elem] = sr
			}
		}
		*src = filled
	}
	if err := l.Validate(); err != nil {
		return nil, row, err
	}
	l.ResolveMedia(pl.spec.Printer)
	return &l, row, nil
}

// serial describes the one counter in a printer-font text s.
func (pl *plan) serial(s string, value func(string) (string, bool)) (label.Serial, bool) {
	for _, m := range placeholder.FindAllStringSubmatchIndex(s, -1) {
		c, ok := pl.counters[s[m[2]:m[3]]]
		if !ok {
			continue
		}
		before, _ := Fill(s[:m[0]], value)
		after, _ := Fill(s[m[1]:], value)
		return label.Serial{Step: c.Step, Digits: c.Digits, Leading: len([]rune(before)), Trailing: len([]rune(after))}, true
	}
	return label.Serial{}, false
}

// run draws every label with the spec's workers and joins them in order.
func (pl *plan) run(ctx context.Context, native bool) (Result, error) {
	drawn, copiesEach := pl.labels(native)
	if drawn > MaxLabels {
		return Result{}, &Error{Row: -1, Code: ReasonTooComplex, Msg: fmt.Sprintf(
			"%d rows × %d copies = %d labels to draw (each copy shows another counter value); one print draws at most %d: send fewer rows or copies",
			pl.rows, pl.copies, drawn, MaxLabels)}
	}
	lang, opt := pl.spec.Language, pl.spec.Options
	// The first label is laid out alone: its estimate prices the batch.
	first, row, err := pl.build(0, native)
	if err != nil {
		return Result{}, rowErr(pl, row, err)
	}
	fp, err := encode.Layout(ctx, first, lang, opt)
	if err != nil {
		return Result{}, rowErr(pl, row, err)
	}
	if per := fp.Estimate(); per > MaxWork/int64(drawn) {
		return Result{}, &Error{Row: -1, Code: ReasonTooComplex, Msg: fmt.Sprintf(
			"%d rows (%d labels) would cost about %s dots of work (%s per label); a print's budget is %s: send fewer rows per print",
			pl.rows, drawn, commas(per*int64(drawn)), commas(per), commas(MaxWork))}
	}
	firstJSON, err := json.Marshal(first)
	if err != nil {
		return Result{}, fmt.Errorf("encode the first label: %w", err)
	}
	out := make([][]byte, drawn)
	if out[0], err = encode.EncodePlan(fp, lang, opt); err != nil {
		return Result{}, rowErr(pl, row, err)
	}
	var total atomic.Int64
	total.Add(int64(len(out[0])))
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	workers := pl.spec.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var next atomic.Int64
	next.Store(1)
	var wg sync.WaitGroup
	for w := 0; w < min(workers, drawn-1); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				k := int(next.Add(1) - 1)
				if k >= drawn {
					return
				}
				data, err := pl.draw(ctx, k, native)
				if err != nil {
					cancel(err)
					return
				}
				out[k] = data
				if n := total.Add(int64(len(data))); pl.spec.MaxBytes > 0 && n > int64(pl.spec.MaxBytes) {
					cancel(&Error{Row: -1, Code: ReasonTooLarge, Msg: fmt.Sprintf(
						"the labels of %d rows come to more than %d bytes (the job limit) by label %d of %d: send fewer rows per print",
						pl.rows, pl.spec.MaxBytes, k+1, drawn)})
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return Result{}, err
	}
	data := make([]byte, 0, total.Load())
	for _, b := range out {
		data = append(data, b...)
	}
	if pl.spec.MaxBytes > 0 && len(data) > pl.spec.MaxBytes {
		return Result{}, &Error{Row: -1, Code: ReasonTooLarge, Msg: fmt.Sprintf("the labels come to %d bytes, over the job limit of %d: send fewer rows per print", len(data), pl.spec.MaxBytes)}
	}
	return Result{Data: data, Labels: drawn * copiesEach, First: firstJSON, Native: native}, nil
}

// draw builds, lays out and encodes label k.
func (pl *plan) draw(ctx context.Context, k int, native bool) ([]byte, error) {
	l, row, err := pl.build(k, native)
	if err != nil {
		return nil, rowErr(pl, row, err)
	}
	b, err := encode.Label(ctx, l, pl.spec.Language, pl.spec.Options)
	if err != nil {
		return nil, rowErr(pl, row, err)
	}
	return b, nil
}

// rowErr names the row of a label error (when there are rows).
func rowErr(pl *plan, row int, err error) error {
	var be *Error
	if errors.As(err, &be) || pl.spec.Rows == nil || errors.Is(err, zpl.ErrSerialNotNative) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return &Error{Row: row, Err: err}
}

func commas(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
