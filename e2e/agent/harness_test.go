package agent_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/client"
	"github.com/labelbridge/labelbridge/internal/porttest"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "labelbridge-e2e-")
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

// env is one isolated Labelbridge home and port.
type env struct {
	t    testing.TB
	home string
	port int
}

func newEnv(t testing.TB) *env {
	return &env{t: t, home: t.TempDir(), port: porttest.Free(t)}
}

func (e *env) environ(extra ...string) []string {
	env := append(os.Environ(),
		"LABELBRIDGE_HOME="+e.home,
		fmt.Sprintf("LABELBRIDGE_PORT=%d", e.port),
		"LABELBRIDGE_POLICY="+filepath.Join(e.home, "no-policy.json"),
		"LABELBRIDGE_ALLOWED_ORIGINS=",
	)
	return append(env, extra...)
}

func (e *env) writeConfig(body string) {
	e.t.Helper()
	dir := filepath.Join(e.home, "config")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(body), 0o600); err != nil {
		e.t.Fatal(err)
	}
}

// agentProc is a running `labelbridge serve`.
type agentProc struct {
	cmd    *exec.Cmd
	stderr *lockedBuffer
	exited chan error
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// start runs serve and returns once it logs that it is listening.
func (e *env) start() *agentProc {
	e.t.Helper()
	return e.startWith()
}

// startWith is start with extra environment variables.
func (e *env) startWith(extraEnv ...string) *agentProc {
	e.t.Helper()
	cmd := exec.Command(binary, "serve")
	cmd.Env = e.environ(extraEnv...)
	pr, pw := io.Pipe()
	buf := &lockedBuffer{}
	cmd.Stderr = io.MultiWriter(pw, buf)
	if err := cmd.Start(); err != nil {
		e.t.Fatal(err)
	}
	p := &agentProc{cmd: cmd, stderr: buf, exited: make(chan error, 1)}
	go func() { p.exited <- cmd.Wait(); pw.Close() }()
	started := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		ok := false
		for sc.Scan() {
			if !ok && strings.Contains(sc.Text(), "Labelbridge agent started") {
				ok = true
				started <- true
			}
		}
		if !ok {
			started <- false
		}
	}()
	select {
	case ok := <-started:
		if !ok {
			e.t.Fatalf("agent exited before starting:\n%s", buf)
		}
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		e.t.Fatalf("agent did not start:\n%s", buf)
	}
	e.t.Cleanup(func() { p.stop() })
	return p
}

func (p *agentProc) stop() {
	if p.cmd.ProcessState != nil {
		return
	}
	_ = p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.exited:
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

func (p *agentProc) kill9() {
	_ = p.cmd.Process.Kill()
	<-p.exited
}

func (e *env) token() string {
	e.t.Helper()
	b, err := os.ReadFile(filepath.Join(e.home, "config", "token"))
	if err != nil {
		e.t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

func (e *env) dial(ctx context.Context, opt client.Options) *client.Client {
	e.t.Helper()
	c, err := client.Dial(ctx, client.URL(e.port), opt)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { c.Close() })
	return c
}

// run runs a CLI verb and returns stdout, stderr and the exit code.
func (e *env) run(args ...string) (string, string, int) {
	e.t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = e.environ()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		e.t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

func (e *env) virtualDir() string { return filepath.Join(e.home, "data", "virtual") }
