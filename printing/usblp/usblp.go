// Package usblp prints to USB printers through the Linux usblp kernel driver
// (/dev/usb/lp0, lp1, …) in pure Go: no cgo, no libusb. Use it where
// printing/usb (libusb) is not built or libusb is missing. Do not run both
// on one machine: they would fight over the same printers (libusb detaches
// usblp while it prints, which makes /dev/usb/lpN disappear).
//
// The app calls WatchLP once; it blocks until its context ends:
//
//	err := usblp.WatchLP(ctx, spooler, usblp.Options{Logger: log})
//
// Every Options.Interval it lists /dev/usb/lp*. A new node is identified by
// the LPIOC_GET_DEVICE_ID ioctl (the IEEE-1284 ID: manufacturer, model,
// command set) and its sysfs device (VID, PID, serial, bus path, protocol),
// so it gets the same id as with printing/usb: "usb:VID:PID:SERIAL". Jobs
// are written with deadlines through Go's poller; status replies are read
// back from bidirectional printers in their language, and LPGETSTATUS gives
// the port status of the others.
//
// The node needs read-write access: Debian gives /dev/usb/lp* to group lp,
// so add the user to it (see docs/usb.md).
package usblp

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/printing/usbid"
)

// Sink receives printers as they come and go. *printing.Spooler implements it.
type Sink interface {
	Attach(p printing.Printer, t printing.Transport)
	Detach(id string)
	SetStatus(id string, st printing.Status)
}

var _ Sink = (*printing.Spooler)(nil)

// Options tune WatchLP. Zero values take the defaults.
type Options struct {
	usbid.WatchOptions
	// DevGlob lists the printer nodes (default "/dev/usb/lp*"). Tests point
	// it at ptys.
	DevGlob string
	// SysDir is where sysfs is mounted (default "/sys").
	SysDir string
}

func (o *Options) fill() {
	o.WatchOptions.Fill()
	if o.DevGlob == "" {
		o.DevGlob = "/dev/usb/lp*"
	}
	if o.SysDir == "" {
		o.SysDir = "/sys"
	}
}

// ioctl numbers of usblp (linux/drivers/usb/class/usblp.c, linux/lp.h):
// _IOC(_IOC_READ, 'P', nr, size) = 2<<30 | size<<16 | 'P'<<8 | nr.
func iocRead(nr, size uint) uint { return 2<<30 | size<<16 | 'P'<<8 | nr }

// deviceIDSize is usblp's USBLP_DEVICE_ID_SIZE.
const deviceIDSize = 1024

var (
	lpiocGetDeviceID = iocRead(1, deviceIDSize) // LPIOC_GET_DEVICE_ID(1024)
	lpiocGetVIDPID   = iocRead(6, 8)            // LPIOC_GET_VID_PID: two ints
)

// lpGetStatus is LPGETSTATUS from linux/lp.h: the port status byte, as an int.
const lpGetStatus = 0x060b

// sysInfo is what sysfs says about a usblp node.
type sysInfo struct {
	vid, pid        uint16
	serial          string
	busPath         string // the USB device's sysfs name, e.g. "1-2.3"
	manufacturer    string
	product         string
	deviceID        string // the interface's ieee1284_id attribute
	protocol        int    // bInterfaceProtocol: 1 unidirectional, 2 bidirectional; 0 unknown
	bus, devnum     int
	haveVIDPID, any bool
}

// readSysfs reads sysDir/class/usbmisc/<lpN>/device (the printer interface)
// and its parent (the USB device). Missing files leave fields empty.
func readSysfs(sysDir, node string) sysInfo {
	var s sysInfo
	intf, err := filepath.EvalSymlinks(filepath.Join(sysDir, "class", "usbmisc", filepath.Base(node), "device"))
	if err != nil {
		return s
	}
	dev := filepath.Dir(intf)
	read := func(dir, name string) string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return ""
		}
		s.any = true
		return strings.TrimSpace(string(b))
	}
	hex16 := func(v string) (uint16, bool) {
		n, err := strconv.ParseUint(v, 16, 16)
		return uint16(n), err == nil
	}
	v, ok1 := hex16(read(dev, "idVendor"))
	p, ok2 := hex16(read(dev, "idProduct"))
	if ok1 && ok2 {
		s.vid, s.pid, s.haveVIDPID = v, p, true
	}
	s.serial = read(dev, "serial")
	s.manufacturer = read(dev, "manufacturer")
	s.product = read(dev, "product")
	s.bus, _ = strconv.Atoi(read(dev, "busnum"))
	s.devnum, _ = strconv.Atoi(read(dev, "devnum"))
	if base := filepath.Base(dev); strings.Contains(base, "-") {
		s.busPath = base
	}
	s.deviceID = read(intf, "ieee1284_id")
	s.protocol, _ = strconv.Atoi(strings.TrimLeft(read(intf, "bInterfaceProtocol"), "0"))
	return s
}

// describe builds the printer from what the ioctls and sysfs said.
func describe(node string, rawID []byte, vid, pid uint16, haveVIDPID bool, s sysInfo) printing.Printer {
	idText := s.deviceID
	if len(rawID) > 0 {
		idText = usbid.DecodeDeviceID(rawID)
	}
	id := usbid.ParseDeviceID(idText)
	if !haveVIDPID && s.haveVIDPID {
		vid, pid, haveVIDPID = s.vid, s.pid, true
	}
	serial := firstNonEmpty(s.serial, id.Serial)
	var pid0 string
	switch {
	case haveVIDPID && (serial != "" || s.busPath != ""):
		pid0 = usbid.PrinterID(vid, pid, serial, s.busPath)
	default:
		pid0 = "usblp:" + filepath.Base(node) // nothing stable known
	}
	name, vendor, model := usbid.Describe(id, vid, pid, s.manufacturer, s.product)
	addr := node
	if s.busPath != "" {
		addr = node + " (USB " + s.busPath + ")"
	}
	return printing.Printer{
		ID: pid0, Name: name, Connection: printing.ConnUSB, Language: usbid.Language(id, vid, pid),
		Vendor: vendor, Model: model, DPI: usbid.DPIFromModel(model), Address: addr,
		Status: usbid.NewStatus(),
	}
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}
