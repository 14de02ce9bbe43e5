package main

// Helpers shared by the panel, tray and command tests: a real agent in the
// test process, a raw network printer, config files, an HTTP client with a
// cookie jar.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/client"
	"github.com/labelbridge/labelbridge/config"
	"github.com/labelbridge/labelbridge/internal/logging"
)

// needTool finds a program the test needs. Without it the test fails in CI
// (CI=true) and is skipped elsewhere.
func needTool(t *testing.T, names ...string) string {
	t.Helper()
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	msg := fmt.Sprintf("%s not found (scripts/deps/test-tray-panel.txt lists the Debian packages)", strings.Join(names, " or "))
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// syncBuffer collects a process's or logger's output safely.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// rawPrinterSink is a raw TCP "network printer": it accepts connections and hands
// each job's bytes to Jobs. It answers ZPL's status query ~HS (the agent's
// probe) with the host status in HS, a ready printer unless a test sets it;
// a connection that only asked for the status is no job.
type rawPrinterSink struct {
	l    net.Listener
	Jobs chan []byte
	mu   sync.Mutex
	hs   string
}

// Host statuses (ZPL ~HS) of a test printer.
const (
	hsReady    = "\x02030,0,0,1245,000,0,0,0,000,0,0,0\x03\r\n\x02001,0,0,0,1,2,6,0,00000000,1,000\x03\r\n\x021234,0\x03\r\n"
	hsPaperOut = "\x02030,1,0,1245,000,0,0,0,000,0,0,0\x03\r\n\x02001,0,0,0,1,2,6,0,00000000,1,000\x03\r\n\x021234,0\x03\r\n"
)

// SetHS changes what the printer answers to ~HS.
func (s *rawPrinterSink) SetHS(hs string) {
	s.mu.Lock()
	s.hs = hs
	s.mu.Unlock()
}

func (s *rawPrinterSink) serve(c net.Conn) {
	defer c.Close()
	var data []byte
	buf := make([]byte, 32<<10)
	for {
		n, err := c.Read(buf)
		data = append(data, buf[:n]...)
		if string(data) == "~HS" {
			s.mu.Lock()
			hs := s.hs
			s.mu.Unlock()
			_, _ = c.Write([]byte(hs))
			data = data[:0]
		}
		if err != nil {
			break
		}
	}
	if len(data) > 0 {
		s.Jobs <- data
	}
}

func newSink(t *testing.T) *rawPrinterSink {
	t.Helper()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &rawPrinterSink{l: l, Jobs: make(chan []byte, 100), hs: hsReady}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	t.Cleanup(func() { l.Close() })
	return s
}

func (s *rawPrinterSink) Addr() string { return s.l.Addr().String() }

func writeTestConfig(t *testing.T, home string, c config.Config) {
	t.Helper()
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(home, "config"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, "config", "config.json"), data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func readTestConfig(t *testing.T, home string) config.Config {
	t.Helper()
	var c config.Config
	data, err := os.ReadFile(filepath.Join(home, "config", "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// startTestAgent runs a real agent in this process on a free loopback port
// with LABELBRIDGE_HOME in a temporary folder holding cfg.
func startTestAgent(t *testing.T, cfg config.Config) (*agent, string) {
	t.Helper()
	home := t.TempDir()
	writeTestConfig(t, home, cfg)
	t.Setenv("LABELBRIDGE_HOME", home)
	t.Setenv("LABELBRIDGE_POLICY", filepath.Join(home, "no-policy.json"))
	loaded, err := loadConfig(0)
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	log, closer, err := logging.New("info", "", logs)
	if err != nil {
		t.Fatal(err)
	}
	a, err := startAgent(loaded, log, agentOptions{AnyPort: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := stopAgent(a); err != nil {
			t.Errorf("stop agent: %v", err)
		}
		closer.Close()
		if t.Failed() {
			t.Logf("agent log:\n%s", logs.String())
		}
	})
	return a, home
}

// adminClient connects with the local CLI token (an admin, like the panel).
func adminClient(t *testing.T, port int, token string) *client.Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := client.Dial(ctx, client.URL(port), client.Options{Token: token})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// panelBrowser is an HTTP client with a cookie jar, like a browser.
func panelBrowser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: 10 * time.Second}
}

func fetch(t *testing.T, c *http.Client, url string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(body)
}

func strp[T any](v T) *T { return &v }
