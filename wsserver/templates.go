package wsserver

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"

	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/wire"
)

// Templates keeps label designs per origin (printing.Spooler does).
type Templates interface {
	SaveTemplate(ctx context.Context, origin, name string, label json.RawMessage) (printing.Template, error)
	Templates(origin string) ([]printing.Template, error)
	DeleteTemplate(ctx context.Context, origin, name string) error
}

// templates returns the server's template keeper, or an error.
func (c *conn) templates() (Templates, error) {
	if t, ok := c.srv.sp.(Templates); ok {
		return t, nil
	}
	return nil, newError(wire.CodeApplication, wire.ReasonUnavailable, "templates are not available in this build")
}

// templatesSave stores the calling origin's design durably (the reply
// comes once it is on disk).
func (c *conn) templatesSave(req *request) (any, error) {
	var p wire.TemplateSaveParams
	if err := decodeParams(req.Params, &p); err != nil {
		return nil, err
	}
	ts, err := c.templates()
	if err != nil {
		return nil, err
	}
	t, err := ts.SaveTemplate(req.ctx, c.peer.origin, p.Name, p.Label)
	if err != nil {
		return nil, err
	}
	return wire.TemplateResult{Template: t}, nil
}

func (c *conn) templatesList(req *request) (any, error) {
	if err := decodeParams(req.Params, &wire.Empty{}); err != nil {
		return nil, err
	}
	ts, err := c.templates()
	if err != nil {
		return nil, err
	}
	list, err := ts.Templates(c.peer.origin)
	if err != nil {
		return nil, err
	}
	return wire.TemplatesResult{Templates: list}, nil
}

func (c *conn) templatesDelete(req *request) (any, error) {
	var p wire.TemplateParams
	if err := decodeParams(req.Params, &p); err != nil {
		return nil, err
	}
	ts, err := c.templates()
	if err != nil {
		return nil, err
	}
	if err := ts.DeleteTemplate(req.ctx, c.peer.origin, p.Name); err != nil {
		return nil, err
	}
	return wire.DeletedResult{Deleted: p.Name}, nil
}

// batchRequest copies print's rows, counters and template into req.
func batchRequest(p *wire.PrintParams, req *printing.Request) error {
	req.Template = p.Template
	if (p.Rows != nil || p.Counters != nil) && req.Label == nil && req.Template == "" {
		return invalidParams("rows and counters: apply to a label or a template, not to raw data or documents")
	}
	if p.Rows != nil {
		if len(p.Rows) > printing.MaxRows {
			return newError(wire.CodeApplication, wire.ReasonTooComplex, "rows: %d rows; one print takes at most %d: split it", len(p.Rows), printing.MaxRows)
		}
		req.Rows = make([]map[string]string, len(p.Rows))
		for i, row := range p.Rows {
			if row == nil {
				return invalidParams("rows[%d]: must be an object of placeholder values", i)
			}
			out := make(map[string]string, len(row))
			for k, raw := range row {
				v, err := rowValue(raw)
				if err != nil {
					return invalidParams("rows[%d].%s: %s", i, k, err.Error())
				}
				out[k] = v
			}
			req.Rows[i] = out
		}
	}
	for i, k := range p.Counters {
		step := int64(1)
		if k.Step != nil {
			step = *k.Step
		}
		if step == 0 {
			return invalidParams("counters[%d].step: must not be 0", i)
		}
		req.Counters = append(req.Counters, printing.Counter{Name: k.Name, Start: k.Start, Step: step, Digits: k.Digits})
	}
	return nil
}

type valueError string

func (e valueError) Error() string { return string(e) }

// rowValue is a row value as text: a string as is, a number as written,
// true or false, null as "".
func rowValue(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "", valueError("must be a string, number or boolean")
	}
	switch raw[0] {
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", valueError("is not a valid JSON string")
		}
		return s, nil
	case 't', 'f':
		b, err := strconv.ParseBool(string(raw))
		if err != nil {
			return "", valueError("must be a string, number or boolean")
		}
		return strconv.FormatBool(b), nil
	case 'n':
		return "", nil
	case '{', '[':
		return "", valueError("must be a string, number or boolean, not an object or a list")
	}
	return string(raw), nil // a number, as the page wrote it
}
