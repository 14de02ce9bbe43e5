//go:build cgo && linux && !nolibusb

package usb

// End-to-end tests of the real gousb/libusb code against fake printers.
//
// TestFakeUSB (the parent) starts tools/fakeusb/fakeusb.py, which builds an
// empty umockdev testbed and runs this test binary again as its child
// (TestFakeChild) with LD_PRELOAD=libumockdev-preload.so.0, so libusb in the
// child sees the fake /sys and /dev and the harness answers its usbdevfs
// ioctls. The child plugs and drives fake printers through the harness
// (internal/fakectl) while it runs Watch, a real printing.Spooler and a real
// store. Waits are on events with deadlines, never bare sleeps.
//
// The harness needs /usr/bin/python3 with python3-gi, gir1.2-umockdev-1.0
// and libumockdev0. Without them the test skips, except in CI (CI set), where
// it fails.

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/internal/fakectl"
)

const (
	envScenario = "LABELBRIDGE_FAKEUSB_SCENARIO"
	envBench    = "LABELBRIDGE_USB_BENCH" // 1: also run the benchmark scenarios
	envIdle     = "LABELBRIDGE_USB_IDLE"  // idle measurement length (default 10s)
	envPython   = "LABELBRIDGE_FAKEUSB_PYTHON"
)

// pythonPath is the python3 that has gi: /usr/bin/python3, not the first one
// on PATH (pyenv's has no gi). LABELBRIDGE_FAKEUSB_PYTHON overrides it.
func pythonPath() string {
	if p := os.Getenv(envPython); p != "" {
		return p
	}
	return "/usr/bin/python3"
}

var (
	harnessOnce sync.Once
	harnessErr  error
)

// harnessScript checks the harness's prerequisites and returns its path.
func harnessScript(t *testing.T) string {
	t.Helper()
	script, _ := filepath.Abs(filepath.Join("..", "..", "tools", "fakeusb", "fakeusb.py"))
	harnessOnce.Do(func() {
		if _, err := os.Stat(script); err != nil {
			harnessErr = err
			return
		}
		probe := `import ctypes.util, gi
gi.require_version('UMockdev', '1.0')
from gi.repository import UMockdev
import sys
sys.exit(0 if ctypes.util.find_library('umockdev-preload') else 3)`
		out, err := exec.Command(pythonPath(), "-c", probe).CombinedOutput()
		if err != nil {
			harnessErr = fmt.Errorf("%s cannot load umockdev: %v\n%s", pythonPath(), err, out)
		}
	})
	if harnessErr != nil {
		msg := fmt.Sprintf("umockdev harness unavailable: %v\n"+
			"install: apt-get install -y umockdev gir1.2-umockdev-1.0 python3-gi libusb-1.0-0-dev pkg-config", harnessErr)
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return script
}

// TestFakeUSB runs each scenario in its own harness and child process.
func TestFakeUSB(t *testing.T) {
	if os.Getenv(envScenario) != "" {
		t.Skip("in the child")
	}
	script := harnessScript(t)
	scenarios := []string{"enumerate", "job", "paperout", "unplug", "two", "status"}
	if os.Getenv(envBench) != "" {
		scenarios = append(scenarios, "bench", "idle")
	}
	for _, sc := range scenarios {
		t.Run(sc, func(t *testing.T) { runChild(t, script, sc) })
	}
}

func runChild(t *testing.T, script, scenario string) {
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()
	args := []string{script, "--tmpdir", t.TempDir(), "--",
		os.Args[0], "-test.run=^TestFakeChild$", "-test.v", "-test.timeout=120s"}
	// Under go test -cover, the child's counters join the parent's report.
	if f := flag.Lookup("test.gocoverdir"); f != nil && f.Value.String() != "" {
		args = append(args, "-test.gocoverdir="+f.Value.String())
	}
	cmd := exec.CommandContext(ctx, pythonPath(), args...)
	cmd.Env = append(os.Environ(), envScenario+"="+scenario)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	var out bytes.Buffer
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			out.WriteString(line + "\n")
			if testing.Verbose() {
				t.Log(line)
			}
		}
	}()
	err := cmd.Run()
	pw.Close()
	<-copied
	if err != nil {
		if !testing.Verbose() {
			t.Log(out.String())
		}
		t.Fatalf("scenario %s: %v", scenario, err)
	}
	if !strings.Contains(out.String(), "--- PASS: TestFakeChild") {
		t.Fatalf("scenario %s: the child did not pass:\n%s", scenario, out.String())
	}
}

// TestFakeChild is the child side; it runs only under the harness.
func TestFakeChild(t *testing.T) {
	sc := os.Getenv(envScenario)
	if sc == "" {
		t.Skip("runs only as the child of TestFakeUSB")
	}
	ctl, err := fakectl.FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	defer ctl.Close()
	switch sc {
	case "enumerate":
		childEnumerate(t, ctl)
	case "job":
		childJob(t, ctl)
	case "paperout":
		childPaperOut(t, ctl)
	case "unplug":
		childUnplug(t, ctl)
	case "two":
		childTwo(t, ctl)
	case "status":
		childStatus(t, ctl)
	case "bench":
		childBench(t, ctl)
	case "idle":
		childIdle(t, ctl)
	default:
		t.Fatalf("unknown scenario %q", sc)
	}
}
