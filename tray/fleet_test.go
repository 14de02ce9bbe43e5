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
			FleetMenu{Show: true, Line: "Fleet: connected to mq.example", PauseLabel: "Pause fleet connection", PauseEnabled: true, OnLabel: "Turn off fleet connection"}, ""},
		{"connecting", Fleet{Configured: true, State: "connecting", Broker: "mq.example"},
			FleetMenu{Show: true, Line: "Fleet: connecting to mq.example…", PauseLabel: "Pause fleet connection", PauseEnabled: true, OnLabel: "Turn off fleet connection"}, ""},
		{"unreachable", Fleet{Configured: true, State: "disconnected", Broker: "mq.example", Error: "refused"},
			FleetMenu{Show: true, Line: "Fleet: cannot reach mq.example (retrying)", PauseLabel: "Pause fleet connection", PauseEnabled: true, OnLabel: "Turn off fleet connection"},
			"fleet broker mq.example unreachable"},
		{"paused", Fleet{Configured: true, State: "paused", Broker: "mq.example"},
			FleetMenu{Show: true, Line: "Fleet: paused", Paused: true, PauseLabel: "Resume fleet connection", PauseEnabled: true, OnLabel: "Turn off fleet connection"}, "fleet connection paused"},
		{"off", Fleet{Configured: true, State: "off", Broker: "mq.example"},
			FleetMenu{Show: true, Line: "Fleet: off", PauseLabel: "Pause fleet connection", Off: true, OnLabel: "Turn on fleet connection"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := menuFor(Status{Fleet: c.in}, en)
			if m.Fleet != c.want {
				t.Fatalf("got  %+v\nwant %+v", m.Fleet, c.want)
			}
			why := attentionReasons(Status{Fleet: c.in}, en)
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
