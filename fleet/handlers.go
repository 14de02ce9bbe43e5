package fleet

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/labelbridge/labelbridge/internal/strictjson"
	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/wire"
)

type printingSubmission = printing.SubmitResult

// enqueue hands a message to the acknowledger, unless the session ends.
func (s *session) enqueue(p pending) {
	select {
	case s.acks <- p:
	case <-s.ctx.Done():
	}
}

// onPrint takes a print request: checks it, queues the job (compiling a
// label under the same budgets as the WebSocket's), and leaves the PUBACK
// to the acknowledger, which sends it once the job is stored. A request
// that can never succeed is acknowledged with a rejection event.
func (s *session) onPrint(_ mqtt.Client, m mqtt.Message) {
	c := s.c
	p, key, err := c.decodePrint(m.Payload())
	if err != nil {
		c.reject(key, err)
		s.enqueue(pending{msg: m})
		return
	}
	// Compiling stops when the agent stops or after RequestTimeout; the
	// store write itself always completes and reports.
	ctx, cancel := context.WithTimeout(s.ctx, c.opt.RequestTimeout)
	res := c.core.Submit(ctx, p, c.origin)
	wrapped := make(chan printing.SubmitResult, 1)
	go func() {
		defer cancel()
		wrapped <- <-res
	}()
	s.enqueue(pending{msg: m, key: key, res: wrapped})
}

// decodePrint checks a print payload: size, JSON, the WebSocket print's
// params (strictly), and a required idempotencyKey.
func (c *Connector) decodePrint(payload []byte) (*wire.PrintParams, string, error) {
	if len(payload) > c.opt.MaxMessageBytes {
		return nil, "", wire.NewError(wire.CodeApplication, wire.ReasonPayloadTooLarge,
			"print request is %d bytes, over the limit of %d bytes", len(payload), c.opt.MaxMessageBytes)
	}
	if !json.Valid(payload) {
		return nil, "", wire.NewError(wire.CodeParseError, wire.ReasonParseError, "print request is not JSON")
	}
	if t := bytes.TrimSpace(payload); len(t) == 0 || t[0] != '{' {
		return nil, "", wire.InvalidParams("print request: want a JSON object (the params of the WebSocket print)")
	}
	var p wire.PrintParams
	if err := wire.DecodeParams(payload, &p); err != nil {
		var k struct {
			IdempotencyKey string `json:"idempotencyKey"`
		}
		_ = json.Unmarshal(payload, &k)
		return nil, k.IdempotencyKey, err
	}
	if strings.TrimSpace(p.IdempotencyKey) == "" {
		return nil, "", wire.InvalidParams("idempotencyKey: required on the broker (a redelivered request must never print twice)")
	}
	return &p, p.IdempotencyKey, nil
}

// reject publishes a refused print request on the rejected topic.
func (c *Connector) reject(key string, err error) {
	e := toWireError(err)
	now := time.Now().UTC()
	r := Rejection{
		Job: printing.Job{
			State: printing.JobFailed, Origin: c.origin, IdempotencyKey: key, Reason: e.Data.Reason,
			Detail: e.Message, CreatedAt: now, UpdatedAt: now,
		},
		Rejected: true, Error: e,
	}
	c.log.Warn("fleet print request refused", "idempotency_key", key, "reason", e.Data.Reason, "err", e.Message)
	c.out.addOnce(c.topics.Rejected(), r)
}

// transient reports whether a failed submit may succeed later (the store
// failed, the agent is stopping): such a request is not acknowledged, so
// the broker delivers it again.
func transient(err error) bool {
	switch printing.ReasonOf(err, "") {
	case printing.ErrReasonStoreFailed, printing.ErrReasonUnavailable:
		return true
	}
	return errors.Is(err, context.Canceled)
}

// acknowledge sends PUBACKs in arrival order, each once its request is
// settled: stored (new or a duplicate key) or refused for good.
func (s *session) acknowledge() {
	defer s.wg.Done()
	c := s.c
	for {
		var p pending
		select {
		case <-s.ctx.Done():
			return
		case p = <-s.acks:
		}
		if p.res != nil {
			var r printing.SubmitResult
			select {
			case <-s.ctx.Done():
				return // not acknowledged: the broker redelivers it
			case r = <-p.res:
			}
			switch {
			case r.Err != nil && transient(r.Err):
				c.log.Warn("fleet print not stored; asking the broker to deliver it again", "idempotency_key", p.key, "err", r.Err)
				c.requestReconnect()
				continue
			case r.Err != nil:
				c.reject(p.key, r.Err)
			case r.Existing:
				// A redelivery or a resend: nothing new prints; tell the
				// sender where its job is.
				c.log.Info("fleet print request already stored (a redelivery or a resend): acknowledged, not printed again",
					"idempotency_key", p.key, "job", r.Job.ID)
				c.out.addJob(c.topics.Job(r.Job.ID), r.Job.ID, r.Job)
			default:
				if c.opt.BeforeAck != nil {
					c.opt.BeforeAck(r.Job)
				}
			}
		}
		if p.done != nil {
			p.done()
		}
		p.msg.Ack()
	}
}

// onRPC answers a read or control request on its replyTo topic.
func (s *session) onRPC(_ mqtt.Client, m mqtt.Message) {
	c := s.c
	req, err := c.decodeRPC(m.Payload())
	if req.ReplyTo == "" {
		c.log.Warn("fleet rpc request without a usable replyTo dropped", "err", err)
		s.enqueue(pending{msg: m})
		return
	}
	reply := RPCReply{ID: req.ID, Station: c.opt.Station}
	if err == nil {
		ctx, cancel := context.WithTimeout(s.ctx, c.opt.RequestTimeout)
		reply.Result, err = c.call(ctx, req.Method, req.Params)
		cancel()
	}
	if err != nil {
		reply.Result, reply.Error = nil, toWireError(err)
	}
	if reply.ID == nil {
		reply.ID = json.RawMessage("null")
	}
	c.out.addOnce(req.ReplyTo, reply)
	s.enqueue(pending{msg: m})
}

