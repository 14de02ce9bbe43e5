package printing

import (
	"github.com/labelbridge/labelbridge/printing/media"
)

// SetPrinterSettings sets (or, with nil or empty settings, clears) the
// print and media settings of printer id, which labels printed on it then
// use under their own (darkness, speed, media, …). The printer need not be
// attached. The caller persists them (config); the printers event follows.
func (s *Spooler) SetPrinterSettings(id string, st *media.Settings) {
	s.mu.Lock()
	if st == nil || st.IsZero() {
		delete(s.settings, id)
	} else {
		if s.settings == nil {
			s.settings = map[string]media.Settings{}
		}
		s.settings[id] = *st
	}
	s.mu.Unlock()
	s.publishPrinters()
}

// withSettingsLocked returns p with its configured settings.
func (s *Spooler) withSettingsLocked(p Printer) Printer {
	if st, ok := s.settings[p.ID]; ok {
		p.Settings = &st
	}
	return p
}

// PrinterSettings are a printer's print and media settings (package media).
type PrinterSettings = media.Settings
