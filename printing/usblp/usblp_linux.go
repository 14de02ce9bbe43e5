//go:build linux

package usblp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/printing/usbid"
)

// accessHint says how to get access to /dev/usb/lp*.
const accessHint = "no permission to open the printer node: add the user to group lp " +
	"(sudo usermod -aG lp $USER, then log out and back in). See docs/usb.md"

// busyHint: usblp lets one process open a node at a time.
const busyHint = "another program has the printer node open (usblp allows one at a time), " +
	"usually a CUPS queue using the usb backend: pause or remove that queue. See docs/usb.md"

// WatchLP finds printers behind /dev/usb/lp* and keeps sink up to date until
// ctx ends: it Attaches each printer as its node appears, Detaches it when
// the node goes, and Detaches every printer before it returns. It returns nil
// once ctx ends.
func WatchLP(ctx context.Context, sink Sink, opt Options) error {
	w := newWatcher(sink, opt)
	defer w.close()
	w.Run(ctx, w.scan)
	return nil
}

// nodeKey is one node as it exists now: a replugged printer gets a new inode.
type nodeKey struct {
	path     string
	ino, dev uint64
}

type node struct {
	key     nodeKey
	id      string
	retryAt time.Time
	logged  bool
}

type watcher struct {
	sink Sink
	opt  Options
	log  *slog.Logger

	*usbid.Loop

	present map[string]*node // by path; the scan goroutine's
	ids     map[string]string
}

func newWatcher(sink Sink, opt Options) *watcher {
	opt.fill()
	return &watcher{sink: sink, opt: opt, log: opt.Logger, Loop: usbid.NewLoop(opt.Interval),
		present: map[string]*node{}, ids: map[string]string{}}
}

func (w *watcher) close() {
	for _, n := range w.present {
		if n.id != "" {
			w.sink.Detach(n.id)
		}
	}
	w.Shutdown()
}

func statKey(path string) (nodeKey, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nodeKey{}, err
	}
	if st.IsDir() {
		return nodeKey{}, fmt.Errorf("%s is a directory", path)
	}
	k := nodeKey{path: path}
	if sys, ok := st.Sys().(*syscall.Stat_t); ok {
		k.ino, k.dev = sys.Ino, sys.Dev
	}
	return k, nil
}

func (w *watcher) scan(ctx context.Context) {
	paths, err := filepath.Glob(w.opt.DevGlob)
	if err != nil {
		w.log.Error("usblp: bad DevGlob", "glob", w.opt.DevGlob, "err", err)
		return
	}
	seen := map[string]nodeKey{}
	for _, p := range paths {
		if k, err := statKey(p); err == nil {
			seen[p] = k
		}
	}
	for p, n := range w.present {
		if k, ok := seen[p]; !ok || k != n.key {
			w.remove(n)
		}
	}
	sort.Strings(paths)
	now := time.Now()
	for _, p := range paths {
		k, ok := seen[p]
		if !ok || ctx.Err() != nil {
			continue
		}
		n := w.present[p]
		if n == nil {
			n = &node{key: k}
			w.present[p] = n
		} else if n.id != "" || now.Before(n.retryAt) {
			continue
		}
		w.identify(n)
	}
}

func (w *watcher) remove(n *node) {
	delete(w.present, n.key.path)
	if n.id == "" {
		return
	}
	if w.ids[n.id] == n.key.path {
		delete(w.ids, n.id)
	}
	w.log.Info("usblp: printer gone", "printer", n.id, "node", n.key.path)
	w.sink.Detach(n.id)
}

