// Package netraw sends jobs to network label printers over raw TCP (port
// 9100, "JetDirect"), with connect and write timeouts.
package netraw

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/labelbridge/labelbridge/printing"
)

// DefaultPort is the raw printing port.
const DefaultPort = 9100

// Printer is the transport for one network printer.
type Printer struct {
	Addr           string        // host:port
	ConnectTimeout time.Duration // default 5 s
	WriteTimeout   time.Duration // per write of a chunk; default 30 s
	// Language picks the status query QueryStatus sends (zpl, tspl,
	// escpos; others are measured by the connection alone).
	Language string
}

// New returns a transport for addr ("host" or "host:port").
func New(addr string) *Printer {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		addr = net.JoinHostPort(addr, fmt.Sprint(DefaultPort))
	}
	return &Printer{Addr: addr, ConnectTimeout: 5 * time.Second, WriteTimeout: 30 * time.Second}
}

// chunk is how much is written per deadline, so a slow printer that is still
// taking data is not cut off.
const chunk = 64 << 10

// Send connects, writes the job and closes the connection. A printer that
// cannot be reached holds the job, the reason saying why (unreachable,
// refused, dns: see probe.go).
func (p *Printer) Send(ctx context.Context, _ printing.Job, data []byte) error {
	d := net.Dialer{Timeout: p.ConnectTimeout}
	conn, err := d.DialContext(ctx, "tcp", p.Addr)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("connect %s: %w", p.Addr, ctx.Err())
		}
		return dialError(p.Addr, err)
	}
	defer conn.Close()
	// Cancellation forces a past deadline; the per-chunk deadline must never
	// undo it, hence the lock.
	var mu sync.Mutex
	canceled := false
	stop := context.AfterFunc(ctx, func() {
		mu.Lock()
		canceled = true
		_ = conn.SetDeadline(time.Unix(1, 0))
		mu.Unlock()
	})
	defer stop()
	for len(data) > 0 {
		n := min(chunk, len(data))
		mu.Lock()
		if canceled {
			mu.Unlock()
			return fmt.Errorf("write to %s: %w", p.Addr, ctx.Err())
		}
		_ = conn.SetWriteDeadline(time.Now().Add(p.WriteTimeout))
		mu.Unlock()
		w, err := conn.Write(data[:n])
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("write to %s: %w", p.Addr, ctx.Err())
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				return &printing.HoldError{Why: printing.ReasonTimeout, Err: fmt.Errorf("write to %s: %w", p.Addr, err)}
			}
			return &printing.HoldError{Why: printing.ReasonSendFailed, Err: fmt.Errorf("write to %s: %w", p.Addr, err)}
		}
		data = data[w:]
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.CloseWrite() // let the printer see the end of the job
	}
	return nil
}
