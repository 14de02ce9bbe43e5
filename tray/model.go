// Package tray is Labelbridge's tray icon and menu (fyne.io/systray). It
// knows nothing of the printing core: it shows the Status its Backend
// reports and turns clicks into Backend calls. The menu is a pure function
// of the Status (menuFor), so what it shows is tested without a desktop;
// the systray glue only applies that model to the real menu.
package tray

import (
	"fmt"
	"strings"
)

// Icon is the tray icon's state.
type Icon int

// Icon states.
const (
	Idle      Icon = iota // nothing to do
	Printing              // jobs are waiting or being sent
	Attention             // someone should look: paused, held jobs, a site waiting, a printer offline
)

// String is the state's word, as the tooltip says it and as the icon
// files are named (assets/icons/idle.png …).
func (i Icon) String() string {
	switch i {
	case Printing:
		return "printing"
	case Attention:
		return "needs attention"
	}
	return "idle"
}

// file is the icon's file name without extension.
func (i Icon) file() string {
	switch i {
	case Printing:
		return "printing"
	case Attention:
		return "attention"
	}
	return "idle"
}

// Printer is one printer as the tray shows it.
type Printer struct {
	ID      string
	Name    string
	Default bool
	// Offline is true when the printer cannot print now (unplugged, error).
	Offline bool
}

// Status is everything the tray shows; the Backend reports it.
type Status struct {
	Printers   []Printer
	QueuedJobs int // jobs waiting or being sent (queued, sending, held)
	HeldJobs   int // of those, the ones held (printer offline, paused)
	Paused     bool
	// PendingSites counts web sites that tried to print and wait for approval.
	PendingSites int
	// Problems are short sentences about what needs attention ("Dock printer is offline").
	Problems []string
	// StartAtLogin is whether the app starts when the user logs in;
	// StartAtLoginSupported is false where this build cannot change it.
	StartAtLogin          bool
	StartAtLoginSupported bool
	Version               string
	// Fleet is the connection to the customer's MQTT broker (fleet.go).
	Fleet Fleet
}

// Page is a page of the local web panel.
type Page string

// Panel pages the menu opens.
const (
	PagePrinters Page = "printers"
	PageQueue    Page = "queue"
	PageSites    Page = "sites"
)

// PrinterItem is one entry of the Default printer submenu.
type PrinterItem struct {
	ID      string
	Label   string
	Checked bool
}

// Menu is what the tray shows for a Status.
type Menu struct {
	Icon         Icon
	Tooltip      string
	StatusLine   string
	Printers     []PrinterItem
	PauseLabel   string
	SitesLabel   string
	ShowSites    bool
	StartAtLogin bool
	// StartAtLoginEnabled is false where the toggle cannot work (greyed out).
	StartAtLoginEnabled bool
	VersionLine         string
	Fleet               FleetMenu
}

// Fixed labels of the menu.
const (
	LabelDefaultPrinter = "Default printer"
	LabelOpenPanel      = "Open printers panel"
	LabelOpenQueue      = "Open print queue"
	LabelPause          = "Pause printing"
	LabelResume         = "Resume printing"
	LabelStartAtLogin   = "Start at login"
	LabelQuit           = "Quit"
)

// menuFor is the menu for a status: a pure function.
func menuFor(s Status) Menu {
	m := Menu{
		Icon:                iconFor(s),
		StatusLine:          statusLine(s),
		PauseLabel:          LabelPause,
		ShowSites:           s.PendingSites > 0,
		StartAtLogin:        s.StartAtLogin && s.StartAtLoginSupported,
		StartAtLoginEnabled: s.StartAtLoginSupported,
		VersionLine:         "Labelbridge " + displayVersion(s.Version),
		Fleet:               fleetMenu(s.Fleet),
	}
	if s.Paused {
		m.PauseLabel = LabelResume
	}
	if s.PendingSites > 0 {
		m.SitesLabel = fmt.Sprintf("Sites waiting for approval (%d)", s.PendingSites)
	}
	for _, p := range s.Printers {
		label := p.Name
		if label == "" {
			label = p.ID
		}
		if p.Offline {
			label += " (offline)"
		}
		m.Printers = append(m.Printers, PrinterItem{ID: p.ID, Label: label, Checked: p.Default})
	}
	m.Tooltip = "Labelbridge: " + m.Icon.String()
	if why := attentionReasons(s); m.Icon == Attention && len(why) > 0 {
		m.Tooltip += " (" + strings.Join(why, "; ") + ")"
	} else {
		m.Tooltip += " · " + m.StatusLine
	}
	return m
}

func iconFor(s Status) Icon {
	switch {
	case len(attentionReasons(s)) > 0:
		return Attention
	case s.QueuedJobs > 0:
		return Printing
	}
	return Idle
}

// attentionReasons says, in short words, why the tray needs attention.
func attentionReasons(s Status) []string {
	var why []string
	if s.Paused {
		why = append(why, "printing is paused")
	}
	if s.HeldJobs > 0 {
		why = append(why, plural(s.HeldJobs, "job", "jobs")+" held")
	}
	if s.PendingSites > 0 {
		why = append(why, plural(s.PendingSites, "site", "sites")+" waiting for approval")
	}
	if f := fleetAttention(s.Fleet); f != "" {
		why = append(why, f)
	}
	return append(why, s.Problems...)
}

// statusLine is "3 printers · 2 jobs queued".
func statusLine(s Status) string {
	jobs := "no jobs queued"
	if s.QueuedJobs > 0 {
		jobs = plural(s.QueuedJobs, "job", "jobs") + " queued"
	}
	line := plural(len(s.Printers), "printer", "printers") + " · " + jobs
	if s.Paused {
		line += " · paused"
	}
	return line
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func displayVersion(v string) string {
	switch {
	case v == "":
		return "(unknown version)"
	case v[0] >= '0' && v[0] <= '9':
		return "v" + v
	}
	return v
}
