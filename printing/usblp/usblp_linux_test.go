//go:build linux

package usblp

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/printing/usbid"
)

func TestWatchLP(t *testing.T) {
	fs := fakeSys{root: t.TempDir()}
	pp := newPtyPrinter(t)
	fs.add(t, "lp0", pp.path, "1-2", zebraAttrs, zebraIntf)
	r := newLPRig(t, Options{DevGlob: fs.devGlob(), SysDir: fs.sysDir(), WatchOptions: usbid.WatchOptions{Interval: 50 * time.Millisecond, StatusTimeout: 500 * time.Millisecond}})
	const id = "usb:0a5f:0080:ZBR77"
	r.waitFor("attach", 2*time.Second, func() bool { return r.attached(id) })
	p, err := r.sp.Printer(id)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "Zebra ZTC GK420d" || p.Language != "zpl" || p.Connection != "usb" || !strings.Contains(p.Address, "1-2") {
		t.Errorf("printer = %+v", p)
	}

	t.Run("job byte for byte", func(t *testing.T) {
		data := binaryJob(200 << 10)
		j := r.submit(id, data)
		r.waitJob(j.ID, printing.JobDone, "")
		r.waitFor("all bytes", 2*time.Second, func() bool { return len(pp.job()) >= len(data) })
		if got := pp.job(); !bytes.Equal(got, data) {
			t.Fatalf("printer got %d bytes, want %d", len(got), len(data))
		}
		if pp.queries < 2 {
			t.Errorf("%d status queries, want before and after", pp.queries)
		}
	})

	t.Run("paper out held then done", func(t *testing.T) {
		before := len(pp.job())
		pp.setPaperOut(true)
		data := binaryJob(1000)
		j := r.submit(id, data)
		r.waitJob(j.ID, printing.JobHeld, "paper_out")
		if n := len(pp.job()) - before; n != 0 {
			t.Fatalf("%d bytes written while out of paper", n)
		}
		pp.setPaperOut(false)
		r.waitJob(j.ID, printing.JobDone, "")
		r.waitFor("all bytes", 2*time.Second, func() bool { return len(pp.job())-before >= len(data) })
		if got := pp.job()[before:]; !bytes.Equal(got, data) {
			t.Fatalf("printer got %d bytes", len(got))
		}
	})

	t.Run("unplug mid-job and replug", func(t *testing.T) {
		// The printer stops taking data; the job blocks; the printer is
		// unplugged: the node goes and the write fails.
		close(pp.stopRead)
		data := binaryJob(1 << 20)
		j := r.submit(id, data)
		r.waitJob(j.ID, printing.JobSending, "")
		fs.removeNode(t, "lp0")
		pp.unplug()
		r.waitJob(j.ID, printing.JobHeld, "disconnected")
		r.waitFor("detach", 2*time.Second, func() bool { return !r.attached(id) })

		pp2 := newPtyPrinter(t)
		fs.add(t, "lp1", pp2.path, "1-2", zebraAttrs, zebraIntf) // back as lp1, same serial
		r.waitJob(j.ID, printing.JobDone, "")
		r.waitFor("all bytes", 2*time.Second, func() bool { return len(pp2.job()) >= len(data) })
		if got := pp2.job(); !bytes.Equal(got, data) {
			t.Fatalf("after replug the printer got %d bytes, want %d", len(got), len(data))
		}
		r.mu.Lock()
		a, d := r.nAtt[id], r.nDet[id]
		r.mu.Unlock()
		if a != 2 || d != 1 {
			t.Errorf("attached %d, detached %d", a, d)
		}
	})
}

