package portowner

import (
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
)

func TestNameFindsThisProcess(t *testing.T) {
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	comm, err := os.ReadFile("/proc/self/comm")
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("%q (pid %d)", strings.TrimSpace(string(comm)), os.Getpid())
	if got := Name(port); got != want {
		t.Errorf("Name(%d) = %q, want %q", port, got, want)
	}
	// A closed port has no owner.
	l.Close()
	if got := Name(port); got != "" {
		t.Errorf("Name(%d) after close = %q, want \"\"", port, got)
	}
}
