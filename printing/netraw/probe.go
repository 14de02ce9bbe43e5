package netraw

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/printing/usbid"
)

// Reasons of a network printer that cannot be reached (Status.Reasons with
// state offline, and the reason of the jobs it holds).
const (
	ReasonUnreachable = "unreachable" // no answer: off, unplugged, wrong address, a firewall
	ReasonRefused     = "refused"     // the host answers but nothing listens on the port
	ReasonDNS         = "dns"         // the host name does not resolve
)

// Probe timeouts: a printer that does not take the connection within
// ProbeConnectTimeout is unreachable; one that does not answer its status
// query within ProbeReadTimeout is taken as ready (many printers on port
// 9100 answer no query at all: the connection is all there is to measure).
const (
	ProbeConnectTimeout = 3 * time.Second
	ProbeReadTimeout    = 1500 * time.Millisecond
)

// query is the status query a language has over raw TCP. EPL's ^ee is not
// sent: unverified on hardware (see printing/usbid), so EPL printers are
// measured by the connection alone.
func query(lang string) (cmd []byte, complete func([]byte) bool, parse func([]byte) (printing.Status, error), ok bool) {
	switch lang {
	case usbid.LangZPL:
		return usbid.ZPLHostStatusQuery, usbid.ZPLHostStatusComplete, usbid.ParseZPLHostStatus, true
	case usbid.LangTSPL, usbid.LangESCPOS:
		q, _ := usbid.StatusQueryFor(lang)
		return q.Command, q.Complete, q.Parse, true
	}
	return nil, nil, nil, false
}

// QueryStatus measures the printer: a TCP connection, then its language's
// status query (ZPL ~HS, TSPL <ESC>!?, ESC/POS DLE EOT) read with a short
// timeout. A printer that cannot be reached is offline with the reason
// unreachable, refused or dns; the answer to the query gives paper_out,
// head_open, ribbon_out, printer_paused…; no answer (or one it cannot
// read) leaves it ready. It never returns an error: the status is the
// result (printing.StatusQuerier).
func (p *Printer) QueryStatus(ctx context.Context) (printing.Status, error) {
	d := net.Dialer{Timeout: ProbeConnectTimeout}
	conn, err := d.DialContext(ctx, "tcp", p.Addr)
	if err != nil {
		return printing.Status{State: printing.PrinterOffline, Reasons: []string{DialReason(err)}}, nil
	}
	defer conn.Close()
	ready := printing.Status{State: printing.PrinterReady, Reasons: []string{}}
	cmd, complete, parse, ok := query(p.Language)
	if !ok {
		return ready, nil
	}
	deadline := time.Now().Add(ProbeReadTimeout)
	if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
		deadline = dl
	}
	_ = conn.SetDeadline(deadline)
	if _, err := conn.Write(cmd); err != nil {
		return ready, nil
	}
	var reply []byte
	buf := make([]byte, 512)
	for !complete(reply) && len(reply) < 4096 {
		n, err := conn.Read(buf)
		reply = append(reply, buf[:n]...)
		if err != nil {
			break
		}
	}
	if !complete(reply) {
		return ready, nil
	}
	st, err := parse(reply)
	if err != nil {
		return ready, nil
	}
	return st, nil
}

// DialReason names why a connection could not be made: dns, refused or
// unreachable.
func DialReason(err error) string {
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &dnsErr):
		return ReasonDNS
	case isRefused(err):
		return ReasonRefused
	}
	return ReasonUnreachable
}

// Monitor measures the printer at once and then every interval until ctx
// ends, and reports each status.
func (p *Printer) Monitor(ctx context.Context, every time.Duration, report func(printing.Status)) {
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		st, _ := p.QueryStatus(ctx)
		if ctx.Err() != nil {
			return
		}
		report(st)
		t.Reset(every)
	}
}

// dialError is the hold of a job whose printer could not be reached: its
// reason names why (dns, refused, unreachable).
func dialError(addr string, err error) error {
	return &printing.HoldError{Why: DialReason(err), Err: fmt.Errorf("connect %s: %w", addr, err)}
}
