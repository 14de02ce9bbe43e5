//go:build cgo || !darwin

package tray

import (
	"context"
	"log/slog"
	"time"

	"fyne.io/systray"

	"github.com/labelbridge/labelbridge/tray/i18n"
)

// minRefreshGap bounds how often a burst of changes (a stream of job
// events) rebuilds the menu.
const minRefreshGap = 200 * time.Millisecond

// Run shows the tray icon and menu and blocks until the user picks Quit or
// ctx ends. It must be called from the main goroutine (macOS runs the menu
// bar there); start the agent's goroutines before calling it. Quit does
// not drain anything: jobs stay stored and resume on the next start.
func Run(ctx context.Context, b Backend, opt Options) error {
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	locale := opt.Locale
	if locale == "" {
		locale = i18n.Detect()
	}
	u := &ui{b: b, log: opt.Logger, actions: make(chan action, 32), cat: i18n.For(locale)}
	u.log.Info("tray menu language", "lang", u.cat.Lang, "locale", locale)
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	loopDone := make(chan struct{})
	primeIcon(menuFor(b.Status(), u.cat))
	systray.Run(func() {
		u.build()
		if opt.OnReady != nil {
			opt.OnReady()
		}
		go func() {
			defer close(loopDone)
			u.loop(runCtx)
		}()
	}, cancel)
	cancel()
	<-loopDone
	return nil
}

// actionKind is what a click asks for.
type actionKind int

const (
	actSetDefault actionKind = iota
	actOpenPanel
	actOpenQueue
	actOpenSites
	actTogglePause
	actToggleStartAtLogin
	actToggleFleetPause
	actToggleFleetOn
	actQuit
)

type action struct {
	kind actionKind
	slot int // for actSetDefault: which printer entry
}

// ui holds the real menu items and the Menu they show. Only the loop
// goroutine touches them after build.
type ui struct {
	b       Backend
	log     *slog.Logger
	actions chan action
	cat     *i18n.Catalog // the menu's language

	shown        Menu
	iconShown    bool
	status       *systray.MenuItem
	printers     *systray.MenuItem
	slots        []*systray.MenuItem
	pause        *systray.MenuItem
	sites        *systray.MenuItem
	startAtLogin *systray.MenuItem
	version      *systray.MenuItem
	fleetLine    *systray.MenuItem
	fleetPause   *systray.MenuItem
	fleetOn      *systray.MenuItem
}

// build makes the items in menu order, then shows the current status.
func (u *ui) build() {
	platformSetup()
	m := menuFor(u.b.Status(), u.cat)
	c := u.cat
	u.status = systray.AddMenuItem(m.StatusLine, "")
	u.status.Disable()
	systray.AddSeparator()
	u.printers = systray.AddMenuItem(c.T("menu.defaultPrinter"), c.T("menu.defaultPrinter.tip"))
	u.forward(systray.AddMenuItem(c.T("menu.openPanel"), c.T("menu.openPanel.tip")), action{kind: actOpenPanel})
	u.forward(systray.AddMenuItem(c.T("menu.openQueue"), c.T("menu.openQueue.tip")), action{kind: actOpenQueue})
	systray.AddSeparator()
	u.pause = systray.AddMenuItem(m.PauseLabel, c.T("menu.pause.tip"))
	u.forward(u.pause, action{kind: actTogglePause})
	u.sites = systray.AddMenuItem(c.T("menu.sites", "n", 0), c.T("menu.sites.tip"))
	u.forward(u.sites, action{kind: actOpenSites})
	u.startAtLogin = systray.AddMenuItemCheckbox(c.T("menu.startAtLogin"), c.T("menu.startAtLogin.tip"), m.StartAtLogin)
	u.forward(u.startAtLogin, action{kind: actToggleStartAtLogin})
	u.buildFleet()
	systray.AddSeparator()
	u.version = systray.AddMenuItem(m.VersionLine, "")
	u.version.Disable()
	u.forward(systray.AddMenuItem(c.T("menu.quit"), c.T("menu.quit.tip")), action{kind: actQuit})
	u.shown = Menu{StatusLine: m.StatusLine, Paused: m.Paused, PauseLabel: m.PauseLabel, StartAtLogin: m.StartAtLogin, StartAtLoginEnabled: true, VersionLine: m.VersionLine, ShowSites: true}
	u.apply(m)
}

// forward turns an item's clicks into actions. systray drops a click when
// nobody is receiving, so this goroutine only hands the click on.
func (u *ui) forward(item *systray.MenuItem, a action) {
	go func() {
		for range item.ClickedCh { // closed when the item is removed
			select {
			case u.actions <- a:
			default: // a click storm: drop, the state is re-read anyway
			}
		}
	}()
}

