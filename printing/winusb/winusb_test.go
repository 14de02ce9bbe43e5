package winusb

import "testing"

func TestIoctlCodes(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		got, want uint32
	}{{ioctlGetLPTStatus, 0x220030}, {ioctlGet1284ID, 0x220034}, {ioctlSoftReset, 0x220040}} {
		if tt.got != tt.want {
			t.Errorf("ioctl %#x, want %#x", tt.got, tt.want)
		}
	}
}

func TestParseIfacePath(t *testing.T) {
	t.Parallel()
	tests := []struct {
		path   string
		ok     bool
		vid    uint16
		pid    uint16
		serial bool
		id     string
	}{
		{`\\?\USB#VID_0A5F&PID_0080#ZBR4401234#{28d78fad-5a12-11d1-ae5b-0000f803a8c2}`, true, 0x0A5F, 0x0080, true, "usb:0a5f:0080:ZBR4401234"},
		{`\\?\usb#vid_1203&pid_0230#6&2a1b3c4d&0&2#{28d78fad-5a12-11d1-ae5b-0000f803a8c2}`, true, 0x1203, 0x0230, false, "usb:1203:0230:6-2a1b3c4d-0-2"},
		{`\\?\USB#VID_0A5F&PID_0080&MI_00#7&1a2b3c4d&0&0000#{28d78fad-5a12-11d1-ae5b-0000f803a8c2}`, true, 0x0A5F, 0x0080, false, "usb:0a5f:0080:7-1a2b3c4d-0-0000"},
		{`\\?\HID#VID_046D&PID_C077#1#{...}`, false, 0, 0, false, ""},
		{`\\?\USB#VID_ZZZZ&PID_0080#X#{...}`, false, 0, 0, false, ""},
		{`\\?\USB#PID_0080#X#{...}`, false, 0, 0, false, ""},
		{`garbage`, false, 0, 0, false, ""},
	}
	for _, tt := range tests {
		ip, ok := parseIfacePath(tt.path)
		if ok != tt.ok {
			t.Errorf("%s: ok = %v", tt.path, ok)
			continue
		}
		if !ok {
			continue
		}
		if ip.vid != tt.vid || ip.pid != tt.pid || ip.serial != tt.serial || ip.printerID() != tt.id {
			t.Errorf("%s: %+v id %q", tt.path, ip, ip.printerID())
		}
	}
}

func TestDescribe(t *testing.T) {
	t.Parallel()
	path := `\\?\USB#VID_0A5F&PID_0080#ZBR1#{28d78fad-5a12-11d1-ae5b-0000f803a8c2}`
	ip, _ := parseIfacePath(path)
	p := describe(path, ip, append([]byte{0, 51}, "MFG:Zebra Technologies;CMD:ZPL;MDL:ZTC GK420d;"...))
	if p.ID != "usb:0a5f:0080:ZBR1" || p.Language != "zpl" || p.Name != "Zebra ZTC GK420d" || p.Connection != "usb" {
		t.Errorf("describe = %+v", p)
	}
	// A composite device without a serial in its path uses the 1284 SN.
	path = `\\?\USB#VID_1203&PID_0230&MI_00#7&1&0&0000#{28d78fad-5a12-11d1-ae5b-0000f803a8c2}`
	ip, _ = parseIfacePath(path)
	p = describe(path, ip, []byte("MFG:TSC;CMD:TSPL2;MDL:TE210;SN:T9;")) // no length prefix
	if p.ID != "usb:1203:0230:T9" || p.Language != "tspl" {
		t.Errorf("describe = %+v", p)
	}
}
