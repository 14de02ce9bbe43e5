package wsserver

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/coder/websocket"

	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/wire"
)

// Events: subscribe, unsubscribe and forwarding the core's events to a
// subscribed connection.

var topicNames = map[string]bool{wire.TopicJobs: true, wire.TopicPrinters: true, wire.TopicSites: true, wire.TopicFleet: true}

func (c *conn) subscribe(req *request) (any, error) {
	var p wire.TopicsParams
	if err := decodeParams(req.Params, &p); err != nil {
		return nil, err
	}
	if len(p.Topics) == 0 {
		p.Topics = []string{wire.TopicJobs, wire.TopicPrinters}
	}
	for i, t := range p.Topics {
		if !topicNames[t] {
			return nil, invalidParams("topics[%d]: %q is not a topic (%s)", i, t, strings.Join(wire.Topics(), ", "))
		}
		if slices.Contains(wire.AdminTopics(), t) && !c.peer.admin {
			return nil, newError(wire.CodeApplication, wire.ReasonNotAllowed, "topic %s is only for the Labelbridge panel and CLI", t)
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
		c.Go(func() { c.forward(sub) })
	}
	return wire.TopicsResult{Topics: topics}, nil
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
	var p wire.TopicsParams
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
	return wire.TopicsResult{Topics: topics}, nil
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
	for {
		select {
		case <-c.Context().Done():
			return
		case e, ok := <-sub.C:
			if !ok {
				if sub.Dropped() {
					c.srv.log.Warn("closing a connection that fell behind on events", "origin", c.peer.origin)
					c.CloseWith(websocket.StatusPolicyViolation, "too slow: fell behind on messages")
				}
				return
			}
			c.mu.Lock()
			jobs, printers := c.topics[wire.TopicJobs], c.topics[wire.TopicPrinters]
			c.mu.Unlock()
			switch e.Kind {
			case printing.EventJob:
				if jobs && (c.peer.admin || e.Job.Origin == c.peer.origin) {
					c.notify(notification{JSONRPC: wire.JSONRPC, Method: wire.EventJob, Params: e.Job})
				}
			case printing.EventPrinters:
				if printers {
					c.notify(notification{JSONRPC: wire.JSONRPC, Method: wire.EventPrinters, Params: wire.PrintersResult{Printers: e.Printers}})
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
	c.Send(data)
}
