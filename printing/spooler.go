package printing

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"
)

// LabelCompiler turns a label (the JSON label model) into bytes in the
// printer's language. The app wires the label engine in here. copies 0
// keeps the label's own copies.
type LabelCompiler interface {
	Compile(ctx context.Context, label json.RawMessage, p Printer, copies int) (Compiled, error)
}

// Compiled is a label turned into printer commands.
type Compiled struct {
	Data     []byte
	Language string
	Copies   int // copies the data prints (already inside Data)
}

// Options tune a Spooler. Zero values take the defaults.
type Options struct {
	QueueDepth    int           // max unfinished jobs per printer (default 1000)
	MaxJobBytes   int           // max bytes of one job after copies (default 8 MiB)
	MaxCopies     int           // default 1000
	SendTimeout   time.Duration // base time allowed for one send (default 30 s)
	MinSendRate   int           // bytes/s a printer must at least take; extends SendTimeout for big jobs (default 16 KiB/s)
	HoldTimeout   time.Duration // a job held longer than this fails (default 15 min; <0: never)
	RetryMin      time.Duration // first retry after a failed send (default 1 s)
	RetryMax      time.Duration // retry backoff cap (default 30 s)
	StatusEvery   time.Duration // status poll while held, for StatusQuerier transports (default 2 s)
	Logger        *slog.Logger
	Now           func() time.Time
	SaveDefault   func(printerID string) error // persists setDefault (config)
	ConfigDefault string                       // the default printer from config, if any
}