// identify reads the node's 1284 ID and VID:PID by ioctl, and sysfs.
func (w *watcher) identify(n *node) {
	path := n.key.path
	var rawID []byte
	var vid, pid uint16
	haveVIDPID := false
	var denied error
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	switch {
	case err == nil:
		rawID, _ = ioctlDeviceID(f)
		vid, pid, haveVIDPID = ioctlVIDPID(f)
		f.Close()
	case errors.Is(err, os.ErrPermission):
		denied = fmt.Errorf("open %s: %w: %s", path, err, accessHint)
	case errors.Is(err, syscall.EBUSY):
		// In use: sysfs still tells who it is.
	default:
		if !n.logged {
			w.log.Warn("usblp: cannot open printer node", "node", path, "err", err)
			n.logged = true
		}
		n.retryAt = time.Now().Add(5 * w.opt.Interval)
		return
	}
	s := readSysfs(w.opt.SysDir, path)
	p := describe(path, rawID, vid, pid, haveVIDPID, s)
	if other, ok := w.ids[p.ID]; ok && other != path {
		p.ID += "@" + filepath.Base(path)
	}
	bidir := s.protocol != 1 // unknown: try; a silent printer costs a status timeout
	tr := newTransport(w, n.key, p.Language, p.ID, bidir)
	if denied != nil {
		p.Status = usbid.NewStatus(usbid.ReasonAccessDenied)
		w.log.Error("usblp: no permission to open printer", "printer", p.ID, "err", denied)
		n.retryAt = time.Now().Add(5 * w.opt.Interval)
	}
	n.id = p.ID
	w.ids[p.ID] = path
	w.log.Info("usblp: printer found", "printer", p.ID, "name", p.Name, "language", p.Language, "node", path,
		"device_id", usbid.DecodeDeviceID(rawID), "sysfs", s.any)
	w.sink.Attach(p, tr)
	if denied == nil && !w.opt.NoInitialStatus && w.Begin() {
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

func ioctlDeviceID(f *os.File) ([]byte, error) {
	buf := make([]byte, deviceIDSize)
	var errno syscall.Errno
	err := control(f, func(fd uintptr) {
		_, _, errno = unix.Syscall(unix.SYS_IOCTL, fd, uintptr(lpiocGetDeviceID), uintptr(unsafe.Pointer(&buf[0])))
	})
	if err == nil && errno != 0 {
		err = errno
	}
	if err != nil {
		return nil, fmt.Errorf("LPIOC_GET_DEVICE_ID: %w", err)
	}
	// The answer carries its own length prefix; DecodeDeviceID reads it.
	return buf, nil
}

func ioctlVIDPID(f *os.File) (vid, pid uint16, ok bool) {
	var ids [2]int32
	var errno syscall.Errno
	err := control(f, func(fd uintptr) {
		_, _, errno = unix.Syscall(unix.SYS_IOCTL, fd, uintptr(lpiocGetVIDPID), uintptr(unsafe.Pointer(&ids[0])))
	})
	if err != nil || errno != 0 {
		return 0, 0, false
	}
	return uint16(ids[0]), uint16(ids[1]), true
}

func control(f *os.File, fn func(fd uintptr)) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	return rc.Control(fn)
}

// transport prints to one node. Send, QueryStatus and Close are
// usbid.Transport's; this type opens the node and classifies its errors.
type transport struct {
	*usbid.Transport[*port]

	w     *watcher
	key   nodeKey
	lang  string
	id    string
	bidir bool
}

func newTransport(w *watcher, key nodeKey, lang, id string, bidir bool) *transport {
	t := &transport{w: w, key: key, lang: lang, id: id, bidir: bidir}
	t.Transport = &usbid.Transport[*port]{Watcher: w, Open: t.open, Options: t.jobOptions,
		Gone: fmt.Errorf("printer %s: node %s is gone", id, key.path)}
	return t
}

func (t *transport) jobOptions(p *port) usbid.JobOptions {
	return usbid.JobOptions{
		Language: t.lang, Bidirectional: t.bidir,
		ChunkSize: t.w.opt.ChunkSize, ChunkTimeout: t.w.opt.ChunkTimeout, StatusTimeout: t.w.opt.StatusTimeout,
		PortStatus: p.portStatus, Classify: t.classify,
	}
}

// open opens the node for one operation, unless it was removed or replaced.
func (t *transport) open() (*port, func(), error) {
	if t.gone() {
		t.w.Nudge()
		return nil, nil, &printing.HoldError{Why: printing.ReasonDisconnected, Err: t.Gone}
	}
	f, err := os.OpenFile(t.key.path, os.O_RDWR|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, nil, t.classifyOpen(err)
	}
	return &port{f: f}, func() { f.Close() }, nil
}

// gone reports whether the node was removed or replaced (a new printer).
func (t *transport) gone() bool {
	k, err := statKey(t.key.path)
	return err != nil || k != t.key
}

func (t *transport) classifyOpen(err error) error {
	err = fmt.Errorf("printer %s: open %s: %w", t.id, t.key.path, err)
	switch {
	case errors.Is(err, os.ErrNotExist), errors.Is(err, syscall.ENODEV), errors.Is(err, syscall.ENXIO):
		t.w.Nudge()
		return &printing.HoldError{Why: printing.ReasonDisconnected, Err: err}
	case errors.Is(err, os.ErrPermission):
		return &printing.HoldError{Why: usbid.ReasonAccessDenied, Err: fmt.Errorf("%w: %s", err, accessHint)}
	case errors.Is(err, syscall.EBUSY):
		return &printing.HoldError{Why: usbid.ReasonDeviceBusy, Err: fmt.Errorf("%w: %s", err, busyHint)}
	}
	return err
}

// classify maps an I/O error of usblp: ENODEV once unplugged, ENOSPC for
// "out of paper" and EIO for "off-line" or "on fire" (usblp_check_status).
func (t *transport) classify(err error) error {
	err = fmt.Errorf("printer %s: %w", t.id, err)
	switch {
	case errors.Is(err, syscall.ENOSPC):
		return &printing.HoldError{Why: printing.ReasonPaperOut, Err: err}
	case errors.Is(err, syscall.ENODEV), errors.Is(err, syscall.ENXIO), t.gone():
		t.w.Nudge()
		return &printing.HoldError{Why: printing.ReasonDisconnected, Err: err}
	case errors.Is(err, syscall.EIO):
		return &printing.HoldError{Why: usbid.ReasonPrinterError, Err: err}
	}
	return err
}

// port is an open node: a usbid.Port with deadlines from the context
// (character devices that support poll, such as usblp and ptys, go through
// Go's poller).
type port struct {
	f *os.File
}

func (p *port) Write(ctx context.Context, b []byte) (int, error) {
	defer arm(ctx, p.f.SetWriteDeadline)()
	return p.f.Write(b)
}

func (p *port) Read(ctx context.Context, b []byte) (int, error) {
	defer arm(ctx, p.f.SetReadDeadline)()
	return p.f.Read(b)
}

// arm sets the deadline from ctx and moves it to the past if ctx ends
// first. Files without deadline support (os.ErrNoDeadline) block instead.
func arm(ctx context.Context, set func(time.Time) error) func() {
	dl, _ := ctx.Deadline()
	if err := set(dl); err != nil {
		return func() {}
	}
	stop := context.AfterFunc(ctx, func() { _ = set(time.Unix(1, 0)) })
	return func() { stop() }
}

// portStatus is LPGETSTATUS: usblp asks the printer for its port status.
func (p *port) portStatus(context.Context) (byte, error) {
	var v int32 // usblp writes a C int
	var errno syscall.Errno
	err := control(p.f, func(fd uintptr) {
		_, _, errno = unix.Syscall(unix.SYS_IOCTL, fd, lpGetStatus, uintptr(unsafe.Pointer(&v)))
	})
	if err == nil && errno != 0 {
		err = errno
	}
	if err != nil {
		return 0, fmt.Errorf("LPGETSTATUS: %w", err)
	}
	return byte(v), nil
}
