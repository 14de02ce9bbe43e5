//go:build windows

package winusb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"time"

	"golang.org/x/sys/windows"

	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/printing/usbid"
)

// busyHint: usbprint refuses a second opener.
const busyHint = "another program has the printer open (often the Windows spooler while it prints to it): " +
	"wait for it, or print through the spooler queue instead (printing/winspool). See docs/usb.md"

// Watch finds usbprint printers and keeps sink up to date until ctx ends: it
// Attaches each printer as it appears, Detaches it when it is unplugged, and
// Detaches every printer before it returns. It returns nil once ctx ends, or
// an error when the device interfaces cannot be listed at all.
func Watch(ctx context.Context, sink Sink, opt Options) error {
	guid, err := windows.GUIDFromString(GUIDUSBPrint)
	if err != nil {
		return fmt.Errorf("winusb: %w", err)
	}
	// x/sys/windows calls these lazily and panics when one is missing (old
	// Windows, Wine): check first and fail with an error instead.
	for _, proc := range []string{"CM_Get_Device_Interface_ListW", "CM_Get_Device_Interface_List_SizeW", "CM_MapCrToWin32Err"} {
		if err := cfgmgr32.NewProc(proc).Find(); err != nil {
			return fmt.Errorf("winusb: usbprint discovery needs %s in CfgMgr32.dll (Windows 8 or later): %w", proc, errors.ErrUnsupported)
		}
	}
	if _, err := listInterfaces(&guid); err != nil {
		return fmt.Errorf("winusb: list usbprint interfaces: %w", err)
	}
	opt.Fill()
	w := &watcher{sink: sink, opt: opt, log: opt.Logger, guid: guid, Loop: usbid.NewLoop(opt.Interval),
		present: map[string]*device{}, ids: map[string]string{}}
	defer w.close()
	w.Run(ctx, w.scan)
	return nil
}

var cfgmgr32 = windows.NewLazySystemDLL("CfgMgr32.dll")

func listInterfaces(guid *windows.GUID) ([]string, error) {
	return windows.CM_Get_Device_Interface_List("", guid, windows.CM_GET_DEVICE_INTERFACE_LIST_PRESENT)
}

type device struct {
	path    string
	id      string
	retryAt time.Time
	logged  bool
}

type watcher struct {
	sink Sink
	opt  Options
	log  *slog.Logger
	guid windows.GUID

	*usbid.Loop

	present map[string]*device // by interface path
	ids     map[string]string
}

func (w *watcher) close() {
	for _, d := range w.present {
		if d.id != "" {
			w.sink.Detach(d.id)
		}
	}
	w.Shutdown()
}

// isPresent reports whether the interface is still listed.
func (w *watcher) isPresent(path string) bool {
	paths, err := listInterfaces(&w.guid)
	if err != nil {
		return true // unknown: do not claim it is gone
	}
	for _, p := range paths {
		if p == path {
			return true
		}
	}
	return false
}

func (w *watcher) scan(ctx context.Context) {
	paths, err := listInterfaces(&w.guid)
	if err != nil {
		w.log.Warn("winusb: list usbprint interfaces", "err", err)
		return
	}
	seen := map[string]bool{}
	for _, p := range paths {
		seen[p] = true
	}
	for p, d := range w.present {
		if !seen[p] {
			delete(w.present, p)
			if d.id != "" {
				if w.ids[d.id] == p {
					delete(w.ids, d.id)
				}
				w.log.Info("winusb: printer unplugged", "printer", d.id)
				w.sink.Detach(d.id)
			}
		}
	}
	sort.Strings(paths)
	now := time.Now()
	for _, p := range paths {
		if ctx.Err() != nil {
			return
		}
		d := w.present[p]
		if d == nil {
			d = &device{path: p}
			w.present[p] = d
		} else if d.id != "" || now.Before(d.retryAt) {
			continue
		}
		w.identify(d)
	}
}

