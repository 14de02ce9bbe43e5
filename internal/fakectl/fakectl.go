// Package fakectl drives tools/fakeusb/fakeusb.py, the umockdev harness that
// fakes USB label printers, from the test process it started (the child
// that runs the real gousb code under LD_PRELOAD). The harness passes a pipe
// pair in FAKEUSB_FDS; each request is one JSON line, answered by one.
package fakectl

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
)

// EnvFDs is the variable the harness sets for its child.
const EnvFDs = "FAKEUSB_FDS"

// Client talks to the harness. It is safe for concurrent use.
type Client struct {
	mu sync.Mutex
	r  *bufio.Reader
	w  *os.File
}

// FromEnv connects to the harness that started this process.
func FromEnv() (*Client, error) {
	v := os.Getenv(EnvFDs)
	rs, ws, ok := strings.Cut(v, ",")
	if !ok {
		return nil, fmt.Errorf("fakectl: %s=%q: not started by tools/fakeusb/fakeusb.py", EnvFDs, v)
	}
	r, err1 := strconv.Atoi(rs)
	w, err2 := strconv.Atoi(ws)
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("fakectl: %s=%q: %w", EnvFDs, v, err)
	}
	return &Client{r: bufio.NewReader(os.NewFile(uintptr(r), "fakeusb-in")), w: os.NewFile(uintptr(w), "fakeusb-out")}, nil
}

// Close ends the conversation; the harness exits once the child does.
func (c *Client) Close() error { return c.w.Close() }

func (c *Client) call(req map[string]any, out any) error {
	b, err := json.Marshal(req)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, err := c.w.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("fakectl %s: %w", req["op"], err)
	}
	line, err := c.r.ReadBytes('\n')
	if err != nil {
		return fmt.Errorf("fakectl %s: %w", req["op"], err)
	}
	var rep struct {
		OK    bool   `json:"ok"`
		Error string `json:"error"`
	}
	if err := json.Unmarshal(line, &rep); err != nil {
		return fmt.Errorf("fakectl %s: reply %q: %w", req["op"], line, err)
	}
	if !rep.OK {
		return fmt.Errorf("fakectl %s: %s", req["op"], rep.Error)
	}
	if out != nil {
		return json.Unmarshal(line, out)
	}
	return nil
}

// Device describes a fake printer to plug in.
type Device struct {
	Name         string // the harness's handle for it
	VID, PID     uint16
	Serial       string // "": no iSerialNumber
	DeviceID     string // the 1284 ID; "": GET_DEVICE_ID stalls
	IDLittleEnd  bool   // send the ID's length prefix little-endian
	IfaceClass   int    // default 7 (printer); 255 vendor-specific; 3 HID
	Protocol     int    // default 2 (bidirectional); 1 unidirectional
	Lang         string // the status dialect it answers: zpl, tspl, epl, escpos
	Manufacturer string
	Product      string
	Port         int // root hub port; 0: a new one (kept on replug)
	// Initial state (Stall and UnplugAfter are ignored here).
	State State
}

// Plugged is where the harness put a device.
type Plugged struct {
	Bus    int    `json:"busnum"`
	Addr   int    `json:"devnum"`
	Port   int    `json:"port"`
	Sysfs  string `json:"sysfs"`
	Device Device `json:"-"`
}

// Plug adds a device; the harness sends the "add" uevent.
func (c *Client) Plug(d Device) (Plugged, error) {
	req := map[string]any{
		"op": "plug", "name": d.Name, "vid": d.VID, "pid": d.PID, "lang": d.Lang,
		"manufacturer": d.Manufacturer, "product": d.Product, "id_le": d.IDLittleEnd,
	}
	if d.Serial != "" {
		req["serial"] = d.Serial
	}
	if d.DeviceID != "" {
		req["device_id"] = d.DeviceID
	}
	if d.IfaceClass != 0 {
		req["iface_class"] = d.IfaceClass
	}
	if d.Protocol != 0 {
		req["protocol"] = d.Protocol
	}
	if d.Port != 0 {
		req["port"] = d.Port
	}
	d.State.put(req)
	var p Plugged
	err := c.call(req, &p)
	p.Device = d
	return p, err
}

// Unplug removes a device ("remove" uevent); its pending transfers fail.
func (c *Client) Unplug(name string) error {
	return c.call(map[string]any{"op": "unplug", "name": name}, nil)
}

// State changes a fake's condition. Nil fields are left as they are.
type State struct {
	PaperOut, HeadOpen, RibbonOut, Paused *bool
	// Silent stops status replies.
	Silent *bool
	// Stall holds bulk OUT transfers in flight until it is cleared.
	Stall *bool
	// UnplugAfter unplugs the printer once this many job bytes arrived.
	UnplugAfter *int
}

// Set changes a fake's state.
func (c *Client) Set(name string, s State) error {
	req := map[string]any{"op": "set", "name": name}
	s.put(req)
	if s.Stall != nil {
		req["stall"] = *s.Stall
	}
	if s.UnplugAfter != nil {
		req["unplug_after"] = *s.UnplugAfter
	}
	return c.call(req, nil)
}

func (s State) put(req map[string]any) {
	for k, v := range map[string]*bool{
		"paper_out": s.PaperOut, "head_open": s.HeadOpen, "ribbon_out": s.RibbonOut,
		"paused": s.Paused, "silent": s.Silent,
	} {
		if v != nil {
			req[k] = *v
		}
	}
}

// Capture returns the job bytes the fake received on bulk OUT (status
// queries excluded) and how many status queries it answered; reset empties
// the capture.
func (c *Client) Capture(name string, reset bool) (data []byte, queries int, err error) {
	var rep struct {
		Data    string `json:"data"`
		Queries int    `json:"queries"`
	}
	if err := c.call(map[string]any{"op": "capture", "name": name, "reset": reset}, &rep); err != nil {
		return nil, 0, err
	}
	data, err = base64.StdEncoding.DecodeString(rep.Data)
	return data, rep.Queries, err
}

// Stats counts what the fake saw.
type Stats struct {
	Claims    int  `json:"claims"`
	Releases  int  `json:"releases"`
	Detaches  int  `json:"detaches"` // usblp detached (USBDEVFS_DISCONNECT)
	Attaches  int  `json:"attaches"` // usblp re-attached (USBDEVFS_CONNECT)
	Bound     bool `json:"bound"`    // usblp bound now
	OutURBs   int  `json:"out_urbs"`
	InURBs    int  `json:"in_urbs"`
	Discards  int  `json:"discards"`
	Bytes     int  `json:"bytes"`
	Queries   int  `json:"queries"`
	Unplugged bool `json:"gone"`
}

// Stats returns a fake's counters.
func (c *Client) Stats(name string) (Stats, error) {
	var s Stats
	err := c.call(map[string]any{"op": "stats", "name": name}, &s)
	return s, err
}

// Bool and Int make State fields.
func Bool(b bool) *bool { return &b }

// Int makes a State field.
func Int(n int) *int { return &n }