func (u *ui) loop(ctx context.Context) {
	var (
		timer   = time.NewTimer(time.Hour)
		pending bool
		last    time.Time
	)
	timer.Stop()
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			systray.Quit()
			return
		case <-u.b.Changed():
			if wait := minRefreshGap - time.Since(last); wait > 0 {
				if !pending {
					pending = true
					timer.Reset(wait)
				}
				continue
			}
			u.refresh()
			last = time.Now()
		case <-timer.C:
			pending = false
			u.refresh()
			last = time.Now()
		case a := <-u.actions:
			if a.kind == actQuit {
				u.log.Info("quit from the tray menu")
				systray.Quit()
				return
			}
			u.do(a)
			u.refresh()
			last = time.Now()
		}
	}
}

func (u *ui) refresh() { u.apply(menuFor(u.b.Status(), u.cat)) }

func (u *ui) do(a action) {
	switch a.kind {
	case actSetDefault:
		if a.slot >= len(u.shown.Printers) {
			return // the list changed under the click
		}
		id := u.shown.Printers[a.slot].ID
		if err := u.b.SetDefaultPrinter(id); err != nil {
			u.log.Warn("tray: could not set the default printer", "printer", id, "err", err)
			return
		}
		u.log.Info("default printer set from the tray", "printer", id)
	case actOpenPanel, actOpenQueue, actOpenSites:
		page := map[actionKind]Page{actOpenPanel: PagePrinters, actOpenQueue: PageQueue, actOpenSites: PageSites}[a.kind]
		if err := OpenURL(u.b.PanelURL(page)); err != nil {
			u.log.Warn("tray: could not open the panel", "err", err)
		}
	case actTogglePause:
		if err := u.b.SetPaused(!u.shown.Paused); err != nil {
			u.log.Warn("tray: could not pause or resume printing", "err", err)
		}
	case actToggleStartAtLogin:
		if !u.shown.StartAtLoginEnabled {
			return
		}
		if err := u.b.SetStartAtLogin(!u.shown.StartAtLogin); err != nil {
			u.log.Warn("tray: could not change Start at login", "err", err)
		}
	case actToggleFleetPause, actToggleFleetOn:
		u.doFleet(a.kind)
	}
}

// apply changes only what differs from the menu shown.
func (u *ui) apply(m Menu) {
	old := u.shown
	if !u.iconShown || m.Icon != old.Icon {
		if b, err := iconBytes(m.Icon); err != nil {
			u.log.Error("tray icon", "err", err)
		} else {
			systray.SetIcon(b)
			u.iconShown = true
		}
	}
	if m.Tooltip != old.Tooltip {
		systray.SetTooltip(m.Tooltip)
	}
	if m.StatusLine != old.StatusLine {
		u.status.SetTitle(m.StatusLine)
	}
	for i, p := range m.Printers {
		if i >= len(u.slots) {
			item := u.printers.AddSubMenuItemCheckbox(p.Label, u.cat.T("menu.printer.tip"), p.Checked)
			u.slots = append(u.slots, item)
			u.forward(item, action{kind: actSetDefault, slot: i})
			continue
		}
		item := u.slots[i]
		if i >= len(old.Printers) {
			item.Show()
		}
		if i >= len(old.Printers) || old.Printers[i].Label != p.Label {
			item.SetTitle(p.Label)
		}
		if i >= len(old.Printers) || old.Printers[i].Checked != p.Checked {
			if p.Checked {
				item.Check()
			} else {
				item.Uncheck()
			}
		}
	}
	for i := len(m.Printers); i < len(old.Printers) && i < len(u.slots); i++ {
		u.slots[i].Hide()
	}
	if m.PauseLabel != old.PauseLabel {
		u.pause.SetTitle(m.PauseLabel)
	}
	if m.ShowSites != old.ShowSites || m.SitesLabel != old.SitesLabel {
		if m.ShowSites {
			u.sites.SetTitle(m.SitesLabel)
			u.sites.Show()
		} else {
			u.sites.Hide()
		}
	}
	if m.StartAtLogin != old.StartAtLogin {
		if m.StartAtLogin {
			u.startAtLogin.Check()
		} else {
			u.startAtLogin.Uncheck()
		}
	}
	if m.StartAtLoginEnabled != old.StartAtLoginEnabled {
		if m.StartAtLoginEnabled {
			u.startAtLogin.Enable()
		} else {
			u.startAtLogin.Disable()
		}
	}
	if m.VersionLine != old.VersionLine {
		u.version.SetTitle(m.VersionLine)
	}
	u.applyFleet(m.Fleet, old.Fleet)
	u.shown = m
}
