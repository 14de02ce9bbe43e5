package wsserver

import (
	"context"
	"errors"
	"fmt"

	"github.com/labelbridge/labelbridge/wire"
)

// handler runs one method. fn answers at once; async arranges to call done
// later (print). renders marks work that takes a render worker.
type handler struct {
	admin   bool
	renders bool
	fn      func(c *conn, req *request) (any, error)
	async   func(c *conn, req *request, done func(any, error))
}

// methods are the methods every connection may call (wire.Methods(); a
// test checks they agree). The panel's admin methods are added per server
// (Server.AddAdminMethods).
var methods = map[string]handler{
	wire.MethodHello:              {fn: (*conn).hello},
	wire.MethodPrintersList:       {fn: (*conn).printersList},
	wire.MethodPrintersGet:        {fn: (*conn).printersGet},
	wire.MethodPrintersSetDefault: {fn: (*conn).printersSetDefault},
	wire.MethodPrint:              {async: (*conn).print},
	wire.MethodJobsList:           {fn: (*conn).jobsList},
	wire.MethodJobsGet:            {fn: (*conn).jobsGet},
	wire.MethodJobsCancel:         {fn: (*conn).jobsCancel},
	wire.MethodJobsRetry:          {fn: (*conn).jobsRetry},
	wire.MethodSubscribe:          {fn: (*conn).subscribe},
	wire.MethodUnsubscribe:        {fn: (*conn).unsubscribeMethod},
	wire.MethodLabelsPreview:      {fn: (*conn).labelsPreview, renders: true},
	wire.MethodTemplatesSave:      {fn: (*conn).templatesSave},
	wire.MethodTemplatesList:      {fn: (*conn).templatesList},
	wire.MethodTemplatesDelete:    {fn: (*conn).templatesDelete},
}

// dispatch runs req with its own context (ended by the connection's close
// or RequestTimeout) and calls done exactly once.
func (c *conn) dispatch(req *request, done func(any, error)) {
	h, ok := methods[req.Method]
	if !ok {
		c.srv.mu.Lock()
		h, ok = c.srv.extra[req.Method]
		c.srv.mu.Unlock()
	}
	if !ok {
		done(nil, newError(wire.CodeMethodNotFound, wire.ReasonMethodNotFound, "method %q does not exist", req.Method))
		return
	}
	if h.admin && !c.peer.admin {
		done(nil, newError(wire.CodeApplication, wire.ReasonNotAllowed, "method %q is only for the Labelbridge panel and CLI", req.Method))
		return
	}
	ctx, cancel := context.WithTimeout(c.Context(), c.srv.opt.RequestTimeout)
	req.ctx = ctx
	finish := func(result any, err error) {
		if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) &&
			(errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)) {
			err = c.srv.timeoutError(req.Method, h.renders || req.renders)
		}
		cancel()
		done(result, err)
	}
	if h.async != nil {
		h.async(c, req, finish)
		return
	}
	if h.renders {
		if err := c.srv.acquireWorker(ctx); err != nil {
			finish(nil, err)
			return
		}
		defer c.srv.releaseWorker()
	}
	finish(h.fn(c, req))
}

// acquireWorker takes a slot of the render pool, waiting until ctx ends.
func (s *Server) acquireWorker(ctx context.Context) error {
	select {
	case s.workers <- struct{}{}:
		return nil
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return newError(wire.CodeApplication, wire.ReasonUnavailable,
				"all %d render workers stayed busy for %s: try again", cap(s.workers), s.opt.RequestTimeout)
		}
		return fmt.Errorf("wait for a render worker: %w", ctx.Err())
	}
}

func (s *Server) releaseWorker() { <-s.workers }

// timeoutError explains a request that ran past RequestTimeout.
func (s *Server) timeoutError(method string, renders bool) error {
	if renders {
		return newError(wire.CodeApplication, wire.ReasonTooComplex,
			"%s did not finish within %s: make the label simpler (fewer or smaller elements, a lower dpi)", method, s.opt.RequestTimeout)
	}
	return newError(wire.CodeApplication, wire.ReasonUnavailable, "%s did not finish within %s", method, s.opt.RequestTimeout)
}