func (o *Options) fill() {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	defd := func(v *time.Duration, d time.Duration) {
		if *v == 0 {
			*v = d
		}
	}
	def(&o.QueueDepth, 1000)
	def(&o.MaxJobBytes, 8<<20)
	def(&o.MaxCopies, 1000)
	def(&o.MinSendRate, 16<<10)
	defd(&o.SendTimeout, 30*time.Second)
	defd(&o.HoldTimeout, 15*time.Minute)
	defd(&o.RetryMin, time.Second)
	defd(&o.RetryMax, 30*time.Second)
	defd(&o.StatusEvery, 2*time.Second)
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// Spooler owns the printers and their queues: one ordered queue and one
// worker goroutine per printer, so a printer that stalls or fails holds only
// its own jobs.
type Spooler struct {
	opt      Options
	store    JobStore
	compiler LabelCompiler
	log      *slog.Logger
	events   *hub

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu        sync.Mutex
	queues    map[string]*queue
	defaultID string // chosen default (persisted through SaveDefault)
	paused    bool
	stopped   bool
}

// queue is one printer's state and its unfinished jobs in order.
type queue struct {
	printer   Printer
	transport Transport
	present   bool // attached now
	// remembered: the store keeps this printer's details (one discovery
	// found), so it takes jobs and is listed even while not attached.
	remembered bool
	saved      details // the details last remembered
	failure    string  // reason of the last failed send, until a send succeeds
	retryAt    time.Time
	backoff    time.Duration
	entries    []*entry
	wake       chan struct{}
	persistMu  sync.Mutex // orders store writes and events for this queue's jobs
}

// entry is one unfinished job. stored is false while its create is being
// committed: the worker never passes it, which keeps submission order.
type entry struct {
	job       Job
	stored    bool
	heldSince time.Time
}

// New makes a Spooler. Call Start to resume stored jobs and run workers.
func New(store JobStore, compiler LabelCompiler, opt Options) *Spooler {
	opt.fill()
	ctx, cancel := context.WithCancel(context.Background())
	return &Spooler{
		opt: opt, store: store, compiler: compiler, log: opt.Logger,
		events: newHub(), ctx: ctx, cancel: cancel,
		queues: map[string]*queue{}, defaultID: opt.ConfigDefault,
	}
}

// Start loads the remembered printers (as disconnected until discovery
// attaches them) and the unfinished jobs from the store into their queues.
// A job that was being sent when the process stopped is sent again from its
// start (at-least-once for that one job).
func (s *Spooler) Start() error {
	var known []Printer
	if m, ok := s.store.(PrinterMemory); ok {
		var err error
		if known, err = m.RememberedPrinters(); err != nil {
			return fmt.Errorf("load remembered printers: %w", err)
		}
	}
	jobs, err := s.store.Unfinished()
	if err != nil {
		return fmt.Errorf("resume jobs: %w", err)
	}
	var resumed []Job
	s.mu.Lock()
	for _, p := range known {
		q := s.queueLocked(p.ID)
		if q.present {
			continue
		}
		p.Status = Status{State: PrinterOffline, Reasons: []string{ReasonDisconnected}}
		q.printer, q.remembered, q.saved = p, true, rememberedView(p)
	}
	for _, j := range jobs {
		q := s.queueLocked(j.Printer)
		if j.State == JobSending {
			j.Reason = "resent_after_restart"
		}
		j.State = JobQueued
		q.entries = append(q.entries, &entry{job: j, stored: true})
		resumed = append(resumed, j)
	}
	s.mu.Unlock()
	if len(resumed) > 0 {
		s.log.Info("resuming unfinished jobs", "count", len(resumed))
	}
	return nil
}

// Stop stops every worker. Jobs stay stored and resume on the next Start.
// A send under way is given until ctx ends to finish.
func (s *Spooler) Stop(ctx context.Context) error {
	s.mu.Lock()
	s.stopped = true
	for _, q := range s.queues {
		q.poke()
	}
	s.mu.Unlock()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
	s.cancel()
	<-done
	s.mu.Lock()
	var open []Transport
	for _, q := range s.queues {
		open = append(open, q.transport)
	}
	s.mu.Unlock()
	for _, t := range open {
		closeTransport(t)
	}
	return nil
}

// closeTransport releases t if it holds resources. Closing may do I/O, so
// it is never called with s.mu held.
func closeTransport(t Transport) {
	if c, ok := t.(Closer); ok {
		_ = c.Close()
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

// queueLocked returns the queue for id, creating an absent one. s.mu held.
func (s *Spooler) queueLocked(id string) *queue {
	q, ok := s.queues[id]
	if !ok {
		q = &queue{
			printer: Printer{ID: id, Name: id},
			wake:    make(chan struct{}, 1),
		}
		s.queues[id] = q
		s.wg.Add(1)
		go s.work(id, q)
	}
	return q
}

func (q *queue) poke() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

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
	p := q.printer
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

// blockLocked says why q cannot send now ("" when it can).
func (s *Spooler) blockLocked(q *queue) string {
	switch {
	case s.paused:
		return ReasonPaused
	case !q.present:
		return ReasonDisconnected
	case !q.printer.Status.Ready():
		if len(q.printer.Status.Reasons) > 0 {
			return q.printer.Status.Reasons[0]
		}
		return q.printer.Status.State
	case q.failure != "":
		return q.failure
	}
	return ""
}

func (s *Spooler) publishPrinters() {
	s.events.publish(Event{Kind: EventPrinters, Printers: s.Printers()})
}

func (s *Spooler) publishJob(j Job) {
	s.events.publish(Event{Kind: EventJob, Job: j})
}

// Request is a print request as the API receives it.
type Request struct {
	Printer        string // "": the default printer
	Origin         string
	Title          string
	Copies         int // 0 means 1
	IdempotencyKey string
	Label          json.RawMessage // the label model, or
	Raw            []byte          // raw printer commands
	Language       string          // the language of Raw, if known
}

// SubmitResult is the outcome of a Submit.
type SubmitResult struct {
	Job Job
	// Existing is true when the idempotency key matched an earlier job.
	Existing bool
	Err      error
}

// Submit validates and queues a print request. Checks that need no disk
// (bad params, unknown printer, full queue, a label that does not compile)
// fail at once; otherwise the channel yields the job once it is durably
// stored. Requests submitted one after another by one goroutine print in
// that order.
func (s *Spooler) Submit(req Request) <-chan SubmitResult {
	return s.SubmitContext(context.Background(), req)
}

// SubmitContext is Submit whose label compiling stops (with ctx's error)
// when ctx is done, e.g. when the requesting connection closes.
func (s *Spooler) SubmitContext(ctx context.Context, req Request) <-chan SubmitResult {
	out := make(chan SubmitResult, 1)
	j, payload, q, e, err := s.prepare(ctx, req)
	if err != nil {
		out <- SubmitResult{Err: err}
		return out
	}
	created := s.store.CreateAsync(NewJob{Job: j, Payload: payload, Source: req.Label})
	go func() {
		r := <-created
		out <- s.finishSubmit(q, e, r)
	}()
	return out
}

// SubmitWait is Submit that waits for the result.
func (s *Spooler) SubmitWait(ctx context.Context, req Request) (SubmitResult, error) {
	select {
	case r := <-s.SubmitContext(ctx, req):
		return r, r.Err
	case <-ctx.Done():
		return SubmitResult{}, ctx.Err()
	}
}

func (s *Spooler) prepare(ctx context.Context, req Request) (Job, []byte, *queue, *entry, error) {
	copies := req.Copies
	if copies == 0 {
		copies = 1
	}
	if copies < 0 || copies > s.opt.MaxCopies {
		return Job{}, nil, nil, nil, errorf(ErrReasonInvalidParams, "copies: must be 1 to %d, got %d", s.opt.MaxCopies, copies)
	}
	if (req.Label == nil) == (req.Raw == nil) {
		return Job{}, nil, nil, nil, errorf(ErrReasonInvalidParams, "exactly one of label or raw is required")
	}
	if len(req.Title) > 256 || len(req.IdempotencyKey) > 256 {
		return Job{}, nil, nil, nil, errorf(ErrReasonInvalidParams, "title and idempotencyKey: at most 256 bytes")
	}

	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return Job{}, nil, nil, nil, errorf(ErrReasonUnavailable, "agent is shutting down")
	}
	id := req.Printer
	if id == "" {
		id = s.defaultLocked()
	}
	// A printer seen during this run or remembered from an earlier one
	// takes jobs even while unplugged (they are held until it is back); so
	// does the chosen default before it is first plugged in. A never-seen
	// id is printer_not_found.
	q, ok := s.queues[id]
	if !ok && id == s.defaultLocked() {
		q, ok = s.queueLocked(id), true
	}
	if !ok {
		s.mu.Unlock()
		return Job{}, nil, nil, nil, errorf(ErrReasonPrinterNotFound, "printer %q not found", id)
	}
	printer := q.printer
	s.mu.Unlock()

	var payload []byte
	lang := req.Language
	if req.Label != nil {
		if s.compiler == nil {
			return Job{}, nil, nil, nil, errorf(ErrReasonInvalidParams, "labels are not supported by this build")
		}
		if printer.Language == "" {
			return Job{}, nil, nil, nil, errorf(ErrReasonPrinterNotFound, "printer %q is not connected, so its language is unknown: send raw data or plug it in", id)
		}
		out, err := s.compiler.Compile(ctx, req.Label, printer, req.Copies)
		if err != nil {
			return Job{}, nil, nil, nil, err
		}
		payload, lang, copies = out.Data, out.Language, max(out.Copies, 1)
	} else {
		if len(req.Raw) == 0 {
			return Job{}, nil, nil, nil, errorf(ErrReasonInvalidParams, "raw: no data")
		}
		if lang != "" && printer.Language != "" && printer.Connection != ConnVirtual && lang != printer.Language {
			return Job{}, nil, nil, nil, errorf("language_mismatch", "raw data is %s but printer %q speaks %s", lang, id, printer.Language)
		}
		if len(req.Raw)*copies > s.opt.MaxJobBytes {
			return Job{}, nil, nil, nil, errorf(ErrReasonPayloadTooLarge, "job is %d bytes (%d copies), over the limit of %d bytes", len(req.Raw)*copies, copies, s.opt.MaxJobBytes)
		}
		payload = bytes.Repeat(req.Raw, copies)
	}
	if len(payload) > s.opt.MaxJobBytes {
		return Job{}, nil, nil, nil, errorf(ErrReasonPayloadTooLarge, "job is %d bytes, over the limit of %d bytes", len(payload), s.opt.MaxJobBytes)
	}
	if lang == "" {
		lang = printer.Language
	}

	j := Job{
		State: JobQueued, Printer: id, Origin: req.Origin, Title: req.Title,
		Copies: copies, IdempotencyKey: req.IdempotencyKey, Language: lang, Bytes: len(payload),
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(q.entries) >= s.opt.QueueDepth {
		return Job{}, nil, nil, nil, errorf(ErrReasonQueueFull, "printer %q has %d jobs waiting (the limit)", id, len(q.entries))
	}
	e := &entry{job: j}
	if reason := s.blockLocked(q); reason != "" {
		// Stored held from the start; the worker flips it if that changes.
		e.job.State, e.job.Reason, e.heldSince = JobHeld, reason, s.opt.Now()
	}
	q.entries = append(q.entries, e)
	return e.job, payload, q, e, nil
}

func (s *Spooler) finishSubmit(q *queue, e *entry, r CreateResult) SubmitResult {
	q.persistMu.Lock()
	defer q.persistMu.Unlock()
	s.mu.Lock()
	if r.Err != nil || r.Existing {
		q.removeLocked(e)
		q.poke()
		s.mu.Unlock()
		if r.Err != nil {
			return SubmitResult{Err: &Error{Code: ErrReasonStoreFailed, Msg: "store job", Err: r.Err}}
		}
		return SubmitResult{Job: s.liveJob(r.Job), Existing: true}
	}
	e.job = r.Job
	e.stored = true
	j := e.job
	q.poke()
	s.mu.Unlock()
	s.publishJob(j)
	return SubmitResult{Job: j}
}

func (q *queue) removeLocked(e *entry) {
	for i, x := range q.entries {
		if x == e {
			q.entries = append(q.entries[:i], q.entries[i+1:]...)
			return
		}
	}
}

// liveJob returns the in-memory state of an unfinished job, or j as stored.
func (s *Spooler) liveJob(j Job) Job {
	s.mu.Lock()
	defer s.mu.Unlock()
	if q, ok := s.queues[j.Printer]; ok {
		for _, e := range q.entries {
			if e.stored && e.job.ID == j.ID {
				return e.job
			}
		}
	}
	return j
}

// Job returns one job.
func (s *Spooler) Job(id string) (Job, error) {
	j, err := s.store.Get(id)
	if errors.Is(err, ErrNotFound) {
		return Job{}, errorf(ErrReasonJobNotFound, "job %q not found", id)
	}
	if err != nil {
		return Job{}, &Error{Code: ErrReasonStoreFailed, Msg: "read job", Err: err}
	}
	return s.liveJob(j), nil
}

// Jobs lists jobs, newest first: unfinished ones as they are now, finished
// ones from history. Every unfinished job is in memory, so a filter on an
// unfinished state reads no history; otherwise the store gets the filter and
// limit and reads only what it needs.
func (s *Spooler) Jobs(f JobFilter) ([]Job, error) {
	if f.State != "" && !f.State.Terminal() {
		return s.unfinishedJobs(f), nil
	}
	stored, err := s.store.List(f)
	if err != nil {
		return nil, &Error{Code: ErrReasonStoreFailed, Msg: "list jobs", Err: err}
	}
	if f.State != "" {
		return stored, nil
	}
	var live map[string]Job
	for i, j := range stored {
		if j.State.Terminal() {
			continue
		}
		if live == nil {
			live = s.liveJobs()
		}
		if l, ok := live[j.ID]; ok {
			stored[i] = l
		}
	}
	return stored, nil
}

// liveJobs is the in-memory state of every stored unfinished job, by id.
func (s *Spooler) liveJobs() map[string]Job {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]Job{}
	for _, q := range s.queues {
		for _, e := range q.entries {
			if e.stored {
				out[e.job.ID] = e.job
			}
		}
	}
	return out
}

// unfinishedJobs lists the stored unfinished jobs f matches, newest first
// (ids sort in creation order).
func (s *Spooler) unfinishedJobs(f JobFilter) []Job {
	s.mu.Lock()
	out := []Job{}
	for _, q := range s.queues {
		for _, e := range q.entries {
			if e.stored && f.Match(e.job) {
				out = append(out, e.job)
			}
		}
	}
	s.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].ID > out[j].ID })
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out
}

