//go:build linux || freebsd || openbsd || netbsd

package tray

import (
	"fmt"

	"fyne.io/systray"
	"github.com/godbus/dbus/v5"
)

// Available reports whether a tray host can be reached. Here that is a
// D-Bus session bus: fyne.io/systray cannot work without one (and panics
// on Quit). It never auto-launches a bus. A bus without a
// StatusNotifierWatcher still carries the menu (clickable over D-Bus) but
// no panel shows the icon: note says so.
func Available() (note string, err error) {
	probe, err := dbus.SessionBusPrivateNoAutoStartup()
	if err != nil {
		return "", fmt.Errorf("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is unset and there is no $XDG_RUNTIME_DIR/bus): %w", err)
	}
	_ = probe.Close()
	// The shared connection: systray uses this same one.
	conn, err := dbus.SessionBus()
	if err != nil {
		return "", fmt.Errorf("the D-Bus session bus cannot be reached: %w", err)
	}
	var has bool
	err = conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, "org.kde.StatusNotifierWatcher").Store(&has)
	if err == nil && !has {
		note = "no StatusNotifierWatcher on the session bus: the menu is exported, but no panel shows the icon until one appears (stock GNOME needs the AppIndicator extension)"
	}
	return note, nil
}

// platformSetup names the item for hosts that show a title (the SNI Title).
func platformSetup() { systray.SetTitle("Labelbridge") }

// primeIcon stores the first icon and tooltip before systray.Run: systray
// snapshots them when it exports its D-Bus properties, and a SetIcon that
// lands between that snapshot and the export being wired up is lost (a
// blank tray icon until the state next changes).
func primeIcon(m Menu) {
	if b, err := iconBytes(m.Icon); err == nil {
		systray.SetIcon(b)
	}
	systray.SetTooltip(m.Tooltip)
}
