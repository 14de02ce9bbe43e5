package printing

// DefaultPrinter returns the id of the default printer, where jobs that name
// no printer go.
//
// The rule: the default changes only through an explicit choice (SetDefault:
// tray, panel, CLI; or "defaultPrinter" in config), never because a printer
// was added or plugged in. The chosen default stays the default while it is
// unplugged (its jobs are held as disconnected). With no default chosen, the
// fallback is the sole USB printer (attached or remembered); with no USB
// printer, the sole OS print queue; else (none, or two or more) the virtual
// printer. Network printers never count, so adding one never moves where
// jobs go.
func (s *Spooler) DefaultPrinter() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.defaultLocked()
}

func (s *Spooler) defaultLocked() string {
	if s.defaultID != "" {
		return s.defaultID
	}
	// USB first: on Windows one printer often shows up twice, through
	// usbprint and as its driver's print queue.
	for _, conn := range []string{ConnUSB, ConnSpooler} {
		sole, n := "", 0
		for id, q := range s.queues {
			if (q.present || q.remembered) && q.printer.Connection == conn {
				sole, n = id, n+1
			}
		}
		switch {
		case n == 1:
			return sole
		case n > 1:
			return VirtualPrinterID // more than one: the user must choose
		}
	}
	return VirtualPrinterID
}

// SetDefault makes a known printer (attached, or remembered while
// unplugged) the default and persists the choice.
func (s *Spooler) SetDefault(id string) (Printer, error) {
	s.mu.Lock()
	q, ok := s.queues[id]
	if !ok || !(q.present || q.remembered) {
		s.mu.Unlock()
		return Printer{}, errorf(ErrReasonPrinterNotFound, "printer %q not found", id)
	}
	s.mu.Unlock()
	if s.opt.SaveDefault != nil {
		if err := s.opt.SaveDefault(id); err != nil {
			return Printer{}, &Error{Code: ErrReasonStoreFailed, Msg: "save default printer", Err: err}
		}
	}
	s.mu.Lock()
	s.defaultID = id
	s.mu.Unlock()
	s.publishPrinters()
	return s.Printer(id)
}

// ClearDefault forgets the chosen default printer (persisting that), so the
// fallback applies again: the sole local printer, else the virtual printer.
func (s *Spooler) ClearDefault() error {
	if s.opt.SaveDefault != nil {
		if err := s.opt.SaveDefault(""); err != nil {
			return &Error{Code: ErrReasonStoreFailed, Msg: "save default printer", Err: err}
		}
	}
	s.mu.Lock()
	s.defaultID = ""
	s.mu.Unlock()
	s.publishPrinters()
	return nil
}
