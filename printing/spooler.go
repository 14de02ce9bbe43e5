package printing

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
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
	// A batch (BatchCompiler) also gives the labels it prints (copies
	// included), the title filled from its first row and its first label,
	// filled (Source, for previews).
	Labels int
	Title  string
	Source []byte
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
	// PrinterSettings are the configured print and media settings by
	// printer id (printersettings.go).
	PrinterSettings map[string]PrinterSettings
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
//
// The code is split by concern: this file (the type, its locks, start and
// stop, queues), worker.go (sending, holding, retrying), submit.go,
// jobs.go (queries), jobactions.go (cancel, retry), printers.go,
// default.go (the default printer rule) and events.go.
//
// # Locks
//
// Three kinds of mutex, always taken in this order:
//
//  1. queue.persistMu, one per printer, orders the store writes for that
//     queue's jobs and the job events that follow them (the worker recording
//     states, a submit being confirmed, Cancel, Retry), so memory, store and
//     events agree. Store I/O for the queue's jobs is done under it on
//     purpose. Never hold two queues' persistMu at once.
//  2. Spooler.mu guards all in-memory state: the queues and every field of
//     a queue and its entries, defaultID, paused, stopped. It is held for
//     memory work only: never across store I/O, a transport's Send,
//     QueryStatus or Close, label compiling, Options.SaveDefault, or an
//     event publish (publishPrinters takes mu itself).
//  3. hub.mu (events.go) guards the subscriptions. publish holds it only
//     for non-blocking channel sends and takes no other lock.
//
// So persistMu may be held while taking mu or hub.mu, but mu is never held
// while taking persistMu or hub.mu. The only channel sends under mu or
// hub.mu are non-blocking (queue.poke, hub.publish); anything that may
// block or do I/O is prepared under mu and done after unlocking (see
// closeTransport). Transports lock themselves; the spooler never holds its
// locks while calling them.
type Spooler struct {
	opt      Options
	store    JobStore
	compiler LabelCompiler
	log      *slog.Logger
	events   *hub

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu        sync.Mutex // see Locks above; guards what follows and all queue state
	queues    map[string]*queue
	defaultID string // chosen default (persisted through SaveDefault)
	paused    bool
	stopped   bool
	settings  map[string]PrinterSettings // by printer id (printersettings.go)
}

// queue is one printer's state and its unfinished jobs in order. Its fields
// are guarded by Spooler.mu, except wake (set once, sent to without
// blocking) and persistMu.
type queue struct {
	persistMu sync.Mutex // orders store writes and events for this queue's jobs; taken before Spooler.mu

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
		settings: maps.Clone(opt.PrinterSettings),
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

func (q *queue) removeLocked(e *entry) {
	for i, x := range q.entries {
		if x == e {
			q.entries = append(q.entries[:i], q.entries[i+1:]...)
			return
		}
	}
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
