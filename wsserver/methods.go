package wsserver

import (
	"encoding/base64"
	"encoding/json"
	"regexp"
	"slices"

	"github.com/coder/websocket"

	"github.com/labelbridge/labelbridge/printing"
)

type helloResult struct {
	Name           string   `json:"name"`
	Version        string   `json:"version"`
	Protocol       int      `json:"protocol"`
	Origin         string   `json:"origin"`
	Admin          bool     `json:"admin"`
	DefaultPrinter string   `json:"defaultPrinter"`
	MaxMessage     int64    `json:"maxMessageBytes"`
	Methods        []string `json:"methods"`
}

func (c *conn) hello(req *request) (any, error) {
	var p struct {
		Client   string `json:"client"`
		Version  string `json:"version"`
		Protocol int    `json:"protocol"`
	}
	if err := decodeParams(req.Params, &p); err != nil {
		return nil, err
	}
	names := make([]string, 0, len(methods))
	for name := range methods {
		names = append(names, name)
	}
	slices.Sort(names)
	return helloResult{
		Name: "labelbridge", Version: c.srv.opt.Version, Protocol: ProtocolVersion,
		Origin: c.peer.origin, Admin: c.peer.admin, DefaultPrinter: c.srv.sp.DefaultPrinter(),
		MaxMessage: c.srv.opt.MaxMessageBytes, Methods: names,
	}, nil
}

type printerParam struct {
	Printer string `json:"printer"`
}

func (c *conn) printersList(req *request) (any, error) {
	if err := decodeParams(req.Params, &struct{}{}); err != nil {
		return nil, err
	}
	return map[string]any{"printers": c.srv.sp.Printers()}, nil
}

func (c *conn) printersGet(req *request) (any, error) {
	var p printerParam
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
	return map[string]any{"printer": pr}, nil
}

func (c *conn) printersSetDefault(req *request) (any, error) {
	// The default printer is every site's: only the user (tray, panel,
	// CLI) chooses it. A page names a printer per job instead.
	if !c.peer.admin {
		return nil, &printing.Error{Code: printing.ErrReasonNotAllowed,
			Msg: "the default printer is chosen by the user in the Labelbridge tray or panel; a page may name a printer for each job (print {\"printer\": id})"}
	}
	var p printerParam
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
	return map[string]any{"printer": pr}, nil
}

type rawParams struct {
	Language string   `json:"language"`
	Data     *rawText `json:"data"` // text; bytes that are not UTF-8 go in Base64
	Base64   *string  `json:"base64"`
}

type printParams struct {
	Printer        string          `json:"printer"`
	Label          json.RawMessage `json:"label"`
	Raw            *rawParams      `json:"raw"`
	Copies         int             `json:"copies"`
	IdempotencyKey string          `json:"idempotencyKey"`
	Title          string          `json:"title"`
}

var languageName = regexp.MustCompile(`^[a-z0-9]{1,16}$`)

// toRequest checks print params and turns them into a spooler request.
func (p *printParams) toRequest(origin string) (printing.Request, error) {
	req := printing.Request{
		Printer: p.Printer, Origin: origin, Title: p.Title, Copies: p.Copies, IdempotencyKey: p.IdempotencyKey,
	}
	hasLabel := len(p.Label) > 0 && string(p.Label) != "null"
	switch {
	case hasLabel && p.Raw != nil:
		return req, invalidParams("label and raw: send one or the other, not both")
	case !hasLabel && p.Raw == nil:
		return req, invalidParams("label or raw: one is required")
	case hasLabel:
		req.Label = p.Label
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
	return req, nil
}

// print queues the job now (so a page's prints keep their order) and
// replies once it is durably stored.
func (c *conn) print(req *request, done func(any, error)) {
	var p printParams
	if err := decodeParams(req.Params, &p); err != nil {
		done(nil, err)
		return
	}
	preq, err := p.toRequest(c.peer.origin)
	if err != nil {
		done(nil, err)
		return
	}
	ctx := req.ctx
	var ch <-chan printing.SubmitResult
	if preq.Label != nil { // compiling renders: take a render worker
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
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		select {
		case r := <-ch:
			if r.Err != nil {
				done(nil, r.Err)
				return
			}
			done(map[string]any{"job": r.Job, "duplicate": r.Existing}, nil)
		case <-ctx.Done():
			done(nil, newError(codeApplication, printing.ErrReasonUnavailable,
				"the job was not confirmed stored within %s: send it again with the same idempotencyKey", c.srv.opt.RequestTimeout))
		}
	}()
}

type jobParam struct {
	Job string `json:"job"`
}

// ownJob fetches a job the peer may see: admins see all, pages their own.
func (c *conn) ownJob(req *request) (printing.Job, error) {
	var p jobParam
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
		return printing.Job{}, newError(codeApplication, printing.ErrReasonJobNotFound, "job %q not found", p.Job)
	}
	return j, nil
}

func (c *conn) jobsGet(req *request) (any, error) {
	j, err := c.ownJob(req)
	if err != nil {
		return nil, err
	}
	return map[string]any{"job": j}, nil
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
	return map[string]any{"job": j}, nil
}