// Cancel cancels a queued or held job.
func (s *Spooler) Cancel(id string) (Job, error) {
	j, err := s.Job(id)
	if err != nil {
		return Job{}, err
	}
	s.mu.Lock()
	q := s.queues[j.Printer]
	s.mu.Unlock()
	if q == nil {
		return Job{}, errorf(ErrReasonInvalidState, "job %q is %s: only queued or held jobs can be canceled", id, j.State)
	}
	q.persistMu.Lock()
	defer q.persistMu.Unlock()
	s.mu.Lock()
	var e *entry
	for _, x := range q.entries {
		if x.stored && x.job.ID == id {
			e = x
		}
	}
	if e == nil || e.job.State == JobSending {
		state := j.State
		if e != nil {
			state = e.job.State
		}
		s.mu.Unlock()
		return Job{}, errorf(ErrReasonInvalidState, "job %q is %s: only queued or held jobs can be canceled", id, state)
	}
	canceled := e.job
	canceled.State, canceled.Reason, canceled.UpdatedAt = JobCanceled, ReasonCanceled, s.opt.Now().UTC()
	s.mu.Unlock()
	// Store before memory: until the cancel is durable the job stays queued
	// (persistMu keeps the worker from taking it meanwhile), so a failed
	// write leaves things as the store says they are.
	if err := s.store.Put(s.ctx, canceled); err != nil {
		return Job{}, &Error{Code: ErrReasonStoreFailed, Msg: "record cancel", Err: err}
	}
	s.mu.Lock()
	q.removeLocked(e)
	e.job = canceled
	q.poke()
	s.mu.Unlock()
	s.publishJob(canceled)
	return canceled, nil
}

