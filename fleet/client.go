package fleet

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"slices"
	"sync"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/wire"
)

// ClientOptions configure a dispatcher-side Client (the `labelbridge fleet`
// verbs, scripts, tests): the same broker keys as a station's.
type ClientOptions struct {
	Broker, TopicPrefix       string
	CAFile, CertFile, KeyFile string
	Username, Password        string
	ClientID                  string // default labelbridge-cli-RANDOM
	KeepAlive, ConnectTimeout time.Duration
}

// Client talks to stations through the broker: reads their retained
// state, publishes print requests and waits for their job events.
type Client struct {
	c      mqtt.Client
	prefix string
	id     string

	mu   sync.Mutex
	subs map[string]func(mqtt.Message) // topic filter → handler
}

// Dial connects a Client (clean session: it queues nothing while away).
func Dial(ctx context.Context, opt ClientOptions) (*Client, error) {
	u, err := url.Parse(opt.Broker)
	if err != nil || u.Hostname() == "" {
		return nil, fmt.Errorf("broker %q is not a URL with a host (mqtts://host:8883)", opt.Broker)
	}
	if u.Port() == "" {
		u.Host = net.JoinHostPort(u.Hostname(), map[string]string{"mqtt": "1883", "mqtts": "8883", "ws": "80", "wss": "443"}[u.Scheme])
	}
	if opt.ClientID == "" {
		opt.ClientID = "labelbridge-cli-" + randomID()
	}
	if opt.TopicPrefix == "" {
		opt.TopicPrefix = "labelbridge"
	}
	if opt.KeepAlive <= 0 {
		opt.KeepAlive = 30 * time.Second
	}
	if opt.ConnectTimeout <= 0 {
		opt.ConnectTimeout = 15 * time.Second
	}
	cl := &Client{prefix: opt.TopicPrefix, id: opt.ClientID, subs: map[string]func(mqtt.Message){}}
	o := mqtt.NewClientOptions().AddBroker(u.String()).SetClientID(opt.ClientID).SetCleanSession(true).
		SetAutoReconnect(false).SetKeepAlive(opt.KeepAlive).SetConnectTimeout(opt.ConnectTimeout).
		SetOrderMatters(true).SetDefaultPublishHandler(cl.dispatch)
	if opt.Username != "" {
		o.SetUsername(opt.Username).SetPassword(opt.Password)
	}
	tc, err := tlsConfig(opt.CAFile, opt.CertFile, opt.KeyFile)
	if err != nil {
		return nil, err
	}
	if tc != nil {
		o.SetTLSConfig(tc)
	}
	cl.c = mqtt.NewClient(o)
	if err := waitToken(ctx, cl.c.Connect()); err != nil {
		cl.c.Disconnect(0)
		return nil, fmt.Errorf("connect to %s: %w", u.Host, err)
	}
	return cl, nil
}

func randomID() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Close disconnects.
func (cl *Client) Close() { cl.c.Disconnect(250) }

// dispatch hands a message to the handler of the first matching filter.
func (cl *Client) dispatch(_ mqtt.Client, m mqtt.Message) {
	cl.mu.Lock()
	var h func(mqtt.Message)
	for f, fn := range cl.subs {
		if topicMatch(f, m.Topic()) {
			h = fn
			break
		}
	}
	cl.mu.Unlock()
	if h != nil {
		h(m)
	}
}

// topicMatch reports whether topic matches an MQTT filter (+ and #).
func topicMatch(filter, topic string) bool {
	for {
		f, frest, fmore := cut(filter)
		t, trest, tmore := cut(topic)
		switch {
		case f == "#":
			return true
		case f != "+" && f != t:
			return false
		case !fmore || !tmore:
			return fmore == tmore
		}
		filter, topic = frest, trest
	}
}

