package tray

import "github.com/labelbridge/labelbridge/tray/i18n"

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
	Paused     bool   // the pause item resumes
	PauseLabel string // "Pause fleet connection" or "Resume fleet connection"
	// PauseEnabled is false while the connection is turned off.
	PauseEnabled bool
	Off          bool   // the on/off item turns it on
	OnLabel      string // "Turn off fleet connection" or "Turn on fleet connection"
}

// fleetMenu is the fleet part of the menu for a status in c's language: a
// pure function.
func fleetMenu(f Fleet, c *i18n.Catalog) FleetMenu {
	if !f.Configured {
		return FleetMenu{}
	}
	m := FleetMenu{Show: true, PauseLabel: c.T("fleet.pause"), PauseEnabled: true, OnLabel: c.T("fleet.turnOff")}
	switch f.State {
	case "connected", "connecting", "disconnected":
		m.Line = c.T("fleet."+f.State, "broker", f.Broker)
	case "paused":
		m.Line = c.T("fleet.paused")
		m.Paused, m.PauseLabel = true, c.T("fleet.resume")
	default:
		m.Line = c.T("fleet.off")
		m.Off, m.OnLabel = true, c.T("fleet.turnOn")
		m.PauseEnabled = false
	}
	return m
}

// fleetAttention says why the fleet connection needs a look ("" if not).
func fleetAttention(f Fleet, c *i18n.Catalog) string {
	switch {
	case !f.Configured:
		return ""
	case f.State == "disconnected":
		return c.T("fleet.why.unreachable", "broker", f.Broker)
	case f.State == "paused":
		return c.T("fleet.why.paused")
	}
	return ""
}
