package wsserver

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"regexp"

	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/wire"
)

// The methods every connection may call (the table is in dispatch.go;
// subscribe and unsubscribe are in events.go). Params and results are
// package wire's shapes.

func (c *conn) hello(req *request) (any, error) {
	var p wire.HelloParams
	if err := decodeParams(req.Params, &p); err != nil {
		return nil, err
	}
	return wire.HelloResult{
		Name: "labelbridge", Version: c.srv.opt.Version, Protocol: ProtocolVersion,
		Origin: c.peer.origin, Admin: c.peer.admin, DefaultPrinter: c.srv.sp.DefaultPrinter(),
		MaxMessageBytes: c.srv.opt.MaxMessageBytes, Methods: wire.Methods(),
	}, nil
}

func (c *conn) printersList(req *request) (any, error) {
	if err := decodeParams(req.Params, &wire.Empty{}); err != nil {
		return nil, err
	}
	return wire.PrintersResult{Printers: c.srv.sp.Printers()}, nil
}

func (c *conn) printersGet(req *request) (any, error) {
	var p wire.PrinterParams
	if err := decodeParams(req.Params, &p); err != nil {
		return nil, err
	}
	if p.Printer == "" {
		return nil, invalidParams("printer: required")
	}
	pr, err := c.srv.sp.Printer(p.Printer)
	if err != nil {
		return nil, err
	}
	return wire.PrinterResult{Printer: pr}, nil
}

func (c *conn) printersSetDefault(req *request) (any, error) {
	// The default printer is every site's: only the user (tray, panel,
	// CLI) chooses it. A page names a printer per job instead.
	if !c.peer.admin {
		return nil, &printing.Error{Code: wire.ReasonNotAllowed,
			Msg: "the default printer is chosen by the user in the Labelbridge tray or panel; a page may name a printer for each job (print {\"printer\": id})"}
	}
	var p wire.PrinterParams
	if err := decodeParams(req.Params, &p); err != nil {
		return nil, err
	}
	if p.Printer == "" {
		return nil, invalidParams("printer: required")
	}
	pr, err := c.srv.sp.SetDefault(p.Printer)
	if err != nil {
		return nil, err
	}
	return wire.PrinterResult{Printer: pr}, nil
}

var languageName = regexp.MustCompile(`^[a-z0-9]{1,16}$`)

// toRequest checks print params and turns them into a spooler request.
func toRequest(p *wire.PrintParams, origin string) (printing.Request, error) {
	req := printing.Request{
		Printer: p.Printer, Origin: origin, Title: p.Title, Copies: p.Copies, IdempotencyKey: p.IdempotencyKey,
	}
	hasLabel := len(p.Label) > 0 && string(p.Label) != "null"
	hasDocument := len(p.Document) > 0 && string(p.Document) != "null"
	hasTemplate := p.Template != "" // a saved design (templates.go)
	switch {
	case btoi(hasLabel)+btoi(hasDocument)+btoi(p.Raw != nil)+btoi(hasTemplate) > 1:
		return req, invalidParams("label, template, document and raw: send one of them, not several")
	case !hasLabel && !hasDocument && p.Raw == nil && !hasTemplate:
		return req, invalidParams("label, template, document or raw: one is required")
	case hasTemplate:
	case hasLabel:
		req.Label = p.Label
	case hasDocument:
		req.Document = p.Document
	default:
		r := p.Raw
		if r.Language != "" && !languageName.MatchString(r.Language) {
			return req, invalidParams("raw.language: %q is not a language name (zpl, tspl, epl, escpos, …)", r.Language)
		}
		switch {
		case r.Data != nil && r.Base64 != nil:
			return req, invalidParams("raw: data and base64: send one or the other")
		case r.Data != nil:
			req.Raw = []byte(*r.Data)
		case r.Base64 != nil:
			b, err := base64.StdEncoding.DecodeString(*r.Base64)
			if err != nil {
				return req, invalidParams("raw.base64: not valid base64: %v", err)
			}
			req.Raw = b
		default:
			return req, invalidParams("raw: data (text) or base64 (bytes) is required")
		}
		if len(req.Raw) == 0 {
			return req, invalidParams("raw: empty")
		}
		req.Language = r.Language
	}
	if p.Copies < 0 {
		return req, invalidParams("copies: must be at least 1")
	}
	if err := batchRequest(p, &req); err != nil { // templates.go
		return req, err
	}
	return req, nil
}

// print queues the job now (so a page's prints keep their order) and
// replies once it is durably stored.
func (c *conn) print(req *request, done func(any, error)) {
	var p wire.PrintParams
	if err := decodeParams(req.Params, &p); err != nil {
		done(nil, err)
		return
	}
	preq, err := toRequest(&p, c.peer.origin)
	if err != nil {
		done(nil, err)
		return
	}
	ctx := req.ctx
	var ch <-chan printing.SubmitResult
	if preq.Label != nil || preq.Document != nil || preq.Template != "" { // compiling renders: take a render worker
		req.renders = true
		if err := c.srv.acquireWorker(ctx); err != nil {
			done(nil, err)
			return
		}
		ch = c.srv.sp.SubmitContext(ctx, preq)
		c.srv.releaseWorker()
	} else {
		ch = c.srv.sp.SubmitContext(ctx, preq)
	}
	c.Go(func() {
		select {
		case r := <-ch:
			if r.Err != nil {
				done(nil, r.Err)
				return
			}
			done(wire.PrintResult{Job: r.Job, Duplicate: r.Existing}, nil)
		case <-ctx.Done():
			done(nil, newError(wire.CodeApplication, wire.ReasonUnavailable,
				"the job was not confirmed stored within %s: send it again with the same idempotencyKey", c.srv.opt.RequestTimeout))
		}
	})
}

