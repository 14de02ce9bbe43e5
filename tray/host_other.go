//go:build (cgo || !darwin) && !linux && !freebsd && !openbsd && !netbsd

package tray

// Available reports whether a tray host can be reached: Windows and macOS
// always have one for a user's session.
func Available() (note string, err error) { return "", nil }

// platformSetup: nothing here (a title would show beside the icon on macOS).
func platformSetup() {}

// primeIcon is needed only with the D-Bus tray (see host_dbus.go).
func primeIcon(Menu) {}
