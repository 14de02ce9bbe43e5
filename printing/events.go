package printing

import "sync"

// Event kinds.
const (
	EventJob      = "job"
	EventPrinters = "printers"
)

// Event is a change the Spooler announces: a job changed state, or the
// printer list (or a printer's status, or the default) changed.
type Event struct {
	Kind     string
	Job      Job       // for EventJob
	Printers []Printer // for EventPrinters
}

// Subscription receives events until it is closed. If its buffer fills
// (a consumer that stopped reading), the hub drops it and closes C, so one
// slow consumer never holds up printing or other consumers.
type Subscription struct {
	C       <-chan Event
	c       chan Event
	hub     *hub
	want    func(Event) bool // nil: every event
	dropped bool
}

// Close stops the subscription.
func (s *Subscription) Close() { s.hub.remove(s) }

// Dropped reports whether the hub dropped this subscription for falling behind.
func (s *Subscription) Dropped() bool {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	return s.dropped
}

// hub fans events out to subscriptions. Its mu is last in the spooler's
// lock order (see Spooler): it may be taken under queue.persistMu, never
// under Spooler.mu, and nothing else is locked while it is held (so a
// Subscription's want filter must not lock); sends under it never block.
type hub struct {
	mu   sync.Mutex
	subs map[*Subscription]struct{}
}

func newHub() *hub { return &hub{subs: map[*Subscription]struct{}{}} }

func (h *hub) subscribe(buffer int, want func(Event) bool) *Subscription {
	c := make(chan Event, buffer)
	s := &Subscription{C: c, c: c, hub: h, want: want}
	h.mu.Lock()
	h.subs[s] = struct{}{}
	h.mu.Unlock()
	return s
}

func (h *hub) remove(s *Subscription) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[s]; ok {
		delete(h.subs, s)
		close(s.c)
	}
}

func (h *hub) publish(e Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		if s.want != nil && !s.want(e) {
			continue
		}
		select {
		case s.c <- e:
		default:
			s.dropped = true
			delete(h.subs, s)
			close(s.c)
		}
	}
}

// Subscribe returns a subscription to job and printer events.
func (s *Spooler) Subscribe(buffer int) *Subscription { return s.events.subscribe(buffer, nil) }

// SubscribeOrigin returns a subscription to printer events and to the job
// events of one origin only (filtered before they are queued, so a busy
// agent does not wake every page for every job).
func (s *Spooler) SubscribeOrigin(buffer int, origin string) *Subscription {
	return s.events.subscribe(buffer, func(e Event) bool { return e.Kind != EventJob || e.Job.Origin == origin })
}

// publishPrinters announces the printer list. It takes s.mu to build the
// list, so it is called with no spooler lock held (or from a goroutine).
func (s *Spooler) publishPrinters() {
	s.events.publish(Event{Kind: EventPrinters, Printers: s.Printers()})
}

// publishJob announces a job's new state, once the store has it; callers
// hold the job's queue.persistMu so events follow the store's order.
func (s *Spooler) publishJob(j Job) {
	s.events.publish(Event{Kind: EventJob, Job: j})
}
