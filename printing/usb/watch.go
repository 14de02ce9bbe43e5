//go:build cgo && (linux || darwin) && !nolibusb

package usb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"time"

	"github.com/google/gousb"

	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/printing/usbid"
)

// Watch finds USB printers and keeps sink up to date until ctx ends: it
// Attaches each printer as it appears (with a transport that prints to it),
// Detaches it when it is unplugged, and Detaches every printer before it
// returns. It returns nil once ctx ends, or an error when libusb cannot be
// used at all.
func Watch(ctx context.Context, sink Sink, opt Options) error {
	w, err := newWatcher(sink, opt)
	if err != nil {
		return err
	}
	defer w.close()
	w.Run(ctx, w.scan)
	return nil
}

// devKey is one plugged-in device: the address changes on every replug.
type devKey struct {
	bus, addr int
	vid, pid  gousb.ID
}

func (k devKey) String() string {
	return fmt.Sprintf("%s:%s at bus %d address %d", k.vid, k.pid, k.bus, k.addr)
}

// device is what the watcher knows about a present device.
type device struct {
	key     devKey
	id      string // "" while unidentified (a failed open is retried)
	tr      *transport
	denied  bool      // attached without access; identification is retried
	retryAt time.Time // next identification attempt
	logged  bool      // the failure was logged once
}

type watcher struct {
	uctx *gousb.Context
	sink Sink
	opt  Options
	log  *slog.Logger

	*usbid.Loop

	present map[devKey]*device // scan state: used by the scan goroutine only
	ids     map[string]devKey
}

// newContext opens libusb. gousb panics when libusb_init fails (no usbfs in a
// container, for one), so the panic is turned into an error.
func newContext() (c *gousb.Context, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("libusb init: %v", r)
		}
	}()
	return gousb.NewContext(), nil
}

func newWatcher(sink Sink, opt Options) (*watcher, error) {
	opt.Fill()
	uctx, err := newContext()
	if err != nil {
		return nil, fmt.Errorf("usb: %w", err)
	}
	return &watcher{
		uctx: uctx, sink: sink, opt: opt, log: opt.Logger, Loop: usbid.NewLoop(opt.Interval),
		present: map[devKey]*device{}, ids: map[string]devKey{},
	}, nil
}

// close detaches every printer, waits for work in flight and closes libusb.
func (w *watcher) close() {
	for _, d := range w.present {
		if d.id != "" {
			w.sink.Detach(d.id)
		}
	}
	w.Shutdown()
	if err := w.uctx.Close(); err != nil {
		w.log.Warn("usb: close libusb", "err", err)
	}
}

// scan lists the bus (from libusb's cached device list: no I/O) and acts on
// the difference with the last scan.
func (w *watcher) scan(ctx context.Context) {
	seen := map[devKey]*gousb.DeviceDesc{}
	_, err := w.uctx.OpenDevices(func(d *gousb.DeviceDesc) bool {
		if _, ok := pickInterface(d); ok {
			seen[keyOf(d)] = d
		}
		return false
	})
	if err != nil {
		w.log.Debug("usb: list devices", "err", err)
	}
	for k, d := range w.present {
		if _, ok := seen[k]; !ok {
			w.remove(d)
		}
	}
	keys := make([]devKey, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return keys[i].bus < keys[j].bus || keys[i].bus == keys[j].bus && keys[i].addr < keys[j].addr
	})
	now := time.Now()
	for _, k := range keys {
		if ctx.Err() != nil {
			return
		}
		d := w.present[k]
		if d == nil {
			d = &device{key: k}
			w.present[k] = d
		} else if d.id != "" && !d.denied || now.Before(d.retryAt) {
			continue
		}
		w.identify(d, seen[k])
	}
}

func keyOf(d *gousb.DeviceDesc) devKey {
	return devKey{bus: d.Bus, addr: d.Address, vid: d.Vendor, pid: d.Product}
}

func (w *watcher) remove(d *device) {
	delete(w.present, d.key)
	if d.id == "" {
		return
	}
	if w.ids[d.id] == d.key {
		delete(w.ids, d.id)
	}
	w.log.Info("usb: printer unplugged", "printer", d.id, "device", d.key.String())
	w.sink.Detach(d.id)
}

