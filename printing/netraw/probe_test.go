package netraw

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/printing/usbid"
)

// statusPrinter is a test network printer on loopback that answers ZPL's
// ~HS with the host status in hs (a ready printer by default) and TSPL's
// <ESC>!? with tspl.
type statusPrinter struct {
	l    net.Listener
	hs   string
	tspl byte
}

const hsReady = "\x02030,0,0,1245,000,0,0,0,000,0,0,0\x03\r\n\x02001,0,0,0,1,2,6,0,00000000,1,000\x03\r\n\x021234,0\x03\r\n"
const hsPaperOut = "\x02030,1,0,1245,000,0,0,0,000,0,0,0\x03\r\n\x02001,0,0,0,1,2,6,0,00000000,1,000\x03\r\n\x021234,0\x03\r\n"

func newStatusPrinter(t *testing.T, hs string) *statusPrinter {
	t.Helper()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &statusPrinter{l: l, hs: hs}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				buf := make([]byte, 64)
				n, _ := c.Read(buf)
				switch q := string(buf[:n]); {
				case strings.HasPrefix(q, "~HS") && p.hs != "":
					c.Write([]byte(p.hs))
				case q == "\x1b!?":
					c.Write([]byte{p.tspl})
				}
			}()
		}
	}()
	t.Cleanup(func() { l.Close() })
	return p
}

func TestQueryStatus(t *testing.T) {
	dead, _ := net.Listen("tcp4", "127.0.0.1:0")
	deadAddr := dead.Addr().String()
	dead.Close()
	live := newStatusPrinter(t, hsReady)
	paperOut := newStatusPrinter(t, hsPaperOut)
	silent := newStatusPrinter(t, "") // takes the connection, answers nothing
	tsplHead := newStatusPrinter(t, "")
	tsplHead.tspl = 0x01 // head open
	for _, tc := range []struct {
		name, addr, lang string
		state            string
		reasons          []string
	}{
		{"nothing listens", deadAddr, usbid.LangZPL, printing.PrinterOffline, []string{ReasonRefused}},
		{"a live ZPL printer", live.l.Addr().String(), usbid.LangZPL, printing.PrinterReady, []string{}},
		{"a ZPL printer out of paper", paperOut.l.Addr().String(), usbid.LangZPL, printing.PrinterError, []string{printing.ReasonPaperOut}},
		{"a printer that answers no query", silent.l.Addr().String(), usbid.LangZPL, printing.PrinterReady, []string{}},
		{"EPL: the connection alone", live.l.Addr().String(), usbid.LangEPL, printing.PrinterReady, []string{}},
		{"a TSPL printer with its head open", tsplHead.l.Addr().String(), usbid.LangTSPL, printing.PrinterError, []string{printing.ReasonHeadOpen}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := New(tc.addr)
			p.Language = tc.lang
			st, err := p.QueryStatus(context.Background())
			if err != nil || st.State != tc.state || !slices.Equal(st.Reasons, tc.reasons) {
				t.Fatalf("status = %+v, %v; want %s %v", st, err, tc.state, tc.reasons)
			}
		})
	}
}

func TestDialReason(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", Name: "shelf.invalid", IsNotFound: true}}, ReasonDNS},
		{&net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}, ReasonRefused},
		{&net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.EHOSTUNREACH)}, ReasonUnreachable},
		{fmt.Errorf("dial: %w", context.DeadlineExceeded), ReasonUnreachable},
		{errors.New("i/o timeout"), ReasonUnreachable},
	} {
		if got := DialReason(tc.err); got != tc.want {
			t.Errorf("DialReason(%v) = %s, want %s", tc.err, got, tc.want)
		}
	}
}

// A printer that goes away and comes back: Monitor reports offline, then
// ready again, without any job.
func TestMonitorSeesRecovery(t *testing.T) {
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	p := New(addr)
	p.Language = usbid.LangZPL
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	got := make(chan printing.Status, 10)
	go p.Monitor(ctx, 20*time.Millisecond, func(st printing.Status) {
		select {
		case got <- st:
		default:
		}
	})
	if st := <-got; st.State != printing.PrinterOffline {
		t.Fatalf("first status = %+v, want offline", st)
	}
	back, err := net.Listen("tcp4", addr)
	if err != nil {
		t.Fatalf("listen again on %s: %v", addr, err)
	}
	defer back.Close()
	go func() {
		for {
			c, err := back.Accept()
			if err != nil {
				return
			}
			buf := make([]byte, 8)
			c.Read(buf)
			c.Write([]byte(hsReady))
			c.Close()
		}
	}()
	for {
		select {
		case st := <-got:
			if st.State == printing.PrinterReady {
				return
			}
		case <-ctx.Done():
			t.Fatal("Monitor never saw the printer come back")
		}
	}
}
