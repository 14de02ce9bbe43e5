package ports

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/labelbridge/labelbridge/edge"
	"github.com/labelbridge/labelbridge/wire"
)

// Switch is one loopback listener that can be turned on and off (Browser
// Print's, QZ Tray's, the agent's wss). While on, a port that is taken is
// recorded in the book with who holds it and tried again every Retry.
// Fill in the exported fields before the first Enable and leave them
// alone after. Its methods are safe for concurrent use.
type Switch struct {
	Book *Book
	Log  *slog.Logger // nil: no log
	Name string       // the listener's name in the book and the log
	URL  string       // the listener's URL with %d for the port
	Fix  string       // what to do when the port is taken (see Explain)
	// Serve is handed the bound listeners and must return at once. It
	// runs with the switch's lock held: it must not call this switch.
	Serve func(ls []net.Listener)
	// After is the retry clock; nil is time.After. Tests hand in a
	// channel of their own to trigger retries.
	After func(time.Duration) <-chan time.Time

	mu    sync.Mutex
	st    State
	stop  context.CancelFunc // ends the retries under way; nil: none
	retry chan struct{}      // closed when those retries have ended
}

// State is what a switch is doing: off, on and listening, or on and
// waiting for its port (Error says why, Holder who holds it).
type State struct {
	On, Listening bool
	Port          int
	Error, Holder string
}

// Enable turns the switch on at port: it binds at once and, while the
// port is taken, again every Retry until Disable or ctx ends. Enabling a
// switch that already listens on port does nothing; one that waits for
// it tries again now. At another port it starts over there (what Serve
// was handed stays the owner's to close).
func (s *Switch) Enable(ctx context.Context, port int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.On && s.st.Listening && s.st.Port == port {
		return
	}
	s.endRetries()
	s.st = State{On: true, Port: port}
	if s.try() {
		return
	}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	s.stop, s.retry = cancel, done
	go s.retryLoop(rctx, done)
}

// Disable turns the switch off: it stops trying, waits for a try under
// way and forgets the listener in the book. Closing what Serve was handed
// is the owner's.
func (s *Switch) Disable() {
	s.mu.Lock()
	done := s.endRetries()
	on := s.st.On
	s.st = State{}
	if on {
		s.Book.Drop(s.Name)
	}
	s.mu.Unlock()
	if done != nil {
		<-done
	}
}

// State is the switch's state now.
func (s *Switch) State() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st
}

// endRetries stops the retries under way (they check under the lock
// before each try) and answers their done channel. s.mu is held.
func (s *Switch) endRetries() <-chan struct{} {
	if s.stop == nil {
		return nil
	}
	s.stop()
	done := s.retry
	s.stop, s.retry = nil, nil
	return done
}

// retryLoop tries again every Retry until a try binds or ctx ends.
func (s *Switch) retryLoop(ctx context.Context, done chan struct{}) {
	defer close(done)
	after := s.After
	if after == nil {
		after = time.After
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-after(Retry):
		}
		s.mu.Lock()
		stop := ctx.Err() != nil || s.try()
		s.mu.Unlock()
		if stop {
			return
		}
	}
}

// try binds the port, hands the listeners to Serve and records the
// outcome; it reports whether the port is served. s.mu is held.
func (s *Switch) try() bool {
	log := s.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	port := s.st.Port
	url := fmt.Sprintf(s.URL, port)
	ls, err := edge.Listen(port)
	if err != nil {
		s.st.Error, s.st.Holder = Explain(port, err, s.Fix)
		s.Book.Set(wire.Listener{Name: s.Name, URL: url, Error: s.st.Error, Holder: s.st.Holder})
		log.Warn(s.Name+" cannot listen; trying again every 30 s", "port", port, "err", s.st.Error)
		return false
	}
	s.Serve(ls)
	s.st.Listening, s.st.Error, s.st.Holder = true, "", ""
	s.Book.Set(wire.Listener{Name: s.Name, URL: url, Listening: true})
	log.Info(s.Name+" listening", "url", url)
	return true
}

// wait waits for the retries under way to end (ctx's end or a bind).
func (s *Switch) wait() {
	s.mu.Lock()
	done := s.retry
	s.mu.Unlock()
	if done != nil {
		<-done
	}
}
