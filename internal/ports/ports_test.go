package ports

import (
	"context"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/edge"
)

// TestTakenTLSPortIsExplainedNotFatal: a TLS listener whose port another
// program holds is recorded in the port book with who holds it (this test
// binary, found by portowner on Linux), shows as a tray problem, and is
// served as soon as the port is free again.
func TestTakenTLSPortIsExplainedNotFatal(t *testing.T) {
	hog, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := hog.Addr().(*net.TCPAddr).Port
	b := NewBook()
	changed := make(chan struct{}, 16)
	b.OnChange(func() { changed <- struct{}{} })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	served := make(chan []net.Listener, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.Serve(ctx, slog.New(slog.DiscardHandler), "wss", port, "wss://127.0.0.1:%d/ws", "quit it", func(ls []net.Listener) { served <- ls })
	}()
	<-changed
	ls := b.List()
	if len(ls) != 1 || ls[0].Listening || !strings.Contains(ls[0].Error, "in use by") || !strings.Contains(ls[0].Error, "quit it") {
		t.Fatalf("port book: %+v", ls)
	}
	if runtime.GOOS == "linux" {
		self, _ := os.Executable()
		if ls[0].Holder == "" || !strings.Contains(ls[0].Error, filepath.Base(self)) {
			t.Errorf("holder %q, error %q: want this test binary named", ls[0].Holder, ls[0].Error)
		}
	}
	if p := b.Problems(); len(p) != 1 || !strings.HasPrefix(p[0], "wss is off: port ") {
		t.Errorf("tray problems: %q", p)
	}
	cancel()
	<-done
	hog.Close()
	select {
	case <-served:
		t.Fatal("served after cancel")
	default:
	}
}

func TestPortErrorNamesKnownPrograms(t *testing.T) {
	for _, tc := range []struct {
		port int
		err  error
		want string
	}{
		{8181, &net.OpError{Op: "listen", Err: os.NewSyscallError("bind", syscall.EADDRINUSE)}, "QZ Tray?"},
		{9101, &net.OpError{Op: "listen", Err: os.NewSyscallError("bind", syscall.EADDRINUSE)}, "Zebra Browser Print?"},
		{19820, os.ErrPermission, "cannot listen on 127.0.0.1:19820"},
	} {
		msg, _ := Explain(tc.port, tc.err, "fix it")
		if !strings.Contains(msg, tc.want) {
			t.Errorf("port %d: %q, want %q", tc.port, msg, tc.want)
		}
	}
}

// TestServeRecordsListening: a free port is served and the book says so.
func TestServeRecordsListening(t *testing.T) {
	ls, err := edge.Listen(0)
	if err != nil {
		t.Fatal(err)
	}
	port := ls[0].Addr().(*net.TCPAddr).Port
	for _, l := range ls {
		l.Close()
	}
	b := NewBook()
	served := make(chan []net.Listener, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	b.Serve(ctx, slog.New(slog.DiscardHandler), "wss", port, "wss://127.0.0.1:%d/ws", "", func(ls []net.Listener) { served <- ls })
	got := <-served
	defer func() {
		for _, l := range got {
			l.Close()
		}
	}()
	if b := b.List(); len(b) != 1 || !b[0].Listening {
		t.Fatalf("port book: %+v", b)
	}
}