// choice is the interface a printer is driven through.
type choice struct {
	cfg, cfgIndex int // configuration value and its index (for GET_DEVICE_ID)
	iface, alt    int
	class         gousb.Class
	protocol      gousb.Protocol
	out, in       int // endpoint numbers; in == 0: no bulk IN
	inPacket      int // bulk IN max packet size
}

// bidirectional reports whether the printer can answer (it has a bulk IN).
func (c choice) bidirectional() bool { return c.in != 0 }

// pickInterface chooses the interface to print through: a printer-class
// interface (bidirectional protocol 2 first, then unidirectional 1; 1284.4
// and IPP-over-USB carry no raw commands), else a vendor-specific interface
// of a known label-printer vendor. It needs a bulk OUT endpoint.
func pickInterface(d *gousb.DeviceDesc) (choice, bool) {
	var best choice
	bestScore := 0
	cfgs := make([]int, 0, len(d.Configs))
	for n := range d.Configs {
		cfgs = append(cfgs, n)
	}
	slices.Sort(cfgs)
	for ci, n := range cfgs {
		for _, intf := range d.Configs[n].Interfaces {
			for _, alt := range intf.AltSettings {
				score := 0
				switch {
				case alt.Class == gousb.ClassPrinter && alt.Protocol == 2:
					score = 4
				case alt.Class == gousb.ClassPrinter && alt.Protocol == 1:
					score = 3
				case alt.Class == gousb.ClassVendorSpec && usbid.KnownPrinter(uint16(d.Vendor), uint16(d.Product)):
					score = 2
				}
				if score <= bestScore {
					continue
				}
				c := choice{cfg: n, cfgIndex: ci, iface: alt.Number, alt: alt.Alternate, class: alt.Class, protocol: alt.Protocol}
				for _, ep := range alt.Endpoints {
					if ep.TransferType != gousb.TransferTypeBulk {
						continue
					}
					if ep.Direction == gousb.EndpointDirectionOut && c.out == 0 {
						c.out = ep.Number
					}
					if ep.Direction == gousb.EndpointDirectionIn && c.in == 0 {
						c.in, c.inPacket = ep.Number, ep.MaxPacketSize
					}
				}
				if c.out == 0 {
					continue
				}
				if alt.Class == gousb.ClassPrinter && alt.Protocol == 1 {
					c.in = 0 // unidirectional: an IN endpoint, if any, is not for replies
				}
				best, bestScore = c, score
			}
		}
	}
	return best, bestScore > 0
}

// identity is what identification learnt about a device.
type identity struct {
	deviceID        usbid.DeviceID
	serial          string
	usbMfg, usbProd string
	denied          error // set when the device could not be opened for lack of permission
}

