// Package fleet_test runs the real labelbridge binary as fleet stations on
// a real Mosquitto (mutual TLS, ACL): printing once, duplicate keys, kill -9
// between storing and acknowledging, a broker restart mid-burst, the last
// will, ACL isolation, and the `labelbridge fleet` verbs. The binary is
// built once in TestMain and shared by every test.
package fleet_test

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/labelbridge/labelbridge/internal/mqtttest"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "labelbridge-e2e-fleet-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "labelbridge")
	build := exec.Command("go", "build", "-o", binary, "../../app")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build labelbridge:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// stationEnv is one agent's home, configured as a fleet station on b.
type stationEnv struct {
	t       *testing.T
	home    string
	port    int
	station string
}

func newStation(t *testing.T, b *mqtttest.Broker, name string) *stationEnv {
	t.Helper()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	e := &stationEnv{t: t, home: t.TempDir(), port: port, station: name}
	cert := b.ClientCert(name)
	cfg := map[string]any{
		"virtual": map[string]any{"keep": 5000},
		"limits":  map[string]any{"queueDepth": 5000},
		"fleet": map[string]any{
			"broker": b.URL(), "station": name, "caFile": b.CAFile, "certFile": cert.CertFile, "keyFile": cert.KeyFile,
			"keepAlive": "5s",
		},
	}
	dir := filepath.Join(e.home, "config")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(cfg)
	if err := os.WriteFile(filepath.Join(dir, "config.json"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *stationEnv) environ(extra ...string) []string {
	env := append(os.Environ(),
		"LABELBRIDGE_HOME="+e.home,
		fmt.Sprintf("LABELBRIDGE_PORT=%d", e.port),
		"LABELBRIDGE_POLICY="+filepath.Join(e.home, "no-policy.json"),
		"LABELBRIDGE_ALLOWED_ORIGINS=",
		"LABELBRIDGE_FLEET_BROKER=", "LABELBRIDGE_FLEET_STATION=",
	)
	return append(env, extra...)
}

// proc is a running agent.
type proc struct {
	cmd    *exec.Cmd
	mu     sync.Mutex
	log    strings.Builder
	exited chan error
	lines  chan string
}

func (p *proc) text() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.String()
}

// start runs `labelbridge serve` and returns once it says it started.
func (e *stationEnv) start(extraEnv ...string) *proc {
	e.t.Helper()
	cmd := exec.Command(binary, "serve")
	cmd.Env = e.environ(extraEnv...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		e.t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		e.t.Fatal(err)
	}
	p := &proc{cmd: cmd, exited: make(chan error, 1), lines: make(chan string, 10000)}
	started := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		once := sync.Once{}
		for sc.Scan() {
			line := sc.Text()
			p.mu.Lock()
			p.log.WriteString(line + "\n")
			p.mu.Unlock()
			select {
			case p.lines <- line:
			default:
			}
			if strings.Contains(line, "Labelbridge agent started") {
				once.Do(func() { close(started) })
			}
		}
		_, _ = io.Copy(io.Discard, stderr)
		p.exited <- cmd.Wait()
		close(p.exited)
	}()
	e.t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-p.exited
		if e.t.Failed() {
			e.t.Logf("agent %s log:\n%s", e.station, p.text())
		}
	})
	select {
	case <-started:
	case err := <-p.exited:
		e.t.Fatalf("agent exited at start: %v\n%s", err, p.text())
	case <-time.After(60 * time.Second):
		e.t.Fatalf("agent did not start:\n%s", p.text())
	}
	return p
}

// waitLine waits for a log line containing s.
func (p *proc) waitLine(t *testing.T, s string) {
	t.Helper()
	timeout := time.After(60 * time.Second)
	for {
		select {
		case line := <-p.lines:
			if strings.Contains(line, s) {
				return
			}
		case <-timeout:
			t.Fatalf("no log line with %q within 60 s:\n%s", s, p.text())
		}
	}
}

// printed counts, per job id, the virtual printer's sends.
func (e *stationEnv) printed() map[string]int {
	data, err := os.ReadFile(filepath.Join(e.home, "data", "virtual", "printed.log"))
	if err != nil && !os.IsNotExist(err) {
		e.t.Fatal(err)
	}
	counts := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if f := strings.Fields(line); len(f) >= 2 {
			counts[f[1]]++
		}
	}
	return counts
}

// mqttClient is a raw MQTT client with cn's certificate; every message it
// receives goes to msgs (the handler is set before CONNECT, so a
// persistent session's queued messages are not lost).
type mqttClient struct {
	t    *testing.T
	c    mqtt.Client
	msgs chan mqtt.Message
}

func dial(t *testing.T, b *mqtttest.Broker, cn, clientID string, clean bool) *mqttClient {
	t.Helper()
	return redial(t, b, cn, clientID, clean, make(chan mqtt.Message, 100000))
}

// redial connects again into the same message channel (a persistent
// session resumed after a broker restart).
func redial(t *testing.T, b *mqtttest.Broker, cn, clientID string, clean bool, msgs chan mqtt.Message) *mqttClient {
	t.Helper()
	cert := b.ClientCert(cn)
	pair, err := tls.LoadX509KeyPair(cert.CertFile, cert.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	caPEM, err := os.ReadFile(b.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	mc := &mqttClient{t: t, msgs: msgs}
	o := mqtt.NewClientOptions().AddBroker(b.URL()).SetClientID(clientID).SetCleanSession(clean).
		SetTLSConfig(&tls.Config{RootCAs: pool, Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}).
		SetAutoReconnect(false).SetOrderMatters(true).
		SetDefaultPublishHandler(func(_ mqtt.Client, m mqtt.Message) { mc.msgs <- m })
	mc.c = mqtt.NewClient(o)
	if tok := mc.c.Connect(); !tok.WaitTimeout(30*time.Second) || tok.Error() != nil {
		t.Fatalf("connect %s: %v", cn, tok.Error())
	}
	t.Cleanup(func() { mc.c.Disconnect(100) })
	return mc
}

// sub subscribes (QoS 1) and returns the SUBACK code.
func (mc *mqttClient) sub(filter string) byte {
	mc.t.Helper()
	tok := mc.c.Subscribe(filter, 1, nil)
	if !tok.WaitTimeout(30*time.Second) || tok.Error() != nil {
		mc.t.Fatalf("subscribe %s: %v", filter, tok.Error())
	}
	return tok.(*mqtt.SubscribeToken).Result()[filter]
}

func (mc *mqttClient) pub(topic string, payload any) {
	mc.t.Helper()
	b, _ := json.Marshal(payload)
	if tok := mc.c.Publish(topic, 1, false, b); !tok.WaitTimeout(30*time.Second) || tok.Error() != nil {
		mc.t.Fatalf("publish %s: %v", topic, tok.Error())
	}
}

// next returns the next message on a topic matching suffix whose JSON
// passes ok.
func next[T any](t *testing.T, ch <-chan mqtt.Message, what string, ok func(string, T) bool) T {
	t.Helper()
	timeout := time.After(60 * time.Second)
	for {
		select {
		case m := <-ch:
			var v T
			if json.Unmarshal(m.Payload(), &v) == nil && ok(m.Topic(), v) {
				return v
			}
		case <-timeout:
			var zero T
			t.Fatalf("no %s within 60 s", what)
			return zero
		}
	}
}

func rawJob(key string) map[string]any {
	return map[string]any{"idempotencyKey": key, "raw": map[string]any{"language": "zpl", "data": "^XA^FD" + key + "^FS^XZ"}}
}
