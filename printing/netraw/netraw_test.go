package netraw

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/printing"
)

func TestSendDeliversAllBytes(t *testing.T) {
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	got := make(chan []byte, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		b, _ := io.ReadAll(c)
		got <- b
	}()
	data := bytes.Repeat([]byte("^XA^FDlabel^FS^XZ"), 20000) // > several chunks
	if err := New(l.Addr().String()).Send(context.Background(), printing.Job{}, data); err != nil {
		t.Fatal(err)
	}
	if b := <-got; !bytes.Equal(b, data) {
		t.Fatalf("printer got %d bytes, want %d", len(b), len(data))
	}
}

func TestUnreachablePrinterHoldsJob(t *testing.T) {
	l, _ := net.Listen("tcp4", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	err := New(addr).Send(context.Background(), printing.Job{}, []byte("x"))
	var hold *printing.HoldError
	if !errors.As(err, &hold) || hold.Why != ReasonRefused {
		t.Fatalf("err = %v, want a hold with reason refused", err)
	}
}

// A printer that accepts but never reads: the send ends when ctx does.
func TestStalledPrinterHonoursContext(t *testing.T) {
	l, _ := net.Listen("tcp4", "127.0.0.1:0")
	defer l.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := l.Accept()
		if err == nil {
			accepted <- c
		}
	}()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- New(l.Addr().String()).Send(ctx, printing.Job{}, make([]byte, 64<<20)) }()
	c := <-accepted
	defer c.Close()
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("send did not return after its context was canceled")
	}
}

func TestDefaultPort(t *testing.T) {
	if got := New("10.1.2.3").Addr; got != "10.1.2.3:9100" {
		t.Fatalf("addr = %s", got)
	}
}
