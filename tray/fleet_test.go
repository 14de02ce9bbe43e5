package tray

import (
	"slices"
	"strings"
	"testing"
)

func TestFleetMenu(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		in        Fleet
		want      FleetMenu
		attention string
	}{
		{"none configured", Fleet{}, FleetMenu{}, ""},
		{"connected", Fleet{Configured: true, State: "connected", Broker: "mq.example"},
			FleetMenu{Show: true, Line: "Fleet: connected to mq.example", PauseLabel: LabelFleetPause, PauseEnabled: true, OnLabel: LabelFleetOff}, ""},
		{"connecting", Fleet{Configured: true, State: "connecting", Broker: "mq.example"},
			FleetMenu{Show: true, Line: "Fleet: connecting to mq.example…", PauseLabel: LabelFleetPause, PauseEnabled: true, OnLabel: LabelFleetOff}, ""},
		{"unreachable", Fleet{Configured: true, State: "disconnected", Broker: "mq.example", Error: "refused"},
			FleetMenu{Show: true, Line: "Fleet: cannot reach mq.example (retrying)", PauseLabel: LabelFleetPause, PauseEnabled: true, OnLabel: LabelFleetOff},
			"fleet broker mq.example unreachable"},
		{"paused", Fleet{Configured: true, State: "paused", Broker: "mq.example"},
			FleetMenu{Show: true, Line: "Fleet: paused", PauseLabel: LabelFleetResume, PauseEnabled: true, OnLabel: LabelFleetOff}, "fleet connection paused"},
		{"off", Fleet{Configured: true, State: "off", Broker: "mq.example"},
			FleetMenu{Show: true, Line: "Fleet: off", PauseLabel: LabelFleetPause, OnLabel: LabelFleetOn}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := menuFor(Status{Fleet: c.in})
			if m.Fleet != c.want {
				t.Fatalf("got  %+v\nwant %+v", m.Fleet, c.want)
			}
			why := attentionReasons(Status{Fleet: c.in})
			if c.attention == "" {
				if len(why) > 0 || m.Icon == Attention {
					t.Fatalf("attention %v", why)
				}
				return
			}
			if !slices.Contains(why, c.attention) || m.Icon != Attention || !strings.Contains(m.Tooltip, c.attention) {
				t.Fatalf("attention %v, icon %v, tooltip %q: want %q", why, m.Icon, m.Tooltip, c.attention)
			}
		})
	}
}
