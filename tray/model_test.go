package tray

import (
	"reflect"
	"strings"
	"testing"
)

func TestMenuFor(t *testing.T) {
	t.Parallel()
	two := []Printer{
		{ID: "virtual", Name: "Virtual printer", Default: true},
		{ID: "net:10.0.0.5:9100", Name: "Dock printer"},
	}
	tests := []struct {
		name  string
		in    Status
		check func(t *testing.T, m Menu)
	}{
		{
			name: "idle with two printers",
			in:   Status{Printers: two, Version: "1.2.0", StartAtLoginSupported: true, StartAtLogin: true},
			check: func(t *testing.T, m Menu) {
				want := Menu{
					Icon: Idle, Tooltip: "Labelbridge: idle · 2 printers · no jobs queued",
					StatusLine: "2 printers · no jobs queued",
					Printers: []PrinterItem{
						{ID: "virtual", Label: "Virtual printer", Checked: true},
						{ID: "net:10.0.0.5:9100", Label: "Dock printer"},
					},
					PauseLabel: "Pause printing", StartAtLogin: true, StartAtLoginEnabled: true, VersionLine: "Labelbridge v1.2.0",
				}
				if !reflect.DeepEqual(m, want) {
					t.Fatalf("got  %+v\nwant %+v", m, want)
				}
			},
		},
		{
			name: "printing",
			in:   Status{Printers: append(two, Printer{ID: "usb:1", Name: "ZD421"}), QueuedJobs: 2},
			check: func(t *testing.T, m Menu) {
				expect(t, m.Icon, Printing)
				expect(t, m.StatusLine, "3 printers · 2 jobs queued")
				expect(t, m.Tooltip, "Labelbridge: printing · 3 printers · 2 jobs queued")
			},
		},
		{
			name: "one of each",
			in:   Status{Printers: two[:1], QueuedJobs: 1},
			check: func(t *testing.T, m Menu) {
				expect(t, m.StatusLine, "1 printer · 1 job queued")
			},
		},
		{
			name: "paused needs attention and offers resume",
			in:   Status{Printers: two, Paused: true, QueuedJobs: 3, HeldJobs: 3},
			check: func(t *testing.T, m Menu) {
				expect(t, m.Icon, Attention)
				expect(t, m.PauseLabel, "Resume printing")
				expect(t, m.StatusLine, "2 printers · 3 jobs queued · paused")
				expect(t, m.Tooltip, "Labelbridge: needs attention (printing is paused; 3 jobs held)")
			},
		},
		{
			name: "sites waiting are shown with their count",
			in:   Status{Printers: two, PendingSites: 2},
			check: func(t *testing.T, m Menu) {
				expect(t, m.Icon, Attention)
				expect(t, m.ShowSites, true)
				expect(t, m.SitesLabel, "Sites waiting for approval (2)")
				expect(t, m.Tooltip, "Labelbridge: needs attention (2 sites waiting for approval)")
			},
		},
		{
			name: "no sites waiting hides the entry",
			in:   Status{Printers: two},
			check: func(t *testing.T, m Menu) {
				expect(t, m.ShowSites, false)
				expect(t, m.SitesLabel, "")
			},
		},
		{
			name: "offline printer is marked and its problem explains the icon",
			in: Status{Printers: []Printer{{ID: "usb:1", Name: "ZD421", Default: true, Offline: true}},
				Problems: []string{"ZD421 is offline"}},
			check: func(t *testing.T, m Menu) {
				expect(t, m.Printers[0], PrinterItem{ID: "usb:1", Label: "ZD421 (offline)", Checked: true})
				expect(t, m.Icon, Attention)
				expect(t, m.Tooltip, "Labelbridge: needs attention (ZD421 is offline)")
			},
		},
		{
			name: "a printer without a name shows its id",
			in:   Status{Printers: []Printer{{ID: "usb:0a5f:0164:XYZ"}}},
			check: func(t *testing.T, m Menu) {
				expect(t, m.Printers[0].Label, "usb:0a5f:0164:XYZ")
			},
		},
		{
			name: "start at login unsupported is unchecked and greyed",
			in:   Status{StartAtLogin: true, StartAtLoginSupported: false},
			check: func(t *testing.T, m Menu) {
				expect(t, m.StartAtLogin, false)
				expect(t, m.StartAtLoginEnabled, false)
			},
		},
		{
			name: "dev and empty versions",
			in:   Status{Version: "dev"},
			check: func(t *testing.T, m Menu) {
				expect(t, m.VersionLine, "Labelbridge dev")
				expect(t, menuFor(Status{}, en).VersionLine, "Labelbridge (unknown version)")
			},
		},
		{
			name: "no printers",
			in:   Status{},
			check: func(t *testing.T, m Menu) {
				expect(t, m.StatusLine, "0 printers · no jobs queued")
				if m.Printers != nil {
					t.Fatalf("printers: %v", m.Printers)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.check(t, menuFor(tt.in, en))
		})
	}
}

func expect[T comparable](t *testing.T, got, want T) {
	t.Helper()
	if got != want {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestTooltipUsesTheIconWords(t *testing.T) {
	t.Parallel()
	for _, s := range []Status{{}, {QueuedJobs: 1}, {Paused: true}} {
		m := menuFor(s, en)
		if !strings.HasPrefix(m.Tooltip, "Labelbridge: "+m.Icon.String()) {
			t.Errorf("tooltip %q does not start with the icon's word %q", m.Tooltip, m.Icon)
		}
	}
}

func TestEveryIconStateHasAFile(t *testing.T) {
	t.Parallel()
	for _, i := range []Icon{Idle, Printing, Attention} {
		b, err := iconBytes(i)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) < 100 {
			t.Fatalf("%s icon is %d bytes", i, len(b))
		}
	}
}

func TestOpenURLRefusesOtherSchemes(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"file:///etc/passwd", "javascript:alert(1)", "-n http://x"} {
		if err := OpenURL(u); err == nil {
			t.Errorf("OpenURL(%q) opened it", u)
		}
	}
}