func TestWatchLPNoSysfs(t *testing.T) {
	// A node with no sysfs behind it and no ioctls: listed by its node name,
	// language unknown, and printable.
	fs := fakeSys{root: t.TempDir()}
	pp := newPtyPrinter(t)
	if err := os.MkdirAll(filepath.Join(fs.root, "dev", "usb"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(pp.path, filepath.Join(fs.root, "dev", "usb", "lp3")); err != nil {
		t.Fatal(err)
	}
	r := newLPRig(t, Options{DevGlob: fs.devGlob(), SysDir: fs.sysDir(), WatchOptions: usbid.WatchOptions{Interval: 50 * time.Millisecond,
		StatusTimeout: 100 * time.Millisecond, NoInitialStatus: true}})
	r.waitFor("attach", 2*time.Second, func() bool { return r.attached("usblp:lp3") })
	data := binaryJob(5000)
	j := r.submit("usblp:lp3", data)
	r.waitJob(j.ID, printing.JobDone, "")
	r.waitFor("all bytes", 2*time.Second, func() bool { return len(pp.job()) >= len(data) })
	if !bytes.Equal(pp.job(), data) {
		t.Fatal("job differs")
	}
}

func TestIoctlNumbers(t *testing.T) {
	// From linux/drivers/usb/class/usblp.c: LPIOC_GET_DEVICE_ID(len) is
	// _IOC(_IOC_READ, 'P', 1, len); LPIOC_GET_VID_PID(len) nr 6.
	if lpiocGetDeviceID != 0x84005001 {
		t.Errorf("LPIOC_GET_DEVICE_ID(1024) = %#x", lpiocGetDeviceID)
	}
	if lpiocGetVIDPID != 0x80085006 {
		t.Errorf("LPIOC_GET_VID_PID(8) = %#x", lpiocGetVIDPID)
	}
}

func TestReadSysfs(t *testing.T) {
	fs := fakeSys{root: t.TempDir()}
	fs.add(t, "lp0", "/dev/null", "3-1.4", map[string]string{"idVendor": "1203", "idProduct": "0230"},
		map[string]string{"ieee1284_id": "MANUFACTURER:TSC;COMMAND SET:TSPL2;MODEL:TE210;", "bInterfaceProtocol": "01"})
	s := readSysfs(fs.sysDir(), "/dev/usb/lp0")
	if !s.haveVIDPID || s.vid != 0x1203 || s.pid != 0x0230 || s.busPath != "3-1.4" || s.protocol != 1 || s.serial != "" {
		t.Errorf("readSysfs = %+v", s)
	}
	p := describe("/dev/usb/lp0", nil, 0, 0, false, s)
	if p.ID != "usb:1203:0230:3-1.4" || p.Language != "tspl" || p.Name != "TSC TE210" {
		t.Errorf("describe = %+v", p)
	}
	// The ioctl's ID (with its length prefix) wins over sysfs.
	raw := append([]byte{0, 30}, "MFG:Zebra;CMD:EPL2;MDL:LP2844"...)
	p = describe("/dev/usb/lp0", raw, 0x0A5F, 0x000A, true, sysInfo{})
	if p.ID != "usblp:lp0" || p.Language != "epl" {
		t.Errorf("describe from ioctl = %+v", p)
	}
	if s := readSysfs(t.TempDir(), "/dev/usb/lp9"); s.any {
		t.Errorf("empty sysfs read %+v", s)
	}
}

func TestClassifyOpen(t *testing.T) {
	w := newWatcher(nil, Options{})
	tr := &transport{w: w, id: "usb:x", key: nodeKey{path: "/nonexistent/lp0"}}
	for _, tt := range []struct {
		err  error
		why  string
		hint string
	}{
		{&os.PathError{Op: "open", Path: "/dev/usb/lp0", Err: syscall.EACCES}, "access_denied", "group lp"},
		{&os.PathError{Op: "open", Path: "/dev/usb/lp0", Err: syscall.EBUSY}, "device_busy", "CUPS"},
		{&os.PathError{Op: "open", Path: "/dev/usb/lp0", Err: syscall.ENOENT}, "disconnected", ""},
	} {
		err := tr.classifyOpen(tt.err)
		var h *printing.HoldError
		if !errors.As(err, &h) || h.Why != tt.why || !strings.Contains(err.Error(), tt.hint) {
			t.Errorf("classifyOpen(%v) = %v", tt.err, err)
		}
	}
	for _, tt := range []struct {
		err error
		why string
	}{
		{syscall.ENOSPC, "paper_out"}, {syscall.EIO, "disconnected"}, // the node is gone here
	} {
		var h *printing.HoldError
		if err := tr.classify(tt.err); !errors.As(err, &h) || h.Why != tt.why {
			t.Errorf("classify(%v) = %v", tt.err, err)
		}
	}
}
