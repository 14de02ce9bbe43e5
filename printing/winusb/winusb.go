// Package winusb prints to USB printers on Windows through their usbprint
// device interface, in pure Go (golang.org/x/sys/windows): no driver change,
// and it works beside the Windows spooler. (libusb, and so gousb, cannot open
// a printer bound to usbprint.sys; see docs/usb.md.)
//
// The app calls Watch once; it blocks until its context ends:
//
//	err := winusb.Watch(ctx, spooler, winusb.Options{Logger: log})
//
// Every Options.Interval it lists the present GUID_DEVINTERFACE_USBPRINT
// interfaces (CM_Get_Device_Interface_List). A new one is opened with
// CreateFile and identified by IOCTL_USBPRINT_GET_1284_ID; VID, PID and
// serial come from its path, so its id matches printing/usb's:
// "usb:0a5f:0080:SERIAL". Jobs are written with overlapped WriteFile, so
// timeouts and cancellation work; status replies are read back with
// ReadFile, and IOCTL_USBPRINT_GET_LPT_STATUS gives the port status.
//
// Elsewhere Watch returns an error wrapping errors.ErrUnsupported.
package winusb

import (
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

// Options tune Watch (see usbid.WatchOptions). Zero values take the defaults.
type Options = usbid.WatchOptions

// GUIDUSBPrint is GUID_DEVINTERFACE_USBPRINT (usbprint.h).
const GUIDUSBPrint = "{28D78FAD-5A12-11D1-AE5B-0000F803A8C2}"

// ctlCode is CTL_CODE(FILE_DEVICE_UNKNOWN, fn, METHOD_BUFFERED, FILE_ANY_ACCESS).
func ctlCode(fn uint32) uint32 {
	const fileDeviceUnknown = 0x22
	return fileDeviceUnknown<<16 | fn<<2
}

// usbprint.h IOCTLs (USBPRINT_IOCTL_INDEX 0).
var (
	ioctlGetLPTStatus = ctlCode(12) // IOCTL_USBPRINT_GET_LPT_STATUS 0x220030
	ioctlGet1284ID    = ctlCode(13) // IOCTL_USBPRINT_GET_1284_ID 0x220034
	ioctlSoftReset    = ctlCode(16) // IOCTL_USBPRINT_SOFT_RESET 0x220040
)

// ifacePath is what a usbprint interface path says about its device, e.g.
// \\?\USB#VID_0A5F&PID_0080#ZBR4401234#{28d78fad-5a12-11d1-ae5b-0000f803a8c2}
// or, for one function of a composite device,
// \\?\USB#VID_0A5F&PID_0080&MI_00#7&1a2b3c4d&0&0000#{28d78fad-…}.
type ifacePath struct {
	vid, pid uint16
	// instance is the device instance segment: the USB serial number for a
	// device that has one (and is not composite), else an id Windows derived
	// from where it is plugged in (it has '&' in it).
	instance string
	serial   bool // instance is the serial number
}

// parseIfacePath reads VID, PID and instance from an interface path. It
// reports false for a path that is not of a USB device.
func parseIfacePath(path string) (ifacePath, bool) {
	p := strings.TrimPrefix(strings.TrimPrefix(path, `\\?\`), `\\.\`)
	parts := strings.Split(p, "#")
	if len(parts) < 3 || !strings.EqualFold(parts[0], "USB") {
		return ifacePath{}, false
	}
	var ip ifacePath
	composite := false
	got := 0
	for _, f := range strings.Split(parts[1], "&") {
		k, v, ok := strings.Cut(f, "_")
		if !ok {
			continue
		}
		switch strings.ToUpper(k) {
		case "VID", "PID":
			n, err := strconv.ParseUint(v, 16, 16)
			if err != nil {
				return ifacePath{}, false
			}
			if strings.EqualFold(k, "VID") {
				ip.vid = uint16(n)
			} else {
				ip.pid = uint16(n)
			}
			got++
		case "MI":
			composite = true
		}
	}
	if got != 2 {
		return ifacePath{}, false
	}
	ip.instance = parts[2]
	ip.serial = !composite && !strings.Contains(ip.instance, "&") && ip.instance != ""
	return ip, true
}

// printerID is the stable id: as printing/usb's when the serial is known,
// else the location-derived instance id.
func (ip ifacePath) printerID() string {
	if ip.serial {
		return usbid.PrinterID(ip.vid, ip.pid, ip.instance, "")
	}
	return usbid.PrinterID(ip.vid, ip.pid, "", strings.ToLower(strings.ReplaceAll(ip.instance, "&", "-")))
}

// describe builds the printer from its path and 1284 ID.
func describe(path string, ip ifacePath, rawID []byte) printing.Printer {
	id := usbid.ParseDeviceID(usbid.DecodeDeviceID(rawID))
	pid := ip.printerID()
	if !ip.serial && id.Serial != "" {
		pid = usbid.PrinterID(ip.vid, ip.pid, id.Serial, "")
	}
	name, vendor, model := usbid.Describe(id, ip.vid, ip.pid, "", "")
	return printing.Printer{
		ID: pid, Name: name, Connection: printing.ConnUSB, Language: usbid.Language(id, ip.vid, ip.pid),
		Vendor: vendor, Model: model, DPI: usbid.DPIFromModel(model), Address: path,
		Status: usbid.NewStatus(),
	}
}