// Retry puts a failed or canceled job back at the end of its printer's
// queue. A done job is printed again as a new job (a reprint).
func (s *Spooler) Retry(ctx context.Context, id string) (Job, error) {
	j, err := s.Job(id)
	if err != nil {
		return Job{}, err
	}
	switch j.State {
	case JobDone:
		data, err := s.store.Payload(id)
		if err != nil {
			return Job{}, &Error{Code: ErrReasonStoreFailed, Msg: "read job data", Err: err}
		}
		// Copies are already in the stored bytes.
		r, err := s.SubmitWait(ctx, Request{Printer: j.Printer, Origin: j.Origin, Title: j.Title, Raw: data, Language: j.Language})
		if err != nil {
			return Job{}, err
		}
		return r.Job, nil
	case JobFailed, JobCanceled:
	default:
		return Job{}, errorf(ErrReasonInvalidState, "job %q is %s: only failed, canceled or done jobs can be retried", id, j.State)
	}
	s.mu.Lock()
	q, ok := s.queues[j.Printer]
	if !ok || (!q.present && !q.remembered && j.Printer != s.defaultLocked()) {
		s.mu.Unlock()
		return Job{}, errorf(ErrReasonPrinterNotFound, "printer %q not found", j.Printer)
	}
	s.mu.Unlock()
	q.persistMu.Lock()
	defer q.persistMu.Unlock()
	s.mu.Lock()
	for _, x := range q.entries {
		if x.job.ID == id {
			j = x.job
			s.mu.Unlock()
			return j, nil // retried already
		}
	}
	if len(q.entries) >= s.opt.QueueDepth {
		s.mu.Unlock()
		return Job{}, errorf(ErrReasonQueueFull, "printer %q has %d jobs waiting (the limit)", j.Printer, len(q.entries))
	}
	s.mu.Unlock()
	// Read it again under persistMu (the worker records outcomes under it):
	// a retry racing this one may have queued and finished it meanwhile.
	if cur, err := s.store.Get(id); err != nil {
		return Job{}, &Error{Code: ErrReasonStoreFailed, Msg: "read job", Err: err}
	} else if cur.State != JobFailed && cur.State != JobCanceled {
		return Job{}, errorf(ErrReasonInvalidState, "job %q is %s: only failed, canceled or done jobs can be retried", id, cur.State)
	} else {
		j = cur
	}
	s.mu.Lock()
	now := s.opt.Now()
	j.State, j.Reason, j.Detail, j.UpdatedAt, j.DoneAt = JobQueued, "", "", now.UTC(), nil
	e := &entry{job: j, stored: true}
	if reason := s.blockLocked(q); reason != "" {
		e.job.State, e.job.Reason, e.heldSince = JobHeld, reason, now
	}
	j = e.job
	s.mu.Unlock()
	// Store before memory: the job joins its queue only once the retry is
	// durable, so a failed write never prints it.
	if err := s.store.Put(ctx, j); err != nil {
		return Job{}, &Error{Code: ErrReasonStoreFailed, Msg: "record retry", Err: err}
	}
	s.mu.Lock()
	q.entries = append(q.entries, e)
	q.poke()
	s.mu.Unlock()
	s.publishJob(j)
	return j, nil
}