// decodeRPC checks an rpc payload. A request whose replyTo is unusable
// comes back with an empty ReplyTo (nobody to answer).
func (c *Connector) decodeRPC(payload []byte) (RPCRequest, error) {
	var req RPCRequest
	if len(payload) > c.opt.MaxMessageBytes {
		// Read only where to answer.
		_ = json.Unmarshal(payload, &req)
		req.ReplyTo = validReplyTo(req.ReplyTo)
		return req, wire.NewError(wire.CodeApplication, wire.ReasonPayloadTooLarge,
			"rpc request is %d bytes, over the limit of %d bytes", len(payload), c.opt.MaxMessageBytes)
	}
	if err := strictjson.Decode(payload, &req); err != nil {
		var loose RPCRequest
		_ = json.Unmarshal(payload, &loose)
		loose.ReplyTo = validReplyTo(loose.ReplyTo)
		if !json.Valid(payload) {
			return loose, wire.NewError(wire.CodeParseError, wire.ReasonParseError, "rpc request is not JSON")
		}
		return loose, wire.NewError(wire.CodeInvalidRequest, wire.ReasonInvalidRequest,
			`rpc request: want {"id", "method", "params", "replyTo"}: %s`, strings.TrimPrefix(err.Error(), "json: "))
	}
	req.ReplyTo = validReplyTo(req.ReplyTo)
	if req.Method == "" {
		return req, wire.NewError(wire.CodeInvalidRequest, wire.ReasonInvalidRequest, "method: required")
	}
	return req, nil
}

// validReplyTo returns t when it is a topic one can publish to, else "".
func validReplyTo(t string) string {
	if t == "" || len(t) > 1024 || strings.ContainsAny(t, "+#\x00") || strings.HasPrefix(t, "$") {
		return ""
	}
	return t
}

// call runs one rpc method. The broker acts as one origin (mqtt://HOST):
// like a web page, it sees and controls only the jobs that came through it.
func (c *Connector) call(ctx context.Context, method string, raw json.RawMessage) (any, error) {
	switch method {
	case wire.MethodPrintersList:
		if err := wire.DecodeParams(raw, &wire.Empty{}); err != nil {
			return nil, err
		}
		return wire.PrintersResult{Printers: c.core.Printers()}, nil
	case wire.MethodPrintersGet:
		var p wire.PrinterParams
		if err := wire.DecodeParams(raw, &p); err != nil {
			return nil, err
		}
		if p.Printer == "" {
			return nil, wire.InvalidParams("printer: required")
		}
		pr, err := c.core.Printer(p.Printer)
		if err != nil {
			return nil, err
		}
		return wire.PrinterResult{Printer: pr}, nil
	case wire.MethodJobsList:
		var p wire.JobsListParams
		if err := wire.DecodeParams(raw, &p); err != nil {
			return nil, err
		}
		if p.State != "" && !p.State.Valid() {
			return nil, wire.InvalidParams("state: %q is not a job state (queued, sending, done, failed, canceled, held)", p.State)
		}
		if p.Limit < 0 || p.Limit > 1000 {
			return nil, wire.InvalidParams("limit: must be 1 to 1000")
		}
		if p.Origin != "" && p.Origin != c.origin {
			return nil, wire.NewError(wire.CodeApplication, wire.ReasonNotAllowed, "origin: the broker may list only its own jobs (%s)", c.origin)
		}
		if p.Limit == 0 {
			p.Limit = 100
		}
		jobs, err := c.core.Jobs(printing.JobFilter{State: p.State, Printer: p.Printer, Origin: c.origin, Limit: p.Limit})
		if err != nil {
			return nil, err
		}
		return wire.JobsResult{Jobs: jobs}, nil
	case wire.MethodJobsGet, wire.MethodJobsCancel, wire.MethodJobsRetry:
		var p wire.JobParams
		if err := wire.DecodeParams(raw, &p); err != nil {
			return nil, err
		}
		if p.Job == "" {
			return nil, wire.InvalidParams("job: required")
		}
		j, err := c.core.Job(p.Job)
		if err != nil || j.Origin != c.origin {
			return nil, wire.NewError(wire.CodeApplication, wire.ReasonJobNotFound, "job %q not found", p.Job)
		}
		switch method {
		case wire.MethodJobsCancel:
			j, err = c.core.Cancel(j.ID)
		case wire.MethodJobsRetry:
			j, err = c.core.Retry(ctx, j.ID)
		}
		if err != nil {
			return nil, err
		}
		return wire.JobResult{Job: j}, nil
	}
	return nil, wire.NewError(wire.CodeMethodNotFound, wire.ReasonMethodNotFound,
		"method %q: the broker may call printers.list, printers.get, jobs.list, jobs.get, jobs.cancel and jobs.retry (print has its own topic)", method)
}

// toWireError gives any error a JSON-RPC code and reason.
func toWireError(err error) *wire.Error {
	var we *wire.Error
	if errors.As(err, &we) {
		return we
	}
	reason := printing.ReasonOf(err, wire.ReasonInternalError)
	return &wire.Error{Code: wire.CodeFor(reason), Message: err.Error(), Data: wire.ErrorData{Reason: reason}}
}
