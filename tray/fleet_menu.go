//go:build cgo || !darwin

package tray

import "fyne.io/systray"

// buildFleet adds the fleet items (hidden until a broker is configured).
func (u *ui) buildFleet() {
	// No separator of its own: systray cannot hide one, and with no broker
	// configured it would stand next to the next one (two lines in a row).
	c := u.cat
	u.fleetLine = systray.AddMenuItem(c.T("fleet.title"), c.T("fleet.tip"))
	u.fleetLine.Disable()
	u.fleetPause = systray.AddMenuItem(c.T("fleet.pause"), c.T("fleet.pause.tip"))
	u.forward(u.fleetPause, action{kind: actToggleFleetPause})
	u.fleetOn = systray.AddMenuItem(c.T("fleet.turnOff"), c.T("fleet.on.tip"))
	u.forward(u.fleetOn, action{kind: actToggleFleetOn})
	for _, it := range []*systray.MenuItem{u.fleetLine, u.fleetPause, u.fleetOn} {
		it.Hide()
	}
	u.shown.Fleet = FleetMenu{Line: c.T("fleet.title"), PauseLabel: c.T("fleet.pause"), PauseEnabled: true, OnLabel: c.T("fleet.turnOff")}
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
func (u *ui) doFleet(kind actionKind) {
	f := u.shown.Fleet
	if !f.Show {
		return
	}
	if kind == actToggleFleetPause {
		if !f.PauseEnabled {
			return
		}
		if err := u.b.SetFleetPaused(!f.Paused); err != nil {
			u.log.Warn("tray: could not pause or resume the fleet connection", "err", err)
		}
		return
	}
	if err := u.b.SetFleetEnabled(f.Off); err != nil {
		u.log.Warn("tray: could not turn the fleet connection on or off", "err", err)
	}
}
