// State and events: the connector's status, the station's state and offline
// messages, and the core's events moved into the outbox.

package fleet

import (
	"context"
	"encoding/json"
	"time"

	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/wire"
)

// Status is the connection's state now.
func (c *Connector) Status() wire.FleetStatus {
	c.mu.Lock()
	defer c.mu.Unlock()
	since := c.since
	s := wire.FleetStatus{
		Configured: true, Enabled: c.enabled, Paused: c.paused, State: c.state,
		Broker: c.host, Station: c.opt.Station, Since: &since, Error: c.lastErr,
	}
	if c.state == wire.FleetDisconnected && !c.nextAttempt.IsZero() {
		n := c.nextAttempt
		s.NextAttempt = &n
	}
	return s
}

// setState records a new state and tells OnChange.
func (c *Connector) setState(state, errText string) {
	c.mu.Lock()
	changed := c.state != state || c.lastErr != errText
	if c.state != state {
		c.since = time.Now()
	}
	c.state = state
	if errText != "" || state == wire.FleetConnected {
		c.lastErr = errText
	}
	c.mu.Unlock()
	if changed && c.opt.OnChange != nil {
		c.opt.OnChange()
	}
}

// watch moves the core's events into the outbox: job events of this
// origin, and a state refresh for printer changes (and queue counts).
func (c *Connector) watch(ctx context.Context, sub *printing.Subscription) {
	for {
		for open := true; open; {
			select {
			case <-ctx.Done():
				sub.Close()
				return
			case e, ok := <-sub.C:
				if !ok {
					open = false
					break
				}
				if e.Kind == printing.EventJob {
					c.out.addJob(c.topics.Job(e.Job.ID), e.Job.ID, e.Job)
				}
				c.out.markState()
			}
		}
		c.log.Warn("fleet event subscription fell behind; state refreshed")
		sub = c.core.SubscribeOrigin(8192, c.origin)
		c.out.markState()
	}
}

// state is the station's state message now.
func (c *Connector) stateMessage(since time.Time) State {
	ps := c.core.Printers()
	q := 0
	for _, p := range ps {
		q += p.Queued
	}
	return State{Online: true, Station: c.opt.Station, Version: c.opt.Version, Printers: ps, Queued: q, Since: &since}
}

func (c *Connector) offlineMessage(reason string) []byte {
	now := time.Now().UTC()
	st := State{Online: false, Station: c.opt.Station, Reason: reason}
	if reason != "" {
		st.Since = &now
	}
	b, _ := json.Marshal(st)
	return b
}