// ownJob fetches a job the peer may see: admins see all, pages their own.
func (c *conn) ownJob(req *request) (printing.Job, error) {
	var p wire.JobParams
	if err := decodeParams(req.Params, &p); err != nil {
		return printing.Job{}, err
	}
	if p.Job == "" {
		return printing.Job{}, invalidParams("job: required")
	}
	j, err := c.srv.sp.Job(p.Job)
	if err != nil {
		return j, err
	}
	if !c.peer.admin && j.Origin != c.peer.origin {
		return printing.Job{}, newError(wire.CodeApplication, wire.ReasonJobNotFound, "job %q not found", p.Job)
	}
	return j, nil
}

func (c *conn) jobsGet(req *request) (any, error) {
	j, err := c.ownJob(req)
	if err != nil {
		return nil, err
	}
	return wire.JobResult{Job: j}, nil
}

func (c *conn) jobsCancel(req *request) (any, error) {
	j, err := c.ownJob(req)
	if err != nil {
		return nil, err
	}
	j, err = c.srv.sp.Cancel(j.ID)
	if err != nil {
		return nil, err
	}
	return wire.JobResult{Job: j}, nil
}

func (c *conn) jobsRetry(req *request) (any, error) {
	var p wire.JobsRetryParams
	if err := decodeParams(req.Params, &p); err != nil {
		return nil, err
	}
	if p.Job == "" {
		return nil, invalidParams("job: required")
	}
	j, err := c.srv.sp.Job(p.Job)
	if err != nil {
		return nil, err
	}
	if !c.peer.admin && j.Origin != c.peer.origin {
		return nil, newError(wire.CodeApplication, wire.ReasonJobNotFound, "job %q not found", p.Job)
	}
	j, err = c.srv.sp.RetryOn(req.ctx, j.ID, p.Printer)
	if err != nil {
		return nil, err
	}
	return wire.JobResult{Job: j}, nil
}

func (c *conn) jobsList(req *request) (any, error) {
	var p wire.JobsListParams
	if err := decodeParams(req.Params, &p); err != nil {
		return nil, err
	}
	if p.State != "" && !p.State.Valid() {
		return nil, invalidParams("state: %q is not a job state (queued, sending, done, failed, canceled, held)", p.State)
	}
	if p.Limit < 0 || p.Limit > 1000 {
		return nil, invalidParams("limit: must be 1 to 1000")
	}
	if p.Limit == 0 {
		p.Limit = 100
	}
	f := printing.JobFilter{State: p.State, Printer: p.Printer, Origin: p.Origin, Limit: p.Limit}
	if !c.peer.admin {
		if p.Origin != "" && p.Origin != c.peer.origin {
			return nil, newError(wire.CodeApplication, wire.ReasonNotAllowed, "origin: a page may list only its own jobs")
		}
		f.Origin = c.peer.origin
	}
	jobs, err := c.srv.sp.Jobs(f)
	if err != nil {
		return nil, err
	}
	return wire.JobsResult{Jobs: jobs}, nil
}

func (c *conn) labelsPreview(req *request) (any, error) {
	var p wire.PreviewParams
	if err := decodeParams(req.Params, &p); err != nil {
		return nil, err
	}
	if (len(p.Label) == 0) == (len(p.Document) == 0) {
		return nil, invalidParams("label or document: send one of them")
	}
	if c.srv.opt.Previewer == nil {
		return nil, newError(wire.CodeApplication, wire.ReasonUnavailable, "previews are not available in this build")
	}
	if len(p.Document) > 0 {
		dp, ok := c.srv.opt.Previewer.(DocumentPreviewer)
		if !ok {
			return nil, newError(wire.CodeApplication, wire.ReasonUnavailable, "document previews are not available in this build")
		}
		png, pages, err := dp.PreviewDocument(req.ctx, p.Document, p.DPI)
		if err != nil {
			return nil, err
		}
		return wire.PreviewResult{PNG: base64.StdEncoding.EncodeToString(png), ContentType: "image/png", Pages: pages}, nil
	}
	png, err := c.srv.opt.Previewer.PreviewLabel(req.ctx, p.Label, p.DPI)
	if err != nil {
		return nil, err
	}
	return wire.PreviewResult{PNG: base64.StdEncoding.EncodeToString(png), ContentType: "image/png"}, nil
}

// DocumentPreviewer is implemented by a Previewer that also draws
// documents (labels.preview {document}): the PNG and the pages it shows.
type DocumentPreviewer interface {
	PreviewDocument(ctx context.Context, document json.RawMessage, dpi int) ([]byte, int, error)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