// identify opens the device, reads its strings and 1284 ID, and attaches it.
func (w *watcher) identify(d *device, desc *gousb.DeviceDesc) {
	ch, _ := pickInterface(desc)
	info, err := w.readIdentity(desc, ch)
	if err != nil {
		// Usually the device vanished between the scan and the open; try
		// again after a few scans.
		if !d.logged {
			w.log.Warn("usb: cannot identify device", "device", d.key.String(), "err", err)
			d.logged = true
		}
		d.retryAt = time.Now().Add(5 * w.opt.Interval)
		return
	}
	vid, pid := uint16(desc.Vendor), uint16(desc.Product)
	busPath := usbid.BusPath(desc.Bus, desc.Path)
	id := usbid.PrinterID(vid, pid, info.serial, busPath)
	if other, ok := w.ids[id]; ok && other != d.key {
		id += "@" + busPath // two devices with one serial (clones): keep both
	}
	name, vendor, model := usbid.Describe(info.deviceID, vid, pid, info.usbMfg, info.usbProd)
	lang := usbid.Language(info.deviceID, vid, pid)
	p := printing.Printer{
		ID: id, Name: name, Connection: printing.ConnUSB, Language: lang,
		Vendor: vendor, Model: model, DPI: usbid.DPIFromModel(model),
		Address: fmt.Sprintf("USB %s (bus %d, address %d)", busPath, desc.Bus, desc.Address),
		Status:  usbid.NewStatus(),
	}
	if info.denied != nil {
		p.Status = usbid.NewStatus(usbid.ReasonAccessDenied)
		if !d.logged {
			w.log.Error("usb: no permission to open printer", "printer", id, "err", info.denied)
			d.logged = true
		}
		d.retryAt = time.Now().Add(5 * w.opt.Interval)
	}
	if d.id != "" && d.id != id { // identified better after a permission fix
		w.sink.Detach(d.id)
		delete(w.ids, d.id)
	}
	wasDenied := d.denied
	d.denied = info.denied != nil
	if d.id == id && wasDenied == d.denied && d.tr != nil {
		return // still denied: nothing new
	}
	tr := newTransport(w, d.key, ch, lang, id)
	d.id, d.tr = id, tr
	w.ids[id] = d.key
	w.log.Info("usb: printer found", "printer", id, "name", name, "language", lang,
		"device", d.key.String(), "bidirectional", ch.bidirectional(), "device_id", info.deviceID.Raw)
	w.sink.Attach(p, tr)
	if info.denied == nil && !w.opt.NoInitialStatus {
		w.initialStatus(tr)
	}
}

// initialStatus asks a new printer for its status in the background, so the
// list shows "paper out" before the first job.
func (w *watcher) initialStatus(tr *transport) {
	if !w.Begin() {
		return
	}
	go func() {
		defer w.End()
		ctx, cancel := context.WithTimeout(w.Stopping(), 2*w.opt.StatusTimeout)
		defer cancel()
		st, err := tr.QueryStatus(ctx)
		if err != nil {
			w.log.Debug("usb: initial status", "printer", tr.id, "err", err)
			return
		}
		if !tr.Closed() {
			w.sink.SetStatus(tr.id, st)
		}
	}()
}

// readIdentity opens the device (without claiming anything) and reads its
// string descriptors and IEEE-1284 device ID. A permission error is returned
// in identity.denied, not as an error: the printer is still listed.
func (w *watcher) readIdentity(desc *gousb.DeviceDesc, ch choice) (identity, error) {
	var info identity
	dev, err := w.openDevice(keyOf(desc))
	if err != nil {
		if errors.Is(err, gousb.ErrorAccess) {
			info.denied = fmt.Errorf("open %s: %w: %s", keyOf(desc), err, accessHint)
			return info, nil
		}
		return info, err
	}
	defer dev.Close()
	dev.ControlTimeout = w.opt.StatusTimeout
	info.usbMfg, _ = dev.Manufacturer()
	info.usbProd, _ = dev.Product()
	info.serial, _ = dev.SerialNumber()
	buf := make([]byte, 1024)
	n, err := dev.Control(0xA1, 0, uint16(ch.cfgIndex), uint16(ch.iface<<8|ch.alt), buf)
	if err == nil && n > 0 {
		info.deviceID = usbid.ParseDeviceID(usbid.DecodeDeviceID(buf[:n]))
		if info.serial == "" {
			info.serial = info.deviceID.Serial
		}
	} else {
		info.deviceID = usbid.ParseDeviceID("")
	}
	return info, nil
}

// errGone: the device is no longer on the bus.
var errGone = errors.New("device is no longer connected")

// openDevice opens the device at key. The caller closes it.
func (w *watcher) openDevice(key devKey) (*gousb.Device, error) {
	found := false
	devs, err := w.uctx.OpenDevices(func(d *gousb.DeviceDesc) bool {
		if !found && keyOf(d) == key {
			found = true
			return true
		}
		return false
	})
	for _, d := range devs[min(1, len(devs)):] {
		_ = d.Close()
	}
	if len(devs) > 0 {
		return devs[0], nil
	}
	if !found {
		return nil, fmt.Errorf("open %s: %w", key, errGone)
	}
	return nil, fmt.Errorf("open %s: %w", key, err)
}
