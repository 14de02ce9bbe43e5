package fleet

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"sync"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
)

// session is one MQTT connection: its client, the ordered acknowledger of
// incoming requests and the publisher of the outbox.
type session struct {
	c      *Connector
	client mqtt.Client
	ctx    context.Context
	cancel context.CancelFunc
	lost   chan error
	acks   chan pending
	since  time.Time
	wg     sync.WaitGroup
}

// pending is an incoming message waiting for its PUBACK: once res yields
// (the job is stored, or refused for good) it is acknowledged, in the order
// the messages came (MQTT 3.1.1 §4.6).
type pending struct {
	msg  mqtt.Message
	key  string                    // the print's idempotency key
	res  <-chan printingSubmission // nil: acknowledge at once
	done func()                    // runs before the ack (rpc replies are queued by then)
}

// waitToken waits for a paho token until ctx ends.
func waitToken(ctx context.Context, t mqtt.Token) error {
	select {
	case <-t.Done():
		return t.Error()
	case <-ctx.Done():
		return ctx.Err()
	}
}

// connect opens a session: routes first (a persistent session delivers
// queued requests right after CONNACK), then CONNECT, then SUBSCRIBE.
func (c *Connector) connect(ctx context.Context) (*session, error) {
	o, err := c.clientOptions()
	if err != nil {
		return nil, err
	}
	sctx, cancel := context.WithCancel(ctx)
	s := &session{c: c, ctx: sctx, cancel: cancel, lost: make(chan error, 1), acks: make(chan pending, 1024)}
	o.SetConnectionLostHandler(func(_ mqtt.Client, err error) {
		select {
		case s.lost <- err:
		default:
		}
	})
	s.client = mqtt.NewClient(o)
	s.client.AddRoute(c.topics.Print(), s.onPrint)
	s.client.AddRoute(c.topics.RPC(), s.onRPC)
	s.wg.Add(1)
	go s.acknowledge()
	cctx, ccancel := context.WithTimeout(sctx, 20*time.Second)
	defer ccancel()
	if err := waitToken(cctx, s.client.Connect()); err != nil {
		s.abort()
		return nil, fmt.Errorf("connect to %s: %w", c.host, err)
	}
	subs := map[string]byte{c.topics.Print(): 1, c.topics.RPC(): 1}
	st := s.client.SubscribeMultiple(subs, nil)
	if err := waitToken(cctx, st); err != nil {
		s.abort()
		return nil, fmt.Errorf("subscribe to %s: %w", c.topics.Print(), err)
	}
	if t, ok := st.(*mqtt.SubscribeToken); ok {
		for topic, code := range t.Result() {
			if code == 0x80 {
				s.abort()
				return nil, fmt.Errorf("the broker refused the subscription to %s (check its ACL or policy)", topic)
			}
		}
	}
	s.since = time.Now().UTC()
	s.wg.Add(1)
	go s.publish()
	return s, nil
}

// abort ends a session that never came up.
func (s *session) abort() {
	s.cancel()
	s.client.Disconnect(0)
	s.wg.Wait()
}

// goodbye publishes the station's own offline state (retained): a clean
// disconnect does not fire the last will. reason "" is a reconnect: the
// state stays online.
func (s *session) goodbye(reason string) {
	if reason == "" || !s.client.IsConnectionOpen() {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	_ = waitToken(ctx, s.client.Publish(s.c.topics.State(), 1, true, s.c.offlineMessage(reason)))
}

// close ends the session's goroutines and the connection.
func (s *session) close(ctx context.Context) {
	s.cancel()
	s.wg.Wait()
	s.client.Disconnect(250)
}

// publish sends the state first, then the outbox as it fills; the state
// again whenever it changed (at most every StateEvery).
func (s *session) publish() {
	defer s.wg.Done()
	c := s.c
	c.out.takeState()
	if !s.publishState() {
		return
	}
	last := time.Now()
	var timer *time.Timer
	var due <-chan time.Time
	for {
		if n := c.out.takeDropped(); n > 0 {
			c.log.Warn("fleet outbox full: oldest job events dropped", "dropped", n)
		}
		items := c.out.take(256)
		if len(items) > 0 {
			toks := make([]mqtt.Token, len(items))
			for i, it := range items {
				toks[i] = s.client.Publish(it.topic, 1, false, encode(it.payload))
			}
			for i, t := range toks {
				if err := waitToken(s.ctx, t); err != nil {
					c.out.putBack(items[i:])
					if s.ctx.Err() == nil {
						c.log.Warn("fleet publish failed; kept for the next connection", "topic", items[i].topic, "err", err)
					}
					return
				}
			}
			continue
		}
		if due == nil && c.out.takeState() {
			if wait := c.opt.StateEvery - time.Since(last); wait > 0 {
				timer = time.NewTimer(wait)
				due = timer.C
			} else {
				if !s.publishState() {
					c.out.markState()
					return
				}
				last = time.Now()
			}
			continue
		}
		select {
		case <-s.ctx.Done():
			if timer != nil {
				timer.Stop()
			}
			return
		case <-c.out.signal:
		case <-due:
			due = nil
			if !s.publishState() {
				c.out.markState()
				return
			}
			last = time.Now()
		}
	}
}

// publishState publishes the retained state and waits for the broker.
func (s *session) publishState() bool {
	st := s.c.stateMessage(s.since)
	if err := waitToken(s.ctx, s.client.Publish(s.c.topics.State(), 1, true, encode(st))); err != nil {
		if s.ctx.Err() == nil {
			s.c.log.Warn("fleet state publish failed", "err", err)
		}
		return false
	}
	return true
}

// tlsConfig loads the CA and client certificate files (nil: paho's default
// for mqtts/wss, the system roots).
func tlsConfig(caFile, certFile, keyFile string) (*tls.Config, error) {
	if caFile == "" && certFile == "" {
		return nil, nil
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("fleet.caFile: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("fleet.caFile: %s holds no PEM certificate", caFile)
		}
		tc.RootCAs = pool
	}
	if certFile != "" {
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return nil, fmt.Errorf("fleet.certFile/keyFile: %w", err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	return tc, nil
}
