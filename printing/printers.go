package printing

import (
	"sort"
	"time"
)

// Attach adds a printer, or replaces the transport and details of a known
// one (a USB printer plugged back in). Held jobs for it resume.
func (s *Spooler) Attach(p Printer, t Transport) {
	s.mu.Lock()
	q := s.queueLocked(p.ID)
	var old Transport
	if q.transport != t {
		old = q.transport
	}
	if p.Status.State == "" {
		p.Status = Status{State: PrinterReady, Reasons: []string{}}
	}
	q.printer, q.transport, q.present = p, t, true
	q.failure, q.backoff, q.retryAt = "", 0, time.Time{}
	q.poke()
	remember := rememberable(p) && (!q.remembered || q.saved != rememberedView(p))
	s.mu.Unlock()
	closeTransport(old)
	s.log.Info("printer attached", "printer", p.ID, "connection", p.Connection, "language", p.Language)
	if remember {
		s.remember(q, p)
	}
	s.publishPrinters()
}

// Detach marks a printer as gone (unplugged, removed). Its unfinished jobs
// stay queued, held as disconnected, and resume if it comes back.
func (s *Spooler) Detach(id string) {
	s.mu.Lock()
	q, ok := s.queues[id]
	if !ok || !q.present {
		s.mu.Unlock()
		return
	}
	q.present = false
	old := q.transport
	q.transport = nil
	q.poke()
	s.mu.Unlock()
	closeTransport(old)
	s.log.Info("printer detached", "printer", id)
	s.publishPrinters()
}

// Forget detaches a printer and drops it from the remembered printers (its
// unfinished jobs stay queued and held). If it was the chosen default, the
// default is cleared (the fallback applies).
func (s *Spooler) Forget(id string) error {
	s.Detach(id)
	if m, ok := s.store.(PrinterMemory); ok {
		if err := m.ForgetPrinter(s.ctx, id); err != nil {
			return &Error{Code: ErrReasonStoreFailed, Msg: "forget printer", Err: err}
		}
	}
	s.mu.Lock()
	if q, ok := s.queues[id]; ok {
		q.remembered, q.saved = false, details{}
	}
	wasDefault := s.defaultID == id
	s.mu.Unlock()
	if wasDefault {
		return s.ClearDefault()
	}
	s.publishPrinters()
	return nil
}

// rememberable reports whether p is a printer discovery found (USB, an OS
// print queue): those are remembered across restarts. Network printers live
// in the config and the virtual printer is always there.
func rememberable(p Printer) bool {
	return p.Connection == ConnUSB || p.Connection == ConnSpooler
}

// details is the part of a printer the store remembers.
type details struct {
	ID, Name, Connection, Language, Vendor, Model, Address string
	DPI                                                    int
}

func rememberedView(p Printer) details {
	return details{ID: p.ID, Name: p.Name, Connection: p.Connection, Language: p.Language,
		DPI: p.DPI, Vendor: p.Vendor, Model: p.Model, Address: p.Address}
}

// remember records a discovered printer in the store, so it is known after
// a restart. A failure only costs that: it is logged.
func (s *Spooler) remember(q *queue, p Printer) {
	m, ok := s.store.(PrinterMemory)
	if !ok {
		return
	}
	if err := m.RememberPrinter(s.ctx, p); err != nil {
		s.log.Warn("remember printer", "printer", p.ID, "err", err)
		return
	}
	s.mu.Lock()
	q.remembered, q.saved = true, rememberedView(p)
	s.mu.Unlock()
}

// SetStatus records a printer's live status (from discovery or a status
// poll). A printer that is not ready holds its jobs with the reasons.
func (s *Spooler) SetStatus(id string, st Status) {
	s.mu.Lock()
	q, ok := s.queues[id]
	if !ok || statusEqual(q.printer.Status, st) {
		s.mu.Unlock()
		return
	}
	if st.Reasons == nil {
		st.Reasons = []string{}
	}
	q.printer.Status = st
	q.poke()
	s.mu.Unlock()
	s.publishPrinters()
}

func statusEqual(a, b Status) bool {
	if a.State != b.State || len(a.Reasons) != len(b.Reasons) {
		return false
	}
	for i := range a.Reasons {
		if a.Reasons[i] != b.Reasons[i] {
			return false
		}
	}
	return true
}

// SetPaused pauses or resumes printing on every printer. Paused jobs are
// held with reason "paused".
func (s *Spooler) SetPaused(paused bool) {
	s.mu.Lock()
	if s.paused == paused {
		s.mu.Unlock()
		return
	}
	s.paused = paused
	for _, q := range s.queues {
		q.poke()
	}
	s.mu.Unlock()
	s.log.Info("printing paused", "paused", paused)
	s.publishPrinters()
}

// Paused reports whether printing is paused.
func (s *Spooler) Paused() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.paused
}

// Printers lists the attached printers, and absent ones that still have
// jobs waiting, sorted with the default first.
func (s *Spooler) Printers() []Printer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.printersLocked()
}

func (s *Spooler) printersLocked() []Printer {
	def := s.defaultLocked()
	out := make([]Printer, 0, len(s.queues))
	for _, q := range s.queues {
		if !q.present && !q.remembered && len(q.entries) == 0 {
			continue
		}
		out = append(out, s.viewLocked(q, def))
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].IsDefault != out[j].IsDefault {
			return out[i].IsDefault
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// viewLocked is the API view of a queue's printer, with its live state.
func (s *Spooler) viewLocked(q *queue, def string) Printer {
	p := s.withSettingsLocked(q.printer)
	p.IsDefault = p.ID == def
	p.Queued = len(q.entries)
	if reason := s.blockLocked(q); reason != "" {
		st := p.Status
		if st.Ready() {
			st.State = PrinterOffline
			if reason == ReasonPaused {
				st.State = PrinterReady
			} else if q.failure != "" && q.present {
				st.State = PrinterError
			}
		}
		st.Reasons = appendUnique(append([]string(nil), st.Reasons...), reason)
		p.Status = st
	} else if p.Queued > 0 && p.Status.State == PrinterReady {
		p.Status.State = PrinterBusy
	}
	if p.Status.Reasons == nil {
		p.Status.Reasons = []string{}
	}
	return p
}

func appendUnique(list []string, s string) []string {
	for _, v := range list {
		if v == s {
			return list
		}
	}
	return append(list, s)
}

// Printer returns one printer.
func (s *Spooler) Printer(id string) (Printer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q, ok := s.queues[id]
	if !ok || (!q.present && !q.remembered && len(q.entries) == 0) {
		return Printer{}, errorf(ErrReasonPrinterNotFound, "printer %q not found", id)
	}
	return s.viewLocked(q, s.defaultLocked()), nil
}