func (w *watcher) identify(d *device) {
	ip, ok := parseIfacePath(d.path)
	if !ok {
		d.id, d.retryAt = "", time.Now().Add(time.Hour) // not a USB device path; ignore it
		return
	}
	var rawID []byte
	s, err := openSession(d.path)
	if err == nil {
		ctx, cancel := context.WithTimeout(w.Stopping(), w.opt.StatusTimeout)
		rawID, err = s.ioctl(ctx, ioctlGet1284ID, 1024)
		cancel()
		s.close()
		if err != nil {
			w.log.Debug("winusb: IOCTL_USBPRINT_GET_1284_ID", "path", d.path, "err", err)
		}
	} else if !errors.Is(err, windows.ERROR_ACCESS_DENIED) && !errors.Is(err, windows.ERROR_SHARING_VIOLATION) {
		if !d.logged {
			w.log.Warn("winusb: cannot open printer", "path", d.path, "err", err)
			d.logged = true
		}
		d.retryAt = time.Now().Add(5 * w.opt.Interval)
		return
	}
	p := describe(d.path, ip, rawID)
	if other, ok := w.ids[p.ID]; ok && other != d.path {
		p.ID += "@" + ip.instance
	}
	tr := newTransport(w, d.path, p.Language, p.ID)
	d.id = p.ID
	w.ids[p.ID] = d.path
	w.log.Info("winusb: printer found", "printer", p.ID, "name", p.Name, "language", p.Language, "path", d.path)
	w.sink.Attach(p, tr)
	if !w.opt.NoInitialStatus && w.Begin() {
		go func() {
			defer w.End()
			ctx, cancel := context.WithTimeout(w.Stopping(), 2*w.opt.StatusTimeout)
			defer cancel()
			if st, err := tr.QueryStatus(ctx); err == nil && !tr.Closed() {
				w.sink.SetStatus(tr.id, st)
			}
		}()
	}
}

// transport prints to one usbprint interface. Send, QueryStatus and Close
// are usbid.Transport's; this type opens the interface and classifies its
// errors.
type transport struct {
	*usbid.Transport[*session]

	w    *watcher
	path string
	lang string
	id   string
}

func newTransport(w *watcher, path, lang, id string) *transport {
	t := &transport{w: w, path: path, lang: lang, id: id}
	t.Transport = &usbid.Transport[*session]{Watcher: w, Open: t.open, Options: t.jobOptions,
		Gone: fmt.Errorf("printer %s is gone", id)}
	return t
}

func (t *transport) jobOptions(s *session) usbid.JobOptions {
	return usbid.JobOptions{
		// usbprint passes reads to the bulk IN endpoint when there is one;
		// a unidirectional printer fails them, which reads as "no reply".
		Language: t.lang, Bidirectional: true,
		ChunkSize: t.w.opt.ChunkSize, ChunkTimeout: t.w.opt.ChunkTimeout, StatusTimeout: t.w.opt.StatusTimeout,
		PortStatus: s.portStatus, Classify: t.classify,
	}
}

// open opens the interface for one operation.
func (t *transport) open() (*session, func(), error) {
	s, err := openSession(t.path)
	if err != nil {
		return nil, nil, t.classifyOpen(err)
	}
	return s, s.close, nil
}

func (t *transport) classifyOpen(err error) error {
	err = fmt.Errorf("printer %s: open %s: %w", t.id, t.path, err)
	switch {
	case errors.Is(err, windows.ERROR_ACCESS_DENIED), errors.Is(err, windows.ERROR_SHARING_VIOLATION):
		return &printing.HoldError{Why: usbid.ReasonDeviceBusy, Err: fmt.Errorf("%w: %s", err, busyHint)}
	case !t.w.isPresent(t.path):
		t.w.Nudge()
		return &printing.HoldError{Why: printing.ReasonDisconnected, Err: err}
	}
	return err
}

func (t *transport) classify(err error) error {
	err = fmt.Errorf("printer %s: %w", t.id, err)
	if errors.Is(err, windows.ERROR_DEVICE_NOT_CONNECTED) || errors.Is(err, windows.ERROR_NO_SUCH_DEVICE) ||
		errors.Is(err, windows.ERROR_GEN_FAILURE) || !t.w.isPresent(t.path) {
		t.w.Nudge()
		return &printing.HoldError{Why: printing.ReasonDisconnected, Err: err}
	}
	return err
}

