//go:build linux

package main

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The labelbridge binary built and run in a child process, with a fake
// $BROWSER that reports the URLs it is asked to open.

// buildApp builds the labelbridge binary once for every test of the
// package (into a temporary folder TestMain removes).
func buildApp(t *testing.T) string {
	t.Helper()
	needTool(t, "go")
	sharedBin.once.Do(func() {
		sharedBin.dir, sharedBin.err = os.MkdirTemp("", "labelbridge-app-test-")
		if sharedBin.err != nil {
			return
		}
		sharedBin.path = filepath.Join(sharedBin.dir, "labelbridge")
		if out, err := exec.Command("go", "build", "-o", sharedBin.path, ".").CombinedOutput(); err != nil {
			sharedBin.err = fmt.Errorf("go build ./app: %w\n%s", err, out)
		}
	})
	if sharedBin.err != nil {
		t.Fatal(sharedBin.err)
	}
	return sharedBin.path
}

// appProc is the app running in a child process.
type appProc struct {
	cmd    *exec.Cmd
	stderr *syncBuffer
	lines  chan string
	exited chan struct{}
	err    error
}

// childEnv is this process's environment without what the tests set
// (the locale too: the menu's language follows it, so a test sets it).
func childEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(k, "LABELBRIDGE_"), strings.HasPrefix(k, "DBUS_"), strings.HasPrefix(k, "XDG_"), k == "BROWSER", k == "DISPLAY", k == "WAYLAND_DISPLAY",
			k == "LANG", k == "LANGUAGE", strings.HasPrefix(k, "LC_"):
			continue
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}

func startApp(t *testing.T, bin string, env []string, args ...string) *appProc {
	t.Helper()
	p := &appProc{cmd: exec.Command(bin, args...), stderr: &syncBuffer{}, lines: make(chan string, 1000), exited: make(chan struct{})}
	p.cmd.Env = env
	out, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	p.cmd.Stdout = p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start the app: %v", err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			p.stderr.Write([]byte(sc.Text() + "\n"))
			select {
			case p.lines <- sc.Text():
			default:
			}
		}
	}()
	go func() {
		<-done
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			_ = p.cmd.Process.Kill()
			<-p.exited
		}
		if t.Failed() {
			t.Logf("app output:\n%s", p.stderr.String())
		}
	})
	return p
}

// waitLog waits for a log line containing text.
func (p *appProc) waitLog(t *testing.T, text string) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	if strings.Contains(p.stderr.String(), text) {
		return
	}
	for {
		select {
		case l := <-p.lines:
			if strings.Contains(l, text) {
				return
			}
		case <-p.exited:
			if strings.Contains(p.stderr.String(), text) {
				return
			}
			t.Fatalf("the app exited (%v) before logging %q", p.err, text)
		case <-deadline:
			t.Fatalf("the app never logged %q", text)
		}
	}
}

// waitExit waits for the app to exit and checks it exited with 0 and
// without a panic.
func (p *appProc) waitExit(t *testing.T) {
	t.Helper()
	select {
	case <-p.exited:
	case <-time.After(30 * time.Second):
		t.Fatal("the app did not exit")
	}
	if p.err != nil {
		t.Fatalf("the app exited with %v", p.err)
	}
	if out := p.stderr.String(); strings.Contains(out, "panic") || strings.Contains(out, "fatal error") {
		t.Fatalf("the app panicked:\n%s", out)
	}
}

func freeLoopbackPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// browserSpy is a $BROWSER program that reports each URL it is asked to
// open through a FIFO.
func browserSpy(t *testing.T) (program string, urls <-chan string) {
	t.Helper()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "urls")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	// Open read-write so writers never block and reads never see EOF.
	f, err := os.OpenFile(fifo, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	ch := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			ch <- sc.Text()
		}
	}()
	program = filepath.Join(dir, "browser")
	script := fmt.Sprintf("#!/bin/sh\nprintf '%%s\\n' \"$1\" > %q\n", fifo)
	if err := os.WriteFile(program, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return program, ch
}

func waitURL(t *testing.T, urls <-chan string, want string) {
	t.Helper()
	select {
	case got := <-urls:
		if ok, _ := path.Match(want, got); !ok {
			t.Fatalf("the browser was asked to open %q, want %q", got, want)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("the browser was never asked to open %s", want)
	}
}