func (c *conn) jobsRetry(req *request) (any, error) {
	j, err := c.ownJob(req)
	if err != nil {
		return nil, err
	}
	j, err = c.srv.sp.Retry(req.ctx, j.ID)
	if err != nil {
		return nil, err
	}
	return map[string]any{"job": j}, nil
}

func (c *conn) jobsList(req *request) (any, error) {
	var p struct {
		State   printing.JobState `json:"state"`
		Printer string            `json:"printer"`
		Origin  string            `json:"origin"`
		Limit   int               `json:"limit"`
	}
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
			return nil, newError(codeApplication, printing.ErrReasonNotAllowed, "origin: a page may list only its own jobs")
		}
		f.Origin = c.peer.origin
	}
	jobs, err := c.srv.sp.Jobs(f)
	if err != nil {
		return nil, err
	}
	return map[string]any{"jobs": jobs}, nil
}

var topicNames = map[string]bool{"jobs": true, "printers": true, "sites": true}

func (c *conn) subscribe(req *request) (any, error) {
	var p struct {
		Topics []string `json:"topics"`
	}
	if err := decodeParams(req.Params, &p); err != nil {
		return nil, err
	}
	if len(p.Topics) == 0 {
		p.Topics = []string{"jobs", "printers"}
	}
	for i, t := range p.Topics {
		if !topicNames[t] {
			return nil, invalidParams("topics[%d]: %q is not a topic (jobs, printers, sites)", i, t)
		}
		if t == "sites" && !c.peer.admin {
			return nil, newError(codeApplication, printing.ErrReasonNotAllowed, "topic sites is only for the Labelbridge panel and CLI")
		}
	}
	c.mu.Lock()
	if c.topics == nil {
		c.topics = map[string]bool{}
	}
	for _, t := range p.Topics {
		c.topics[t] = true
	}
	start := c.sub == nil
	if start {
		if c.peer.admin {
			c.sub = c.srv.sp.Subscribe(c.srv.opt.EventBuffer)
		} else {
			c.sub = c.srv.sp.SubscribeOrigin(c.srv.opt.EventBuffer, c.peer.origin)
		}
	}
	sub := c.sub
	topics := c.topicListLocked()
	c.mu.Unlock()
	if start {
		c.wg.Add(1)
		go c.forward(sub)
	}
	return map[string]any{"topics": topics}, nil
}

func (c *conn) topicListLocked() []string {
	out := []string{}
	for t := range c.topics {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

func (c *conn) unsubscribeMethod(req *request) (any, error) {
	var p struct {
		Topics []string `json:"topics"`
	}
	if err := decodeParams(req.Params, &p); err != nil {
		return nil, err
	}
	c.mu.Lock()
	if len(p.Topics) == 0 {
		c.topics = nil
	}
	for _, t := range p.Topics {
		delete(c.topics, t)
	}
	topics := c.topicListLocked()
	c.mu.Unlock()
	return map[string]any{"topics": topics}, nil
}

func (c *conn) unsubscribe() {
	c.mu.Lock()
	sub := c.sub
	c.sub = nil
	c.mu.Unlock()
	if sub != nil {
		sub.Close()
	}
}

// forward sends subscribed events: printers to everyone, jobs to admins and
// to the page that made them.
func (c *conn) forward(sub *printing.Subscription) {
	defer c.wg.Done()
	for {
		select {
		case <-c.ctx.Done():
			return
		case e, ok := <-sub.C:
			if !ok {
				if sub.Dropped() {
					c.srv.log.Warn("closing a connection that fell behind on events", "origin", c.peer.origin)
					c.closeWith(websocket.StatusPolicyViolation, "too slow: fell behind on messages")
				}
				return
			}
			c.mu.Lock()
			jobs, printers := c.topics["jobs"], c.topics["printers"]
			c.mu.Unlock()
			switch e.Kind {
			case printing.EventJob:
				if jobs && (c.peer.admin || e.Job.Origin == c.peer.origin) {
					c.notify(notification{JSONRPC: "2.0", Method: "job", Params: e.Job})
				}
			case printing.EventPrinters:
				if printers {
					c.notify(notification{JSONRPC: "2.0", Method: "printers", Params: map[string]any{"printers": e.Printers}})
				}
			}
		}
	}
}

// notify queues an event for the writer.
func (c *conn) notify(n notification) {
	data, err := json.Marshal(n)
	if err != nil {
		c.srv.log.Error("encode event", "method", n.Method, "err", err)
		return
	}
	c.send(data)
}

func (c *conn) labelsPreview(req *request) (any, error) {
	var p struct {
		Label json.RawMessage `json:"label"`
		DPI   int             `json:"dpi"`
	}
	if err := decodeParams(req.Params, &p); err != nil {
		return nil, err
	}
	if len(p.Label) == 0 {
		return nil, invalidParams("label: required")
	}
	if c.srv.opt.Previewer == nil {
		return nil, newError(codeApplication, printing.ErrReasonUnavailable, "previews are not available in this build")
	}
	png, err := c.srv.opt.Previewer.PreviewLabel(req.ctx, p.Label, p.DPI)
	if err != nil {
		return nil, err
	}
	return map[string]any{"png": base64.StdEncoding.EncodeToString(png), "contentType": "image/png"}, nil
}
