package fleet

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"path/filepath"
	"sync"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/labelbridge/labelbridge/internal/mqtttest"
	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/printing/store"
	"github.com/labelbridge/labelbridge/wire"
)

// recorder is a printer transport that records what it was sent; while
// gate is set, each send waits for a value from it.
type recorder struct {
	mu   sync.Mutex
	jobs []string
	gate chan struct{}
}

func (r *recorder) Send(ctx context.Context, j printing.Job, _ []byte) error {
	r.mu.Lock()
	gate := r.gate
	r.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	r.mu.Lock()
	r.jobs = append(r.jobs, j.ID)
	r.mu.Unlock()
	return nil
}

func (r *recorder) sent() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.jobs...)
}

// testCore is fleet.Core over a real spooler and store; print params are
// turned into requests the simple way (raw data), as app does with
// wsserver.PrintRequest.
type testCore struct{ *printing.Spooler }

func (c testCore) Submit(ctx context.Context, p *wire.PrintParams, origin string) <-chan printing.SubmitResult {
	req := printing.Request{Printer: p.Printer, Origin: origin, Copies: p.Copies, IdempotencyKey: p.IdempotencyKey, Title: p.Title}
	switch {
	case p.Raw != nil && p.Raw.Data != nil:
		req.Raw, req.Language = []byte(*p.Raw.Data), p.Raw.Language
	case p.Raw != nil && p.Raw.Base64 != nil:
		req.Raw, _ = base64.StdEncoding.DecodeString(*p.Raw.Base64)
	}
	return c.SubmitContext(ctx, req)
}

type station struct {
	conn *Connector
	sp   *printing.Spooler
	tr   *recorder
	name string
}

// newStation runs a real spooler with one printer "p1" (the default) and a
// connector for name on b, with the station's own client certificate.
func newStation(t testing.TB, b *mqtttest.Broker, name string, adjust ...func(*Options)) *station {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "jobs.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sp := printing.New(st, nil, printing.Options{ConfigDefault: "p1", RetryMin: 10 * time.Millisecond})
	if err := sp.Start(); err != nil {
		t.Fatal(err)
	}
	tr := &recorder{}
	sp.Attach(printing.Printer{ID: "p1", Name: "Test printer", Connection: printing.ConnNetwork, Language: "zpl", DPI: 203,
		Status: printing.Status{State: printing.PrinterReady, Reasons: []string{}}}, tr)
	cert := b.ClientCert(name)
	opt := Options{
		Broker: b.URL(), Station: name, TopicPrefix: "labelbridge", CAFile: b.CAFile, CertFile: cert.CertFile, KeyFile: cert.KeyFile,
		Version: "test", Enabled: true, MinBackoff: 50 * time.Millisecond, MaxBackoff: 200 * time.Millisecond,
		StateEvery: 20 * time.Millisecond, Logger: testLogger(t),
	}
	for _, fn := range adjust {
		fn(&opt)
	}
	conn, err := New(testCore{sp}, opt)
	if err != nil {
		t.Fatal(err)
	}
	// Wait until the station is subscribed (it publishes its state after
	// SUBSCRIBE): a request published before that would find no subscriber.
	w := newDispatcher(t, b, "dispatcher", "watch-"+name, true)
	states := w.sub(Topics{Prefix: "labelbridge", Station: name}.State())
	conn.Start()
	next(t, states, name+" online", func(st State) bool { return st.Online })
	w.c.Disconnect(0)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = conn.Stop(ctx)
		_ = sp.Stop(ctx)
		_ = st.Close()
	})
	return &station{conn: conn, sp: sp, tr: tr, name: name}
}

// dispatcher is a raw MQTT client with the dispatcher's certificate.
type dispatcher struct {
	t    testing.TB
	c    mqtt.Client
	msgs chan mqtt.Message // everything it receives, in order
}

// newDispatcher connects as cn; clientID set and clean false make a
// persistent session that outlives broker restarts.
func newDispatcher(t testing.TB, b *mqtttest.Broker, cn, clientID string, clean bool) *dispatcher {
	t.Helper()
	cert := b.ClientCert(cn)
	tc, err := tlsConfig(b.CAFile, cert.CertFile, cert.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	d := &dispatcher{t: t, msgs: make(chan mqtt.Message, 100000)}
	// One default handler, set before CONNECT: a persistent session's
	// queued messages arrive before any SUBSCRIBE.
	o := mqtt.NewClientOptions().AddBroker(b.URL()).SetClientID(clientID).SetCleanSession(clean).SetTLSConfig(tc).
		SetAutoReconnect(false).SetOrderMatters(true).SetDefaultPublishHandler(func(_ mqtt.Client, m mqtt.Message) { d.msgs <- m })
	c := mqtt.NewClient(o)
	d.c = c
	if tok := c.Connect(); !tok.WaitTimeout(20*time.Second) || tok.Error() != nil {
		t.Fatalf("dispatcher connect: %v", tok.Error())
	}
	t.Cleanup(func() { c.Disconnect(100) })
	return d
}

// sub subscribes (QoS 1) and returns the dispatcher's messages.
func (d *dispatcher) sub(filter string) <-chan mqtt.Message {
	d.t.Helper()
	tok := d.c.Subscribe(filter, 1, nil)
	if !tok.WaitTimeout(20*time.Second) || tok.Error() != nil {
		d.t.Fatalf("subscribe %s: %v", filter, tok.Error())
	}
	return d.msgs
}

func (d *dispatcher) pub(topic string, payload any) {
	d.t.Helper()
	tok := d.c.Publish(topic, 1, false, encode(payload))
	if !tok.WaitTimeout(20*time.Second) || tok.Error() != nil {
		d.t.Fatalf("publish %s: %v", topic, tok.Error())
	}
}

// next returns the next message whose decoded form passes ok.
func next[T any](t testing.TB, ch <-chan mqtt.Message, what string, ok func(T) bool) (T, mqtt.Message) {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case m := <-ch:
			var v T
			if json.Unmarshal(m.Payload(), &v) == nil && ok(v) {
				return v, m
			}
		case <-timeout:
			var zero T
			t.Fatalf("no %s within 30 s", what)
			return zero, nil
		}
	}
}

func rawPrint(key, data string) map[string]any {
	return map[string]any{"idempotencyKey": key, "raw": map[string]any{"data": data, "language": "zpl"}}
}
