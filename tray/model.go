// Package tray is Labelbridge's tray icon and menu (fyne.io/systray). It
// knows nothing of the printing core: it shows the Status its Backend
// reports and turns clicks into Backend calls. The menu is a pure function
// of the Status (menuFor), so what it shows is tested without a desktop;
// the systray glue only applies that model to the real menu.
package tray

import (
	"strings"

	"github.com/labelbridge/labelbridge/tray/i18n"
)

// Icon is the tray icon's state.
type Icon int

// Icon states.
const (
	Idle      Icon = iota // nothing to do
	Printing              // jobs are waiting or being sent
	Attention             // someone should look: paused, held jobs, a site waiting, a printer offline
)

// String is the state's word in English, as the tooltip says it.
func (i Icon) String() string { return i.in(i18n.For(i18n.Fallback)) }

// in is the state's word in c's language.
func (i Icon) in(c *i18n.Catalog) string { return c.T("icon." + i.file()) }

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

// Menu is what the tray shows for a Status, in one language.
type Menu struct {
	Icon         Icon
	Tooltip      string
	StatusLine   string
	Printers     []PrinterItem
	Paused       bool   // the pause item resumes
	PauseLabel   string // "Pause printing" or "Resume printing"
	SitesLabel   string
	ShowSites    bool
	StartAtLogin bool
	// StartAtLoginEnabled is false where the toggle cannot work (greyed out).
	StartAtLoginEnabled bool
	VersionLine         string
	Fleet               FleetMenu
}

// menuFor is the menu for a status in c's language: a pure function. Every
// word comes from the catalog (tray/i18n).
func menuFor(s Status, c *i18n.Catalog) Menu {
	m := Menu{
		Icon:                iconFor(s),
		StatusLine:          statusLine(s, c),
		Paused:              s.Paused,
		PauseLabel:          c.T("menu.pause"),
		ShowSites:           s.PendingSites > 0,
		StartAtLogin:        s.StartAtLogin && s.StartAtLoginSupported,
		StartAtLoginEnabled: s.StartAtLoginSupported,
		VersionLine:         c.T("menu.version", "version", displayVersion(s.Version, c)),
		Fleet:               fleetMenu(s.Fleet, c),
	}
	if s.Paused {
		m.PauseLabel = c.T("menu.resume")
	}
	if s.PendingSites > 0 {
		m.SitesLabel = c.T("menu.sites", "n", s.PendingSites)
	}
	for _, p := range s.Printers {
		label := p.Name
		if label == "" {
			label = p.ID
		}
		if p.Offline {
			label = c.T("printer.offline", "name", label)
		}
		m.Printers = append(m.Printers, PrinterItem{ID: p.ID, Label: label, Checked: p.Default})
	}
	m.Tooltip = c.T("tooltip", "state", m.Icon.in(c))
	if why := attentionReasons(s, c); m.Icon == Attention && len(why) > 0 {
		m.Tooltip = c.T("tooltip.why", "tooltip", m.Tooltip, "why", strings.Join(why, c.T("list.sep")))
	} else {
		m.Tooltip = c.T("tooltip.line", "tooltip", m.Tooltip, "line", m.StatusLine)
	}
	return m
}

func iconFor(s Status) Icon {
	switch {
	case len(attentionReasons(s, i18n.For(i18n.Fallback))) > 0:
		return Attention
	case s.QueuedJobs > 0:
		return Printing
	}
	return Idle
}

// attentionReasons says, in short words, why the tray needs attention.
func attentionReasons(s Status, c *i18n.Catalog) []string {
	var why []string
	if s.Paused {
		why = append(why, c.T("why.paused"))
	}
	if s.HeldJobs > 0 {
		why = append(why, c.N("why.held", s.HeldJobs))
	}
	if s.PendingSites > 0 {
		why = append(why, c.N("why.sites", s.PendingSites))
	}
	if f := fleetAttention(s.Fleet, c); f != "" {
		why = append(why, f)
	}
	return append(why, s.Problems...)
}

// statusLine is "3 printers · 2 jobs queued".
func statusLine(s Status, c *i18n.Catalog) string {
	jobs := c.T("jobs.none")
	if s.QueuedJobs > 0 {
		jobs = c.N("jobs", s.QueuedJobs)
	}
	parts := []string{c.N("printers", len(s.Printers)), jobs}
	if s.Paused {
		parts = append(parts, c.T("status.paused"))
	}
	return strings.Join(parts, c.T("line.sep"))
}

func displayVersion(v string, c *i18n.Catalog) string {
	switch {
	case v == "":
		return c.T("menu.version.unknown")
	case v[0] >= '0' && v[0] <= '9':
		return "v" + v
	}
	return v
}
