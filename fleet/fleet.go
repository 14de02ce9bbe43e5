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
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"sync"
	"time"

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