// session is one open handle (overlapped I/O): a usbid.Port. Its buffers and
// OVERLAPPED live on the heap, where the kernel may write until the I/O ends.
type session struct {
	h    windows.Handle
	ov   *windows.Overlapped
	ev   windows.Handle
	wbuf []byte
	rbuf []byte
}

func openSession(path string) (*session, error) {
	p16, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return nil, err
	}
	h, err := windows.CreateFile(p16, windows.GENERIC_READ|windows.GENERIC_WRITE,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE, nil, windows.OPEN_EXISTING, windows.FILE_FLAG_OVERLAPPED, 0)
	if err != nil {
		return nil, err
	}
	ev, err := windows.CreateEvent(nil, 1, 0, nil)
	if err != nil {
		windows.CloseHandle(h)
		return nil, err
	}
	return &session{h: h, ev: ev, ov: new(windows.Overlapped), rbuf: make([]byte, 4096)}, nil
}

func (s *session) close() {
	windows.CloseHandle(s.h)
	windows.CloseHandle(s.ev)
}

// do runs one overlapped operation to its end; ctx ending cancels it
// (CancelIoEx) and waits for the cancellation to land.
func (s *session) do(ctx context.Context, start func(ov *windows.Overlapped, n *uint32) error) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	*s.ov = windows.Overlapped{HEvent: s.ev}
	if err := windows.ResetEvent(s.ev); err != nil {
		return 0, err
	}
	var n uint32
	err := start(s.ov, &n)
	if err != nil && err != windows.ERROR_IO_PENDING {
		return 0, err
	}
	cancelled := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		_ = windows.CancelIoEx(s.h, s.ov)
		close(cancelled)
	})
	err = windows.GetOverlappedResult(s.h, s.ov, &n, true)
	if !stop() {
		<-cancelled
	}
	if err != nil {
		if errors.Is(err, windows.ERROR_OPERATION_ABORTED) && ctx.Err() != nil {
			return int(n), fmt.Errorf("%w: %w", ctx.Err(), err)
		}
		return int(n), err
	}
	return int(n), nil
}

func (s *session) Write(ctx context.Context, p []byte) (int, error) {
	if cap(s.wbuf) < len(p) {
		s.wbuf = make([]byte, len(p))
	}
	buf := s.wbuf[:len(p)]
	copy(buf, p)
	return s.do(ctx, func(ov *windows.Overlapped, n *uint32) error {
		return windows.WriteFile(s.h, buf, n, ov)
	})
}

func (s *session) Read(ctx context.Context, p []byte) (int, error) {
	buf := s.rbuf[:min(len(p), len(s.rbuf))]
	n, err := s.do(ctx, func(ov *windows.Overlapped, n *uint32) error {
		return windows.ReadFile(s.h, buf, n, ov)
	})
	return copy(p, buf[:n]), err
}

func (s *session) ioctl(ctx context.Context, code uint32, outLen int) ([]byte, error) {
	out := make([]byte, outLen)
	holder := &struct{ b []byte }{out} // keep it on the heap
	n, err := s.do(ctx, func(ov *windows.Overlapped, n *uint32) error {
		return windows.DeviceIoControl(s.h, code, nil, 0, &holder.b[0], uint32(len(holder.b)), n, ov)
	})
	if err != nil {
		return nil, err
	}
	return holder.b[:n], nil
}

// portStatus is IOCTL_USBPRINT_GET_LPT_STATUS: the printer class port status.
func (s *session) portStatus(ctx context.Context) (byte, error) {
	b, err := s.ioctl(ctx, ioctlGetLPTStatus, 1)
	if err != nil {
		return 0, fmt.Errorf("IOCTL_USBPRINT_GET_LPT_STATUS: %w", err)
	}
	if len(b) != 1 {
		return 0, fmt.Errorf("IOCTL_USBPRINT_GET_LPT_STATUS: %d bytes", len(b))
	}
	return b[0], nil
}
