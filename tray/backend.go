package tray

import "log/slog"

// Backend is what the tray needs from the agent. The app adapts its core
// to it; the tray never sees the core itself.
type Backend interface {
	// Status is what the menu shows now.
	Status() Status
	// Changed delivers a value whenever Status may have changed (coalesced:
	// one value may stand for many changes).
	Changed() <-chan struct{}
	// SetDefaultPrinter makes a printer the default and persists it.
	SetDefaultPrinter(id string) error
	// SetPaused pauses or resumes printing on every printer.
	SetPaused(paused bool) error
	// SetStartAtLogin turns starting at login on or off.
	SetStartAtLogin(on bool) error
	// SetFleetPaused pauses or resumes the fleet connection (until the
	// agent restarts); SetFleetEnabled turns it off or on for good.
	SetFleetPaused(paused bool) error
	SetFleetEnabled(on bool) error
	// PanelURL is the address of a page of the local web panel.
	PanelURL(page Page) string
}

// Options configure Run.
type Options struct {
	Logger *slog.Logger // default: discard
	// OnReady, if set, is called once the icon and menu exist. (Where the
	// OS refuses the icon, e.g. Windows without a desktop, it is never
	// called and Run does not return: see the app's watchdog.)
	OnReady func()
	// Locale picks the menu's language ("ko_KR.UTF-8", "ko", "en"); ""
	// uses the operating system's (i18n.Detect). Languages without a
	// catalog get English.
	Locale string
}
