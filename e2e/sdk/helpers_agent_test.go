// Test helpers: the agent, built once by TestMain and run as a child process
// with its own home, port and config.

package sdk_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer collects a process's output.
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

// agentProc is a running `labelbridge serve`.
type agentProc struct {
	tb     testing.TB
	home   string
	port   int
	env    []string
	cmd    *exec.Cmd
	out    *syncBuffer
	exited chan struct{}
}

// agentConfig is written to <home>/config/config.json before the start.
type agentConfig map[string]any

// startAgent runs the real binary with everything under home, on port,
// allowing the given origins, and waits until /healthz answers.
func startAgent(tb testing.TB, home string, port int, cfg agentConfig, allowed ...string) *agentProc {
	tb.Helper()
	if cfg == nil {
		cfg = agentConfig{}
	}
	cfg["usb"] = false // hermetic: only the virtual printer
	data, _ := json.Marshal(cfg)
	if err := os.MkdirAll(filepath.Join(home, "config"), 0o700); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, "config", "config.json"), data, 0o600); err != nil {
		tb.Fatal(err)
	}
	a := &agentProc{tb: tb, home: home, port: port, env: append(os.Environ(),
		"LABELBRIDGE_HOME="+home,
		"LABELBRIDGE_PORT="+strconv.Itoa(port),
		"LABELBRIDGE_ALLOWED_ORIGINS="+strings.Join(allowed, ","),
		"LABELBRIDGE_POLICY="+filepath.Join(home, "no-policy.json"),
	)}
	a.start()
	tb.Cleanup(func() {
		a.stop()
		if tb.Failed() {
			tb.Logf("agent output:\n%s", a.out.String())
		}
	})
	return a
}

func (a *agentProc) start() {
	a.tb.Helper()
	a.out = &syncBuffer{}
	a.cmd = exec.Command(binPath, "serve")
	a.cmd.Env = a.env
	a.cmd.Stdout, a.cmd.Stderr = a.out, a.out
	if err := a.cmd.Start(); err != nil {
		a.tb.Fatal(err)
	}
	a.exited = make(chan struct{})
	go func(cmd *exec.Cmd, done chan struct{}) {
		_ = cmd.Wait()
		close(done)
	}(a.cmd, a.exited)
	deadline := time.Now().Add(30 * time.Second)
	for {
		if a.healthy() {
			return
		}
		select {
		case <-a.exited:
			a.tb.Fatalf("the agent exited at start:\n%s", a.out.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			a.tb.Fatalf("the agent did not answer /healthz within 30 s:\n%s", a.out.String())
		}
	}
}

func (a *agentProc) healthy() bool {
	c := http.Client{Timeout: time.Second}
	res, err := c.Get(fmt.Sprintf("http://127.0.0.1:%d/healthz", a.port))
	if err != nil {
		return false
	}
	defer res.Body.Close()
	var h struct{ Name string }
	return json.NewDecoder(res.Body).Decode(&h) == nil && h.Name == "labelbridge"
}

// kill stops the agent with SIGKILL (no chance to clean up) and waits.
func (a *agentProc) kill() {
	a.tb.Helper()
	_ = a.cmd.Process.Kill()
	select {
	case <-a.exited:
	case <-time.After(30 * time.Second):
		a.tb.Fatal("the killed agent did not exit")
	}
}

// stop asks the agent to stop and waits (killing it after 20 s).
func (a *agentProc) stop() {
	select {
	case <-a.exited:
		return
	default:
	}
	_ = a.cmd.Process.Signal(os.Interrupt)
	select {
	case <-a.exited:
	case <-time.After(20 * time.Second):
		_ = a.cmd.Process.Kill()
		<-a.exited
	}
}

func (a *agentProc) virtualDir() string { return filepath.Join(a.home, "data", "virtual") }

// printed returns the virtual printer's job files (job id → bytes), ignoring
// everything else (previews, logs, temporary files).
func (a *agentProc) printed() map[string]string {
	a.tb.Helper()
	out := map[string]string{}
	entries, err := os.ReadDir(a.virtualDir())
	if os.IsNotExist(err) {
		return out
	}
	if err != nil {
		a.tb.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		ext := filepath.Ext(name)
		if e.IsDir() || (ext != ".zpl" && ext != ".bin" && ext != ".tspl" && ext != ".epl" && ext != ".escpos") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(a.virtualDir(), name))
		if err != nil {
			a.tb.Fatal(err)
		}
		out[strings.TrimSuffix(name, ext)] = string(data)
	}
	return out
}
