package browserprint

import (
	"net/http"
	"strings"

	"github.com/labelbridge/labelbridge/printing"
)

// Devices: how Labelbridge printers look to Browser Print, how a request's
// device is found, and the answers to status queries kept for /read.

// Device is a printer as Browser Print describes it.
type Device struct {
	Name         string `json:"name"`
	UID          string `json:"uid"`
	Connection   string `json:"connection"`
	DeviceType   string `json:"deviceType"`
	Version      int    `json:"version"`
	Provider     string `json:"provider"`
	Manufacturer string `json:"manufacturer"`
}

// UID is the Browser Print uid of a Labelbridge printer id.
func UID(printerID string) string { return strings.ReplaceAll(printerID, ":", "_") }

// DeviceOf describes a printer as a Browser Print device.
func DeviceOf(p printing.Printer) Device {
	conn := map[string]string{
		printing.ConnUSB: "usb", printing.ConnNetwork: "network",
		printing.ConnSpooler: "driver", printing.ConnVirtual: "driver",
	}[p.Connection]
	if conn == "" {
		conn = "driver"
	}
	maker := p.Vendor
	if maker == "" {
		maker = "Unknown"
	}
	return Device{
		Name: p.Name, UID: UID(p.ID), Connection: conn, DeviceType: "printer",
		Version: 3, Provider: Provider, Manufacturer: maker,
	}
}

// resolve finds the printer a device names: by uid, then by name; no device
// means the default printer.
func (h *Handler) resolve(d *Device) (printing.Printer, error) {
	printers := h.sp.Printers()
	if d == nil || (d.UID == "" && d.Name == "") {
		if p, ok := find(printers, h.sp.DefaultPrinter()); ok {
			return p, nil
		}
		return printing.Printer{}, fail(http.StatusNotFound, "no device given and there is no default printer")
	}
	for _, p := range printers {
		if d.UID != "" && (UID(p.ID) == d.UID || p.ID == d.UID) {
			return p, nil
		}
	}
	for _, p := range printers {
		if d.Name != "" && (p.Name == d.Name || strings.ReplaceAll(p.Name, ":", "-") == d.Name) {
			return p, nil
		}
	}
	return printing.Printer{}, fail(http.StatusNotFound, "printer %q (uid %q) not found: GET /available lists the printers", d.Name, d.UID)
}

func (h *Handler) printer(id string) (printing.Printer, bool) {
	return find(h.sp.Printers(), id)
}

func find(ps []printing.Printer, id string) (printing.Printer, bool) {
	for _, p := range ps {
		if p.ID == id {
			return p, true
		}
	}
	return printing.Printer{}, false
}

func (h *Handler) queueReply(origin, printer string, data []byte) {
	key := origin + "\x00" + printer
	h.mu.Lock()
	defer h.mu.Unlock()
	old, seen := h.replies[key]
	if !seen {
		h.order = append(h.order, key)
		if len(h.order) > maxReplyKeys {
			delete(h.replies, h.order[0])
			h.order = h.order[1:]
		}
	}
	buf := append(old, data...)
	if len(buf) > maxReplyBytes { // nobody reads: keep the newest answers
		buf = buf[len(buf)-maxReplyBytes:]
	}
	h.replies[key] = buf
}

func (h *Handler) takeReply(origin, printer string) []byte {
	key := origin + "\x00" + printer
	h.mu.Lock()
	defer h.mu.Unlock()
	data, ok := h.replies[key]
	if !ok {
		return nil
	}
	delete(h.replies, key)
	for i, k := range h.order {
		if k == key {
			h.order = append(h.order[:i], h.order[i+1:]...)
			break
		}
	}
	return data
}
