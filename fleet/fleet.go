// Package fleet connects a Labelbridge agent to the customer's own MQTT
// broker (Mosquitto, EMQX, HiveMQ, AWS IoT Core) as one station: central
// dispatch prints at the station through its print topic, rpc requests
// read and control its jobs, job events and a retained state (presence,
// printers, status) go out, and the broker's last will says when the
// station vanished. The topic contract is in docs/fleet.md.
//
// The connector is a client of the printing core like the WebSocket
// server: it declares the small Core interface it needs and app wires the
// real one. The local durable queue stays the source of truth: a print
// request is acknowledged to the broker (PUBACK) only once its job is
// stored, idempotency keys make redeliveries harmless, and local printing
// never waits for the broker.
//
// The MQTT client is github.com/eclipse/paho.mqtt.golang (MQTT 3.1.1) with
// manual acknowledgements.
package fleet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/url"
	"sync"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/wire"
)

// Core is what the connector needs from the agent.
type Core interface {
	// Submit checks print params (the WebSocket print's) and queues the job
	// for origin; the channel yields it once it is durably stored.
	Submit(ctx context.Context, p *wire.PrintParams, origin string) <-chan printing.SubmitResult
	Printers() []printing.Printer
	Printer(id string) (printing.Printer, error)
	Job(id string) (printing.Job, error)
	Jobs(f printing.JobFilter) ([]printing.Job, error)
	Cancel(id string) (printing.Job, error)
	Retry(ctx context.Context, id string) (printing.Job, error)
	// SubscribeOrigin delivers printer events and origin's job events.
	SubscribeOrigin(buffer int, origin string) *printing.Subscription
}

// Options configure a Connector.
type Options struct {
	Broker      string // mqtt://, mqtts://, ws:// or wss:// URL
	Station     string
	TopicPrefix string
	CAFile      string
	CertFile    string
	KeyFile     string
	Username    string
	Password    string
	KeepAlive   time.Duration // default 30 s
	ClientID    string        // default: the station id
	Version     string        // the agent's version, in the state
	// MaxMessageBytes bounds a print or rpc payload (the WebSocket's limit;
	// default 16 MiB).
	MaxMessageBytes int
	// RequestTimeout bounds compiling one label (default 20 s).
	RequestTimeout time.Duration
	// Enabled false starts the connector turned off.
	Enabled bool
	Logger  *slog.Logger
	// BeforeAck, when set, runs after a new job is durably stored and
	// before its PUBACK is sent (the crash tests stop the process here).
	BeforeAck func(printing.Job)
	// OnChange is called (from any goroutine) when Status may have changed.
	OnChange func()
	// Reconnect back-off: doubles from MinBackoff to MaxBackoff, with jitter
	// (defaults 1 s and 60 s).
	MinBackoff, MaxBackoff time.Duration
	// Outbox bounds the job events kept while offline (default 10000).
	Outbox int
	// StateEvery is the least time between two state publications
	// (default 250 ms): a burst of changes becomes one update.
	StateEvery time.Duration
}

// Connector is one station's connection to the broker. Create it with New,
// then Start; Stop ends it.
type Connector struct {
	core   Core
	opt    Options
	log    *slog.Logger
	topics Topics
	origin string
	broker string // the URL paho dials (a port always set)
	host   string

	ctl    chan struct{} // pause, resume, on, off, reconnect requests
	cancel context.CancelFunc
	done   chan struct{}
	out    *outbox

	mu          sync.Mutex
	enabled     bool
	paused      bool
	state       string
	since       time.Time
	lastErr     string
	nextAttempt time.Time
	reconnect   bool // a transient failure asks for a new connection
}

// Origin is the origin recorded on jobs that came through the broker at host.
func Origin(host string) string { return "mqtt://" + host }

// New checks the options and makes a Connector (not yet connected).
func New(core Core, opt Options) (*Connector, error) {
	u, err := url.Parse(opt.Broker)
	if err != nil || u.Hostname() == "" {
		return nil, fmt.Errorf("fleet: broker %q is not a URL with a host", opt.Broker)
	}
	port := u.Port()
	switch u.Scheme {
	case "mqtt":
		port = orDefault(port, "1883")
	case "mqtts":
		port = orDefault(port, "8883")
	case "ws":
		port = orDefault(port, "80")
	case "wss":
		port = orDefault(port, "443")
	default:
		return nil, fmt.Errorf("fleet: broker %q: the scheme must be mqtt, mqtts, ws or wss", opt.Broker)
	}
	u.Host = net.JoinHostPort(u.Hostname(), port)
	if opt.Station == "" || opt.TopicPrefix == "" {
		return nil, errors.New("fleet: station and topic prefix are required")
	}
	if opt.KeepAlive <= 0 {
		opt.KeepAlive = 30 * time.Second
	}
	if opt.ClientID == "" {
		opt.ClientID = opt.Station
	}
	if opt.MaxMessageBytes <= 0 {
		opt.MaxMessageBytes = 16 << 20
	}
	if opt.RequestTimeout <= 0 {
		opt.RequestTimeout = 20 * time.Second
	}
	if opt.MinBackoff <= 0 {
		opt.MinBackoff = time.Second
	}
	if opt.MaxBackoff < opt.MinBackoff {
		opt.MaxBackoff = max(60*time.Second, opt.MinBackoff)
	}
	if opt.Outbox <= 0 {
		opt.Outbox = 10000
	}
	if opt.StateEvery <= 0 {
		opt.StateEvery = 250 * time.Millisecond
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	c := &Connector{
		core: core, opt: opt, log: opt.Logger.With("component", "fleet"),
		topics: Topics{Prefix: opt.TopicPrefix, Station: opt.Station},
		origin: Origin(u.Hostname()), broker: u.String(), host: u.Hostname(),
		ctl: make(chan struct{}, 1), done: make(chan struct{}),
		enabled: opt.Enabled, state: wire.FleetOff, since: time.Now(),
	}
	c.out = newOutbox(opt.Outbox)
	return c, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Origin is the origin of this connector's jobs (mqtt://BROKER-HOST).
func (c *Connector) Origin() string { return c.origin }

// Topics are this station's topics.
func (c *Connector) Topics() Topics { return c.topics }

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
