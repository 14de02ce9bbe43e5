// Connection lifecycle: start and stop, pause and enable, the reconnect loop
// with jittered backoff, holding one connection, and paho's client options.

package fleet

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	"github.com/labelbridge/labelbridge/wire"
)

// Start connects in the background (when enabled) and keeps connecting.
func (c *Connector) Start() {
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	sub := c.core.SubscribeOrigin(8192, c.origin)
	go c.watch(ctx, sub)
	go func() {
		defer close(c.done)
		c.run(ctx)
	}()
}

// Stop says the station is offline (retained), disconnects and waits.
func (c *Connector) Stop(ctx context.Context) error {
	if c.cancel == nil {
		return nil
	}
	c.cancel()
	select {
	case <-c.done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("fleet: stop: %w", ctx.Err())
	}
}

// SetPaused pauses the connection (the station goes offline until resumed
// or the agent restarts) or resumes it.
func (c *Connector) SetPaused(paused bool) {
	c.mu.Lock()
	c.paused = paused
	c.mu.Unlock()
	c.poke()
}

// SetEnabled turns the connection on or off (app saves the choice).
func (c *Connector) SetEnabled(on bool) {
	c.mu.Lock()
	c.enabled = on
	c.mu.Unlock()
	c.poke()
}

func (c *Connector) poke() {
	select {
	case c.ctl <- struct{}{}:
	default:
	}
}

// wanted reports whether the connection should be up now.
func (c *Connector) wanted() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.enabled && !c.paused
}

// requestReconnect asks for a fresh connection, so the broker redelivers
// what was not acknowledged (a transient store failure).
func (c *Connector) requestReconnect() {
	c.mu.Lock()
	c.reconnect = true
	c.mu.Unlock()
	c.poke()
}

func (c *Connector) takeReconnect() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := c.reconnect
	c.reconnect = false
	return r
}

// run is the connection loop: connect while wanted, hold the connection
// until it is lost or no longer wanted, back off with jitter between tries.
func (c *Connector) run(ctx context.Context) {
	backoff := c.opt.MinBackoff
	for {
		if !c.wanted() {
			c.mu.Lock()
			st := wire.FleetOff
			if c.enabled && c.paused {
				st = wire.FleetPaused
			}
			c.mu.Unlock()
			c.setState(st, "")
			select {
			case <-ctx.Done():
				return
			case <-c.ctl:
				continue
			}
		}
		c.setState(wire.FleetConnecting, "")
		s, err := c.connect(ctx)
		if err == nil {
			backoff = c.opt.MinBackoff
			c.setState(wire.FleetConnected, "")
			c.log.Info("connected to the fleet broker", "broker", c.host, "station", c.opt.Station)
			why := c.hold(ctx, s)
			if why != "" {
				err = errors.New(why)
			}
		}
		if ctx.Err() != nil {
			return
		}
		if err == nil { // paused or turned off: no back-off
			continue
		}
		wait := jitter(backoff)
		backoff = min(2*backoff, c.opt.MaxBackoff)
		c.mu.Lock()
		c.nextAttempt = time.Now().Add(wait)
		c.mu.Unlock()
		c.setState(wire.FleetDisconnected, err.Error())
		c.log.Warn("fleet broker connection failed; trying again", "broker", c.host, "err", err, "in", wait.Round(time.Millisecond))
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		case <-c.ctl: // pause, off, or resume: re-evaluate at once
			t.Stop()
		}
	}
}

// jitter spreads a back-off over [d/2, 3d/2), so a fleet of stations that
// lost the broker together does not come back in one wave.
func jitter(d time.Duration) time.Duration {
	return d/2 + time.Duration(rand.Int64N(int64(d)+1))
}

// hold serves a connection until it is lost (the reason), no longer
// wanted or ctx ends (""). Either way it says goodbye when it can.
func (c *Connector) hold(ctx context.Context, s *session) string {
	defer s.close(ctx)
	for {
		select {
		case <-ctx.Done():
			s.goodbye("stopped")
			return ""
		case err := <-s.lost:
			return "connection lost: " + err.Error()
		case <-c.ctl:
			if c.takeReconnect() {
				s.goodbye("")
				return "reconnecting to have unacknowledged requests delivered again"
			}
			if !c.wanted() {
				c.mu.Lock()
				reason := "off"
				if c.paused {
					reason = "paused"
				}
				c.mu.Unlock()
				s.goodbye(reason)
				c.log.Info("fleet connection "+reason+" by the user", "broker", c.host)
				return ""
			}
		}
	}
}

// clientOptions are paho's options for one connection.
func (c *Connector) clientOptions() (*mqtt.ClientOptions, error) {
	o := mqtt.NewClientOptions().AddBroker(c.broker).SetClientID(c.opt.ClientID).
		SetCleanSession(false).SetAutoReconnect(false).SetConnectRetry(false).
		SetKeepAlive(c.opt.KeepAlive).SetPingTimeout(10*time.Second).SetConnectTimeout(15*time.Second).
		SetWriteTimeout(15*time.Second).SetAutoAckDisabled(true).SetOrderMatters(true).
		SetWill(c.topics.State(), string(c.offlineMessage("")), 1, true)
	if c.opt.Username != "" {
		o.SetUsername(c.opt.Username).SetPassword(c.opt.Password)
	}
	tc, err := tlsConfig(c.opt.CAFile, c.opt.CertFile, c.opt.KeyFile)
	if err != nil {
		return nil, err
	}
	if tc != nil {
		o.SetTLSConfig(tc)
	}
	return o, nil
}
