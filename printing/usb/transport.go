//go:build cgo && (linux || darwin) && !nolibusb

package usb

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/gousb"

	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/printing/usbid"
)

// transport prints to one plugged-in printer. A replugged printer gets a new
// transport (its bus address changes). Send, QueryStatus and Close are
// usbid.Transport's; this type opens the device and classifies its errors.
type transport struct {
	*usbid.Transport[*session]

	w    *watcher
	key  devKey
	ch   choice
	lang string
	id   string
}

func newTransport(w *watcher, key devKey, ch choice, lang, id string) *transport {
	t := &transport{w: w, key: key, ch: ch, lang: lang, id: id}
	t.Transport = &usbid.Transport[*session]{Watcher: w, Open: t.open, Options: t.jobOptions,
		Gone: fmt.Errorf("usb printer %s: %w", id, errGone)}
	return t
}

func (t *transport) jobOptions(s *session) usbid.JobOptions {
	return usbid.JobOptions{
		Language:      t.lang,
		Bidirectional: s.in != nil,
		ChunkSize:     t.w.opt.ChunkSize,
		ChunkTimeout:  t.w.opt.ChunkTimeout,
		StatusTimeout: t.w.opt.StatusTimeout,
		PortStatus:    s.portStatus,
		Classify:      t.classify,
	}
}

// session is one claimed interface: a usbid.Port over the bulk endpoints.
type session struct {
	t    *transport
	dev  *gousb.Device
	cfg  *gousb.Config
	intf *gousb.Interface
	out  *gousb.OutEndpoint
	in   *gousb.InEndpoint
}

// open opens and claims the printer for one operation; closing the session
// releases and closes it (libusb then gives the interface back to usblp).
func (t *transport) open() (*session, func(), error) {
	dev, err := t.w.openDevice(t.key)
	if err != nil {
		return nil, nil, t.classifyOpen("open", err)
	}
	s := &session{t: t, dev: dev}
	dev.ControlTimeout = t.w.opt.StatusTimeout
	if err := dev.SetAutoDetach(true); err != nil {
		t.w.log.Debug("usb: auto-detach not supported", "printer", t.id, "err", err)
	}
	if s.cfg, err = dev.Config(t.ch.cfg); err != nil {
		s.close()
		return nil, nil, t.classifyOpen("set configuration", err)
	}
	if s.intf, err = s.cfg.Interface(t.ch.iface, t.ch.alt); err != nil {
		s.close()
		return nil, nil, t.classifyOpen("claim interface", err)
	}
	if s.out, err = s.intf.OutEndpoint(t.ch.out); err != nil {
		s.close()
		return nil, nil, fmt.Errorf("usb printer %s: %w: %w", t.id, err, printing.ErrPermanent)
	}
	if t.ch.bidirectional() {
		if s.in, err = s.intf.InEndpoint(t.ch.in); err != nil {
			s.in = nil
		}
	}
	return s, s.close, nil
}

func (s *session) close() {
	if s.intf != nil {
		s.intf.Close() // release: libusb re-attaches usblp
	}
	if s.cfg != nil {
		_ = s.cfg.Close()
	}
	_ = s.dev.Close()
}

func (s *session) Write(ctx context.Context, p []byte) (int, error) {
	return s.out.WriteContext(ctx, p)
}

func (s *session) Read(ctx context.Context, p []byte) (int, error) {
	if s.in == nil {
		return 0, errors.New("printer has no bulk IN endpoint")
	}
	// An IN transfer must be a multiple of the packet size, or a full
	// packet overflows it.
	mps := max(s.t.ch.inPacket, 64)
	if len(p)%mps == 0 {
		return s.in.ReadContext(ctx, p)
	}
	buf := make([]byte, (len(p)/mps+1)*mps)
	n, err := s.in.ReadContext(ctx, buf)
	return copy(p, buf[:n]), err
}

// portStatus is the printer class GET_PORT_STATUS request.
func (s *session) portStatus(context.Context) (byte, error) {
	var b [1]byte
	n, err := s.dev.Control(0xA1, 1, 0, uint16(s.t.ch.iface), b[:])
	if err != nil {
		return 0, err
	}
	if n != 1 {
		return 0, fmt.Errorf("port status: %d bytes", n)
	}
	return b[0], nil
}

// isLibusb reports whether err is, or mentions, a libusb error code: gousb
// formats some errors with %v, so errors.Is alone misses them.
func isLibusb(err error, code gousb.Error) bool {
	return errors.Is(err, code) || strings.Contains(err.Error(), code.Error())
}

func isGone(err error) bool {
	return errors.Is(err, errGone) || errors.Is(err, gousb.TransferNoDevice) || isLibusb(err, gousb.ErrorNoDevice)
}

// classifyOpen maps a failure to open or claim the printer.
func (t *transport) classifyOpen(op string, err error) error {
	err = fmt.Errorf("usb printer %s: %s: %w", t.id, op, err)
	switch {
	case isGone(err):
		t.w.Nudge()
		return &printing.HoldError{Why: printing.ReasonDisconnected, Err: err}
	case isLibusb(err, gousb.ErrorAccess):
		return &printing.HoldError{Why: usbid.ReasonAccessDenied, Err: fmt.Errorf("%w: %s", err, accessHint)}
	case isLibusb(err, gousb.ErrorBusy):
		return &printing.HoldError{Why: usbid.ReasonDeviceBusy, Err: fmt.Errorf("%w: %s", err, busyHint)}
	}
	return err
}

// classify maps an I/O error during a job (usbid.JobOptions.Classify).
func (t *transport) classify(err error) error {
	if isGone(err) {
		t.w.Nudge()
		return &printing.HoldError{Why: printing.ReasonDisconnected, Err: fmt.Errorf("usb printer %s: %w", t.id, err)}
	}
	return fmt.Errorf("usb printer %s: %w", t.id, err)
}
