//go:build cgo && (linux || darwin) && !nolibusb

package usb

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/gousb"

	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/printing/usbid"
)

func alt(num int, class gousb.Class, proto gousb.Protocol, eps ...gousb.EndpointDesc) gousb.InterfaceSetting {
	m := map[gousb.EndpointAddress]gousb.EndpointDesc{}
	for _, e := range eps {
		m[e.Address] = e
	}
	return gousb.InterfaceSetting{Number: num, Class: class, Protocol: proto, Endpoints: m}
}

func bulk(addr gousb.EndpointAddress) gousb.EndpointDesc {
	dir := gousb.EndpointDirectionOut
	if addr&0x80 != 0 {
		dir = gousb.EndpointDirectionIn
	}
	return gousb.EndpointDesc{Address: addr, Number: int(addr & 0x0f), Direction: dir, TransferType: gousb.TransferTypeBulk, MaxPacketSize: 512}
}

func desc(vid, pid gousb.ID, alts ...gousb.InterfaceSetting) *gousb.DeviceDesc {
	var ifs []gousb.InterfaceDesc
	for _, a := range alts {
		ifs = append(ifs, gousb.InterfaceDesc{Number: a.Number, AltSettings: []gousb.InterfaceSetting{a}})
	}
	return &gousb.DeviceDesc{Vendor: vid, Product: pid, Configs: map[int]gousb.ConfigDesc{1: {Number: 1, Interfaces: ifs}}}
}

func TestPickInterface(t *testing.T) {
	t.Parallel()
	out, in := bulk(0x01), bulk(0x82)
	intr := gousb.EndpointDesc{Address: 0x83, Number: 3, Direction: gousb.EndpointDirectionIn, TransferType: gousb.TransferTypeInterrupt}
	tests := []struct {
		name  string
		d     *gousb.DeviceDesc
		ok    bool
		iface int
		out   int
		in    int
		bidir bool
	}{
		{"bidirectional printer", desc(0x0A5F, 0x80, alt(0, gousb.ClassPrinter, 2, out, in)), true, 0, 1, 2, true},
		{"unidirectional ignores its IN endpoint", desc(0x0416, 0x5011, alt(0, gousb.ClassPrinter, 1, out, in)), true, 0, 1, 0, false},
		{"bidirectional preferred on a composite", desc(0x1203, 0x230,
			alt(0, gousb.ClassMassStorage, 80, out, in), alt(1, gousb.ClassPrinter, 1, out), alt(2, gousb.ClassPrinter, 2, out, in)), true, 2, 1, 2, true},
		{"IPP over USB is not raw", desc(0x04B8, 1, alt(0, gousb.ClassPrinter, 4, out, in)), false, 0, 0, 0, false},
		{"1284.4 is not raw", desc(0x04B8, 1, alt(0, gousb.ClassPrinter, 3, out, in)), false, 0, 0, 0, false},
		{"printer without bulk OUT", desc(0x0A5F, 1, alt(0, gousb.ClassPrinter, 2, in)), false, 0, 0, 0, false},
		{"vendor-specific of a label vendor", desc(0x0A5F, 0x105, alt(0, gousb.ClassVendorSpec, 0, out, intr)), true, 0, 1, 0, false},
		{"vendor-specific of a clone id", desc(0x0483, 0x5743, alt(0, gousb.ClassVendorSpec, 0, out, in)), true, 0, 1, 2, true},
		{"vendor-specific of a scanner maker", desc(0x04B8, 0x142, alt(0, gousb.ClassVendorSpec, 0, out, in)), false, 0, 0, 0, false},
		{"HID", desc(0x046D, 0xC077, alt(0, gousb.ClassHID, 2, intr)), false, 0, 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, ok := pickInterface(tt.d)
			if ok != tt.ok {
				t.Fatalf("ok = %v", ok)
			}
			if ok && (c.iface != tt.iface || c.out != tt.out || c.in != tt.in || c.bidirectional() != tt.bidir || c.cfg != 1 || c.cfgIndex != 0) {
				t.Errorf("choice = %+v", c)
			}
		})
	}
}

func TestClassify(t *testing.T) {
	t.Parallel()
	w := &watcher{Loop: usbid.NewLoop(time.Second)}
	tr := &transport{w: w, id: "usb:0a5f:0080:X"}
	for _, tt := range []struct {
		name string
		err  error
		why  string
		hint string
	}{
		{"open access denied", fmt.Errorf("open: %w", gousb.ErrorAccess), "access_denied", accessHint},
		{"claim denied (gousb formats with %v)", fmt.Errorf("failed to claim interface 0: %v", gousb.ErrorAccess), "access_denied", accessHint},
		{"claim busy", fmt.Errorf("failed to claim interface 0 on x: %v", gousb.ErrorBusy), "device_busy", busyHint},
		{"gone before open", fmt.Errorf("open: %w", errGone), "disconnected", ""},
		{"no device", fmt.Errorf("Can't detach kernel driver: %v", gousb.ErrorNoDevice), "disconnected", ""},
		{"other", errors.New("boom"), "", ""},
	} {
		err := tr.classifyOpen("claim interface", tt.err)
		var h *printing.HoldError
		errors.As(err, &h)
		why := ""
		if h != nil {
			why = h.Why
		}
		if why != tt.why || !strings.Contains(err.Error(), tt.hint) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
	for _, err := range []error{gousb.TransferNoDevice, fmt.Errorf("x: %w", gousb.ErrorNoDevice)} {
		var h *printing.HoldError
		if !errors.As(tr.classify(err), &h) || h.Why != "disconnected" {
			t.Errorf("classify(%v) = %v", err, h)
		}
	}
	var h *printing.HoldError
	if errors.As(tr.classify(gousb.TransferStall), &h) {
		t.Errorf("a stall is not a hold: %v", h)
	}
	if !w.TakeNudge() {
		t.Error("a vanished device did not ask for a rescan")
	}
}
