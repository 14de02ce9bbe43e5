//go:build cgo || !darwin

package tray

import "fyne.io/systray"

// buildFleet adds the fleet items (hidden until a broker is configured).
func (u *ui) buildFleet() {
	// No separator of its own: systray cannot hide one, and with no broker
	// configured it would stand next to the next one (two lines in a row).
	u.fleetLine = systray.AddMenuItem("Fleet", "The connection to your company's MQTT broker (central printing)")
	u.fleetLine.Disable()
	u.fleetPause = systray.AddMenuItem(LabelFleetPause, "Stop taking jobs from the broker until you resume (local printing goes on)")
	u.forward(u.fleetPause, action{kind: actToggleFleetPause})
	u.fleetOn = systray.AddMenuItem(LabelFleetOff, "Turn the broker connection off or on, also after a restart")
	u.forward(u.fleetOn, action{kind: actToggleFleetOn})
	for _, it := range []*systray.MenuItem{u.fleetLine, u.fleetPause, u.fleetOn} {
		it.Hide()
	}
	u.shown.Fleet = FleetMenu{Line: "Fleet", PauseLabel: LabelFleetPause, PauseEnabled: true, OnLabel: LabelFleetOff}
}

// applyFleet changes only the fleet items that differ.
func (u *ui) applyFleet(m, old FleetMenu) {
	if m.Show != old.Show {
		for _, it := range []*systray.MenuItem{u.fleetLine, u.fleetPause, u.fleetOn} {
			if m.Show {
				it.Show()
			} else {
				it.Hide()
			}
		}
	}
	if !m.Show {
		return
	}
	if m.Line != old.Line {
		u.fleetLine.SetTitle(m.Line)
	}
	if m.PauseLabel != old.PauseLabel {
		u.fleetPause.SetTitle(m.PauseLabel)
	}
	if m.PauseEnabled != old.PauseEnabled {
		if m.PauseEnabled {
			u.fleetPause.Enable()
		} else {
			u.fleetPause.Disable()
		}
	}
	if m.OnLabel != old.OnLabel {
		u.fleetOn.SetTitle(m.OnLabel)
	}
}

// doFleet runs a click on a fleet item.
func (u *ui) doFleet(kind actionKind) (string, error) {
	f := u.shown.Fleet
	if !f.Show {
		return "", nil
	}
	if kind == actToggleFleetPause {
		if !f.PauseEnabled {
			return "", nil
		}
		return "pause or resume the fleet connection", u.b.SetFleetPaused(f.PauseLabel == LabelFleetPause)
	}
	return "turn the fleet connection on or off", u.b.SetFleetEnabled(f.OnLabel == LabelFleetOn)
}
