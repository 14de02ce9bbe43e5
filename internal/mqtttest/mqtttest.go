// Package mqtttest runs a real Mosquitto broker for tests and benchmarks:
// on a random loopback port, with mutual TLS (a CA, a server certificate and
// client certificates it generates, the certificate's common name as the
// MQTT user name), an ACL file, and persistence so it can be restarted
// without losing sessions. Mosquitto comes from the Debian package
// (scripts/deps/test-core.txt); where it is missing the test is skipped,
// or fails when CI=true.
package mqtttest

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// TB is the part of testing.TB the broker needs (tests and benchmarks).
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
	Skipf(format string, args ...any)
	Logf(format string, args ...any)
	TempDir() string
	Cleanup(func())
}

// StationACL confines every station (a client whose certificate's common
// name is its station id) to its own topics under prefix, and lets the
// client named dispatcher use every topic under prefix: the Mosquitto
// example of docs/fleet.md.
func StationACL(prefix, dispatcher string) string {
	return fmt.Sprintf(`# The dispatcher (WMS back end, CLI) may use every station's topics.
user %[2]s
topic readwrite %[1]s/#

# Each station reads its own print and rpc requests and writes its own
# state, job events and rpc replies; %%u is the certificate's common name.
pattern read %[1]s/stations/%%u/print
pattern read %[1]s/stations/%%u/rpc
pattern write %[1]s/stations/%%u/state
pattern write %[1]s/stations/%%u/jobs/#
pattern write %[1]s/stations/%%u/replies/#
`, prefix, dispatcher)
}

// Broker is a running (or stopped) Mosquitto.
type Broker struct {
	t    TB
	dir  string
	Port int
	// CAFile verifies the broker's certificate.
	CAFile string

	mu   sync.Mutex
	cmd  *exec.Cmd
	exit chan struct{}
}

// Options configure Start.
type Options struct {
	// ACL is the ACL file's text (default: StationACL("labelbridge", "dispatcher")).
	ACL string
	// Extra lines for mosquitto.conf.
	Extra []string
}

// Start generates the certificates, writes the config and starts Mosquitto.
func Start(t TB, opt Options) *Broker {
	t.Helper()
	bin, err := exec.LookPath("mosquitto")
	if err == nil {
		_, err = os.Stat(bin)
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("mosquitto is not installed (Debian package mosquitto, scripts/deps/test-core.txt): %v", err)
		}
		t.Skipf("mosquitto is not installed (apt-get install mosquitto): %v", err)
	}
	b := &Broker{t: t, dir: t.TempDir()}
	if err := b.writeFiles(opt); err != nil {
		t.Fatalf("mqtttest: %v", err)
	}
	b.Start()
	t.Cleanup(func() { b.Stop() })
	return b
}

// URL is the broker's mqtts:// address.
func (b *Broker) URL() string { return fmt.Sprintf("mqtts://127.0.0.1:%d", b.Port) }

// Start starts Mosquitto (again, after Stop) on the same port and
// persistence folder, and returns once it listens.
func (b *Broker) Start() {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cmd != nil {
		return
	}
	cmd := exec.Command("mosquitto", "-c", filepath.Join(b.dir, "mosquitto.conf"))
	stderr, err := cmd.StderrPipe()
	if err != nil {
		b.t.Fatalf("mqtttest: %v", err)
	}
	cmd.Stdout = cmd.Stderr
	if err := cmd.Start(); err != nil {
		b.t.Fatalf("mqtttest: start mosquitto: %v", err)
	}
	ready := make(chan struct{})
	exit := make(chan struct{})
	logf, _ := os.OpenFile(filepath.Join(b.dir, "mosquitto.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	go func() {
		sc := bufio.NewScanner(stderr)
		once := sync.Once{}
		for sc.Scan() {
			line := sc.Text()
			if logf != nil {
				fmt.Fprintln(logf, line)
			}
			if strings.Contains(line, " running") && strings.Contains(line, "mosquitto version") {
				once.Do(func() { close(ready) })
			}
		}
		_, _ = io.Copy(io.Discard, stderr)
		if logf != nil {
			_ = logf.Close()
		}
	}()
	go func() {
		_ = cmd.Wait()
		close(exit)
	}()
	select {
	case <-ready:
	case <-exit:
		log, _ := os.ReadFile(filepath.Join(b.dir, "mosquitto.log"))
		b.t.Fatalf("mqtttest: mosquitto exited at start:\n%s", log)
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		b.t.Fatalf("mqtttest: mosquitto did not start within 20 s")
	}
	b.cmd, b.exit = cmd, exit
}

// Stop stops Mosquitto gracefully (SIGTERM: it saves its sessions and
// queued messages to disk) and waits for it to exit.
func (b *Broker) Stop() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cmd == nil {
		return
	}
	_ = b.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-b.exit:
	case <-time.After(20 * time.Second):
		_ = b.cmd.Process.Kill()
		<-b.exit
	}
	b.cmd = nil
}

// Restart stops and starts the broker.
func (b *Broker) Restart() {
	b.t.Helper()
	b.Stop()
	b.Start()
}

