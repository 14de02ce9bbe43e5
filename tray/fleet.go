package tray

// Fleet is the agent's connection to the customer's MQTT broker as the
// tray shows it (zero: no broker configured).
type Fleet struct {
	Configured bool
	// State is "off", "paused", "connecting", "connected" or "disconnected".
	State  string
	Broker string // the broker's host
	Error  string // why the last attempt failed
}

// FleetMenu is the fleet part of the menu: a status line and two toggles,
// all hidden when no broker is configured.
type FleetMenu struct {
	Show       bool
	Line       string // "Fleet: connected to broker.example"
	PauseLabel string // LabelFleetPause or LabelFleetResume
	// PauseEnabled is false while the connection is turned off.
	PauseEnabled bool
	OnLabel      string // LabelFleetOff or LabelFleetOn
}

// Labels of the fleet items.
const (
	LabelFleetPause  = "Pause fleet connection"
	LabelFleetResume = "Resume fleet connection"
	LabelFleetOff    = "Turn off fleet connection"
	LabelFleetOn     = "Turn on fleet connection"
)

// fleetMenu is the fleet part of the menu for a status: a pure function.
func fleetMenu(f Fleet) FleetMenu {
	if !f.Configured {
		return FleetMenu{}
	}
	m := FleetMenu{Show: true, PauseLabel: LabelFleetPause, PauseEnabled: true, OnLabel: LabelFleetOff}
	switch f.State {
	case "connected":
		m.Line = "Fleet: connected to " + f.Broker
	case "connecting":
		m.Line = "Fleet: connecting to " + f.Broker + "…"
	case "disconnected":
		m.Line = "Fleet: cannot reach " + f.Broker + " (retrying)"
	case "paused":
		m.Line = "Fleet: paused"
		m.PauseLabel = LabelFleetResume
	default:
		m.Line = "Fleet: off"
		m.OnLabel = LabelFleetOn
		m.PauseEnabled = false
	}
	return m
}

// fleetAttention says why the fleet connection needs a look ("" if not).
func fleetAttention(f Fleet) string {
	switch {
	case !f.Configured:
		return ""
	case f.State == "disconnected":
		return "fleet broker " + f.Broker + " unreachable"
	case f.State == "paused":
		return "fleet connection paused"
	}
	return ""
}