func cut(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == '/' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// subscribe registers h for filter and subscribes (QoS 1).
func (cl *Client) subscribe(ctx context.Context, filter string, h func(mqtt.Message)) error {
	cl.mu.Lock()
	cl.subs[filter] = h
	cl.mu.Unlock()
	t := cl.c.Subscribe(filter, 1, nil)
	if err := waitToken(ctx, t); err != nil {
		return fmt.Errorf("subscribe to %s: %w", filter, err)
	}
	if st, ok := t.(*mqtt.SubscribeToken); ok && st.Result()[filter] == 0x80 {
		return fmt.Errorf("the broker refused the subscription to %s (check its ACL or policy)", filter)
	}
	return nil
}

// unsubscribe drops a filter.
func (cl *Client) unsubscribe(filter string) {
	cl.mu.Lock()
	delete(cl.subs, filter)
	cl.mu.Unlock()
	cl.c.Unsubscribe(filter)
}

// sync returns once every message the broker sent before now has been
// handled: it publishes a marker to a topic of its own and waits for it
// (the broker keeps one connection's messages in order).
func (cl *Client) sync(ctx context.Context) error {
	topic := cl.prefix + "/clients/" + cl.id + "/sync"
	got := make(chan struct{}, 1)
	if err := cl.subscribe(ctx, topic, func(mqtt.Message) {
		select {
		case got <- struct{}{}:
		default:
		}
	}); err != nil {
		return err
	}
	defer cl.unsubscribe(topic)
	if err := waitToken(ctx, cl.c.Publish(topic, 1, false, "{}")); err != nil {
		return err
	}
	select {
	case <-got:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("the broker did not echo our sync message (its ACL may not let this client use %s): %w", topic, ctx.Err())
	}
}

// Stations reads every station's retained state, sorted by station.
func (cl *Client) Stations(ctx context.Context) ([]State, error) {
	var (
		mu  sync.Mutex
		out = map[string]State{}
	)
	filter := AllStates(cl.prefix)
	err := cl.subscribe(ctx, filter, func(m mqtt.Message) {
		var st State
		if json.Unmarshal(m.Payload(), &st) != nil {
			return
		}
		if st.Station == "" {
			st.Station = StationOf(cl.prefix, m.Topic())
		}
		mu.Lock()
		if len(m.Payload()) > 0 {
			out[st.Station] = st
		}
		mu.Unlock()
	})
	if err != nil {
		return nil, err
	}
	defer cl.unsubscribe(filter)
	if err := cl.sync(ctx); err != nil {
		return nil, err
	}
	mu.Lock()
	defer mu.Unlock()
	list := make([]State, 0, len(out))
	for _, st := range out {
		list = append(list, st)
	}
	slices.SortFunc(list, func(a, b State) int {
		switch {
		case a.Station < b.Station:
			return -1
		case a.Station > b.Station:
			return 1
		}
		return 0
	})
	return list, nil
}

// JobEvent is a job event or a rejection from a station's job topics.
type JobEvent struct {
	printing.Job
	Rejected bool        `json:"rejected,omitempty"`
	Error    *wire.Error `json:"error,omitempty"`
}

// Watch subscribes to a station's job events and calls fn for each (from
// the client's goroutine) until stop is called.
func (cl *Client) Watch(ctx context.Context, station string, fn func(JobEvent)) (stop func(), err error) {
	filter := Topics{Prefix: cl.prefix, Station: station}.Jobs()
	err = cl.subscribe(ctx, filter, func(m mqtt.Message) {
		var e JobEvent
		if json.Unmarshal(m.Payload(), &e) == nil {
			fn(e)
		}
	})
	if err != nil {
		return nil, err
	}
	return func() { cl.unsubscribe(filter) }, nil
}

// Publish sends a print request (params of the WebSocket print, an
// idempotencyKey included) to a station, QoS 1.
func (cl *Client) Publish(ctx context.Context, station string, params any) error {
	topic := Topics{Prefix: cl.prefix, Station: station}.Print()
	if err := waitToken(ctx, cl.c.Publish(topic, 1, false, encode(params))); err != nil {
		return fmt.Errorf("publish to %s: %w", topic, err)
	}
	return nil
}

// Print publishes a print request and waits for the station's first event
// about it (the job stored, or refused), or, with untilDone, for its end
// (done, failed, canceled).
func (cl *Client) Print(ctx context.Context, station, key string, params map[string]any, untilDone bool) (JobEvent, error) {
	params["idempotencyKey"] = key
	events := make(chan JobEvent, 64)
	stop, err := cl.Watch(ctx, station, func(e JobEvent) {
		if e.IdempotencyKey == key {
			select {
			case events <- e:
			default:
			}
		}
	})
	if err != nil {
		return JobEvent{}, err
	}
	defer stop()
	if err := cl.Publish(ctx, station, params); err != nil {
		return JobEvent{}, err
	}
	for {
		select {
		case e := <-events:
			if e.Rejected {
				return e, fmt.Errorf("station %s refused the print: %s (%s)", station, e.Error.Message, e.Error.Data.Reason)
			}
			if !untilDone || e.State.Terminal() {
				return e, nil
			}
		case <-ctx.Done():
			return JobEvent{}, fmt.Errorf("no answer from station %s (offline? see 'labelbridge fleet stations'): %w", station, ctx.Err())
		}
	}
}