// PID is the running broker's process id (0 when stopped).
func (b *Broker) PID() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cmd == nil {
		return 0
	}
	return b.cmd.Process.Pid
}

// Client is a client certificate's files.
type Client struct {
	CertFile, KeyFile string
}

// ClientCert issues a client certificate whose common name (the MQTT user
// name under the ACL) is cn.
func (b *Broker) ClientCert(cn string) Client {
	b.t.Helper()
	c := Client{CertFile: filepath.Join(b.dir, cn+".crt"), KeyFile: filepath.Join(b.dir, cn+".key")}
	if _, err := os.Stat(c.CertFile); err == nil {
		return c
	}
	ca, caKey, err := loadCA(b.dir)
	if err != nil {
		b.t.Fatalf("mqtttest: %v", err)
	}
	tmpl := &x509.Certificate{
		Subject:     pkix.Name{CommonName: cn},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		KeyUsage:    x509.KeyUsageDigitalSignature,
	}
	if err := issue(tmpl, ca, caKey, c.CertFile, c.KeyFile); err != nil {
		b.t.Fatalf("mqtttest: %v", err)
	}
	return c
}

func (b *Broker) writeFiles(opt Options) error {
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return err
	}
	b.Port = l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	b.CAFile = filepath.Join(b.dir, "ca.crt")
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	caTmpl := &x509.Certificate{
		Subject: pkix.Name{CommonName: "mqtttest CA"}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	if err := issue(caTmpl, nil, caKey, b.CAFile, filepath.Join(b.dir, "ca.key")); err != nil {
		return err
	}
	ca, caKey, err := loadCA(b.dir)
	if err != nil {
		return err
	}
	srv := &x509.Certificate{
		Subject: pkix.Name{CommonName: "127.0.0.1"}, DNSNames: []string{"localhost"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, KeyUsage: x509.KeyUsageDigitalSignature,
	}
	if err := issue(srv, ca, caKey, filepath.Join(b.dir, "server.crt"), filepath.Join(b.dir, "server.key")); err != nil {
		return err
	}
	acl := opt.ACL
	if acl == "" {
		acl = StationACL("labelbridge", "dispatcher")
	}
	if err := os.WriteFile(filepath.Join(b.dir, "acl"), []byte(acl), 0o600); err != nil {
		return err
	}
	conf := []string{
		"per_listener_settings false",
		"persistence true",
		"persistence_location " + b.dir + "/",
		"autosave_interval 0",
		"log_dest stderr",
		"log_type error", "log_type warning", "log_type notice", "log_type information",
		"connection_messages true",
		"allow_anonymous false",
		"max_queued_messages 200000",
		"acl_file " + filepath.Join(b.dir, "acl"),
		fmt.Sprintf("listener %d 127.0.0.1", b.Port),
		"cafile " + b.CAFile,
		"certfile " + filepath.Join(b.dir, "server.crt"),
		"keyfile " + filepath.Join(b.dir, "server.key"),
		"require_certificate true",
		"use_identity_as_username true",
	}
	if u, err := user.Current(); err == nil && os.Getuid() == 0 {
		// Started as root, Mosquitto drops to user "mosquitto", which
		// cannot read the test's files.
		conf = append(conf, "user "+u.Username)
	}
	conf = append(conf, opt.Extra...)
	return os.WriteFile(filepath.Join(b.dir, "mosquitto.conf"), []byte(strings.Join(conf, "\n")+"\n"), 0o600)
}

var serial struct {
	sync.Mutex
	n int64
}

func issue(tmpl, parent *x509.Certificate, parentKey *ecdsa.PrivateKey, certFile, keyFile string) error {
	key := parentKey
	if parent != nil {
		var err error
		if key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
			return err
		}
	}
	serial.Lock()
	serial.n++
	tmpl.SerialNumber = big.NewInt(time.Now().UnixNano() + serial.n)
	serial.Unlock()
	tmpl.NotBefore = time.Now().Add(-time.Hour)
	tmpl.NotAfter = time.Now().Add(24 * time.Hour)
	signer := parent
	if signer == nil {
		signer = tmpl
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signer, &key.PublicKey, parentKey)
	if err != nil {
		return fmt.Errorf("issue %s: %w", tmpl.Subject.CommonName, err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return err
	}
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		return err
	}
	return os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
}

func loadCA(dir string) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	cb, err := os.ReadFile(filepath.Join(dir, "ca.crt"))
	if err != nil {
		return nil, nil, err
	}
	kb, err := os.ReadFile(filepath.Join(dir, "ca.key"))
	if err != nil {
		return nil, nil, err
	}
	cp, _ := pem.Decode(cb)
	kp, _ := pem.Decode(kb)
	if cp == nil || kp == nil {
		return nil, nil, fmt.Errorf("bad CA files in %s", dir)
	}
	ca, err := x509.ParseCertificate(cp.Bytes)
	if err != nil {
		return nil, nil, err
	}
	key, err := x509.ParseECPrivateKey(kp.Bytes)
	return ca, key, err
}
