//go:build linux

package usblp

// umockdev cannot intercept Go's own syscalls, so these tests give WatchLP an
// injected node instead: a pty in raw mode stands for /dev/usb/lp0 (a
// pollable character device, like usblp's), a goroutine on its master side
// plays the printer (it keeps job bytes and answers ~HQES), and a temp dir
// stands for sysfs. The ioctls answer ENOTTY on a pty, so identification
// falls back to sysfs's ieee1284_id, as it does when usblp refuses them.

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/printing/store"
	"github.com/labelbridge/labelbridge/printing/usbid"
)

// ptyPrinter is a fake ZPL printer behind a pty.
type ptyPrinter struct {
	master, slave *os.File
	path          string // /dev/pts/N

	mu       sync.Mutex
	data     bytes.Buffer
	pending  []byte
	queries  int
	paperOut bool
	stopRead chan struct{} // closed: stop taking data (the buffer fills)
	closed   bool
	changed  chan struct{}
}

func newPtyPrinter(t *testing.T) *ptyPrinter {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no ptys here: %v", err)
	}
	fd := int(m.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetUint32(fd, unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/dev/pts/%d", n)
	s, err := os.OpenFile(path, os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	tio, err := unix.IoctlGetTermios(int(s.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	// cfmakeraw: the link must carry every byte value unchanged.
	tio.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	tio.Oflag &^= unix.OPOST
	tio.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	tio.Cflag &^= unix.CSIZE | unix.PARENB
	tio.Cflag |= unix.CS8
	tio.Cc[unix.VMIN], tio.Cc[unix.VTIME] = 1, 0
	if err := unix.IoctlSetTermios(int(s.Fd()), unix.TCSETS, tio); err != nil {
		t.Fatal(err)
	}
	p := &ptyPrinter{master: m, slave: s, path: path, stopRead: make(chan struct{}), changed: make(chan struct{})}
	go p.serve()
	t.Cleanup(p.unplug)
	return p
}

// serve reads what the host writes: status queries get a reply, the rest is
// the job.
func (p *ptyPrinter) serve() {
	buf := make([]byte, 32<<10)
	for {
		select {
		case <-p.stopRead:
			return
		default:
		}
		n, err := p.master.Read(buf)
		p.mu.Lock()
		p.pending = append(p.pending, buf[:n]...)
		for {
			i := bytes.Index(p.pending, usbid.ZPLQuery)
			if i < 0 {
				break
			}
			p.data.Write(p.pending[:i])
			p.pending = p.pending[i+len(usbid.ZPLQuery):]
			p.queries++
			e := 0
			if p.paperOut {
				e = 1
			}
			fmt.Fprintf(p.master, "\x02\r\n PRINTER STATUS\r\n ERRORS: %d 00000000 %08X\r\n WARNINGS: 0 00000000 00000000\r\n\x03\r\n", e, e)
		}
		// keep a tail that may be the start of a query
		if keep := len(usbid.ZPLQuery) - 1; len(p.pending) > keep {
			p.data.Write(p.pending[:len(p.pending)-keep])
			p.pending = p.pending[len(p.pending)-keep:]
		}
		close(p.changed)
		p.changed = make(chan struct{})
		p.mu.Unlock()
		if err != nil {
			return
		}
	}
}

// job returns the job bytes received so far (a trailing partial query aside).
func (p *ptyPrinter) job() []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append(append([]byte(nil), p.data.Bytes()...), p.pending...)
}

func (p *ptyPrinter) setPaperOut(v bool) {
	p.mu.Lock()
	p.paperOut = v
	p.mu.Unlock()
}

func (p *ptyPrinter) unplug() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.closed {
		p.closed = true
		p.master.Close()
		p.slave.Close()
	}
}

// fakeSys builds the sysfs of one usblp printer and points dev/usb/<lp> at
// the pty.
type fakeSys struct {
	root string
}

func (f fakeSys) devGlob() string { return filepath.Join(f.root, "dev", "usb", "lp*") }
func (f fakeSys) sysDir() string  { return filepath.Join(f.root, "sys") }

func (f fakeSys) add(t *testing.T, lp, ptyPath, busPath string, attrs, intfAttrs map[string]string) {
	t.Helper()
	dev := filepath.Join(f.root, "sys", "devices", "pci0000:00", "0000:00:14.0", "usb1", busPath)
	intf := filepath.Join(dev, busPath+":1.0")
	class := filepath.Join(f.root, "sys", "class", "usbmisc", lp)
	for _, d := range []string{intf, class, filepath.Join(f.root, "dev", "usb")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(dir string, m map[string]string) {
		for k, v := range m {
			if err := os.WriteFile(filepath.Join(dir, k), []byte(v+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	write(dev, attrs)
	write(intf, intfAttrs)
	link := filepath.Join(class, "device")
	_ = os.Remove(link)
	if err := os.Symlink(intf, link); err != nil {
		t.Fatal(err)
	}
	node := filepath.Join(f.root, "dev", "usb", lp)
	_ = os.Remove(node)
	if err := os.Symlink(ptyPath, node); err != nil {
		t.Fatal(err)
	}
}

func (f fakeSys) removeNode(t *testing.T, lp string) {
	t.Helper()
	if err := os.Remove(filepath.Join(f.root, "dev", "usb", lp)); err != nil {
		t.Fatal(err)
	}
}

var zebraAttrs = map[string]string{
	"idVendor": "0a5f", "idProduct": "0080", "serial": "ZBR77", "manufacturer": "Zebra Technologies",
	"product": "ZTC GK420d", "busnum": "1", "devnum": "5",
}

var zebraIntf = map[string]string{
	"ieee1284_id":        "MFG:Zebra Technologies;CMD:ZPL;MDL:ZTC GK420d;CLS:PRINTER;",
	"bInterfaceProtocol": "02",
}

// lpRig runs WatchLP with a real spooler and store.
type lpRig struct {
	t    *testing.T
	sp   *printing.Spooler
	mu   sync.Mutex
	att  map[string]printing.Transport
	nAtt map[string]int
	nDet map[string]int
	ch   chan struct{}
}

func (r *lpRig) Attach(p printing.Printer, t printing.Transport) {
	r.sp.Attach(p, t)
	r.mu.Lock()
	r.att[p.ID] = t
	r.nAtt[p.ID]++
	r.mu.Unlock()
	r.poke()
}

func (r *lpRig) Detach(id string) {
	r.sp.Detach(id)
	r.mu.Lock()
	delete(r.att, id)
	r.nDet[id]++
	r.mu.Unlock()
	r.poke()
}

func (r *lpRig) SetStatus(id string, st printing.Status) { r.sp.SetStatus(id, st); r.poke() }

func (r *lpRig) poke() {
	r.mu.Lock()
	close(r.ch)
	r.ch = make(chan struct{})
	r.mu.Unlock()
}

func newLPRig(t *testing.T, opt Options) *lpRig {
	st, err := store.Open(filepath.Join(t.TempDir(), "jobs.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	sp := printing.New(st, nil, printing.Options{RetryMin: 50 * time.Millisecond, RetryMax: 200 * time.Millisecond,
		StatusEvery: 100 * time.Millisecond, HoldTimeout: -1})
	if err := sp.Start(); err != nil {
		t.Fatal(err)
	}
	r := &lpRig{t: t, sp: sp, att: map[string]printing.Transport{}, nAtt: map[string]int{}, nDet: map[string]int{}, ch: make(chan struct{})}
	sub := sp.Subscribe(4096)
	go func() {
		for range sub.C {
			r.poke()
		}
	}()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- WatchLP(ctx, r, opt) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
		r.mu.Lock()
		left := len(r.att)
		r.mu.Unlock()
		if left != 0 {
			t.Errorf("%d printers still attached after WatchLP returned", left)
		}
		sctx, c := context.WithTimeout(context.Background(), 5*time.Second)
		defer c()
		_ = sp.Stop(sctx)
		sub.Close()
		_ = st.Close()
	})
	return r
}

func (r *lpRig) waitFor(what string, d time.Duration, cond func() bool) {
	r.t.Helper()
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		r.mu.Lock()
		ch := r.ch
		r.mu.Unlock()
		if cond() {
			return
		}
		select {
		case <-ch:
		case <-tick.C:
		case <-deadline.C:
			r.t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func (r *lpRig) attached(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.att[id] != nil
}

func (r *lpRig) job(id string) printing.Job {
	j, err := r.sp.Job(id)
	if err != nil {
		r.t.Fatal(err)
	}
	return j
}

func (r *lpRig) waitJob(id string, state printing.JobState, reason string) printing.Job {
	r.t.Helper()
	var j printing.Job
	r.waitFor(fmt.Sprintf("job %s %s %s", id, state, reason), 10*time.Second, func() bool {
		j = r.job(id)
		return j.State == state && (reason == "" || j.Reason == reason)
	})
	return j
}

func (r *lpRig) submit(id string, data []byte) printing.Job {
	r.t.Helper()
	res, err := r.sp.SubmitWait(context.Background(), printing.Request{Printer: id, Origin: "test", Raw: data})
	if err != nil {
		r.t.Fatal(err)
	}
	return res.Job
}

func binaryJob(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	copy(b, "^XA^FDusblp^FS^XZ\n")
	return b
}
