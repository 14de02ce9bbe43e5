package ports

import (
	"context"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"
)

// hogPort holds a free loopback port, as another program would.
func hogPort(t *testing.T) (net.Listener, int) {
	t.Helper()
	hog, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hog.Close() })
	return hog, hog.Addr().(*net.TCPAddr).Port
}

// testSwitch is a switch whose retries the test triggers through tick and
// whose served listeners arrive on served (and are closed at the end).
func testSwitch(t *testing.T) (s *Switch, tick chan time.Time, served chan []net.Listener) {
	tick = make(chan time.Time)
	served = make(chan []net.Listener, 4)
	s = &Switch{Book: NewBook(), Name: "Test", URL: "http://127.0.0.1:%d/", Fix: "quit it",
		Serve: func(ls []net.Listener) { served <- ls },
		After: func(d time.Duration) <-chan time.Time {
			if d != Retry {
				t.Errorf("retry after %v, want %v", d, Retry)
			}
			return tick
		}}
	t.Cleanup(func() {
		s.Disable()
		for {
			select {
			case ls := <-served:
				for _, l := range ls {
					l.Close()
				}
			default:
				return
			}
		}
	})
	return s, tick, served
}

// TestSwitchRetriesATakenPort: a taken port is an error in the state and
// the book, tried again on each tick (still taken: still the error), and
// served on the first tick after it is free.
func TestSwitchRetriesATakenPort(t *testing.T) {
	hog, port := hogPort(t)
	s, tick, served := testSwitch(t)
	changed := make(chan struct{}, 16)
	s.Book.OnChange(func() { changed <- struct{}{} })
	s.Enable(t.Context(), port)
	st := s.State()
	if !st.On || st.Listening || st.Port != port || !strings.Contains(st.Error, "in use by") || !strings.Contains(st.Error, "quit it") {
		t.Fatalf("state with the port taken: %+v", st)
	}
	if b := s.Book.List(); len(b) != 1 || b[0].Listening || b[0].Error != st.Error {
		t.Fatalf("book with the port taken: %+v", b)
	}
	<-changed
	tick <- time.Time{}
	tick <- time.Time{} // taken by the loop only after the first retry's try
	if st := s.State(); st.Listening || st.Error == "" {
		t.Fatalf("state after a retry with the port still taken: %+v", st)
	}
	hog.Close()
	for listening := false; !listening; { // the second retry may have found the port free
		select {
		case tick <- time.Time{}:
		case <-changed:
			listening = true
		}
	}
	if st := s.State(); !st.On || !st.Listening || st.Error != "" || st.Holder != "" {
		t.Fatalf("state after the port was freed: %+v", st)
	}
	if b := s.Book.List(); len(b) != 1 || !b[0].Listening || b[0].URL != "http://127.0.0.1:"+strconv.Itoa(port)+"/" {
		t.Fatalf("book after the port was freed: %+v", b)
	}
	if ls := <-served; len(ls) == 0 {
		t.Fatal("served no listeners")
	}
}

// TestSwitchEnableAgain: enabling a switch that listens at the port does
// nothing; one waiting for its port tries again at once, without a tick.
func TestSwitchEnableAgain(t *testing.T) {
	hog, port := hogPort(t)
	s, _, served := testSwitch(t)
	s.Enable(t.Context(), port)
	if s.State().Listening {
		t.Fatal("listening on a taken port")
	}
	hog.Close()
	s.Enable(t.Context(), port)
	if st := s.State(); !st.Listening {
		t.Fatalf("enable again after the port was freed: %+v", st)
	}
	s.Enable(t.Context(), port)
	if n := len(served); n != 1 {
		t.Fatalf("served %d times, want once", n)
	}
}

// TestSwitchDisable: turning a waiting switch off ends its retries (the
// port, freed, stays free), forgets it in the book and says off.
func TestSwitchDisable(t *testing.T) {
	hog, port := hogPort(t)
	s, _, served := testSwitch(t)
	s.Enable(t.Context(), port)
	s.Disable()
	hog.Close()
	if st := s.State(); st != (State{}) {
		t.Fatalf("state after Disable: %+v", st)
	}
	if b := s.Book.List(); len(b) != 0 {
		t.Fatalf("book after Disable: %+v", b)
	}
	if len(served) != 0 {
		t.Fatal("served after Disable")
	}
	l, err := net.Listen("tcp4", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		t.Fatalf("port %d after Disable: %v", port, err)
	}
	l.Close()
}

// TestSwitchContextEndsRetries: the end of Enable's context ends the
// retries; the state stays as it was.
func TestSwitchContextEndsRetries(t *testing.T) {
	_, port := hogPort(t)
	s, _, _ := testSwitch(t)
	ctx, cancel := context.WithCancel(t.Context())
	s.Enable(ctx, port)
	cancel()
	s.wait()
	if st := s.State(); !st.On || st.Error == "" {
		t.Fatalf("state after the context ended: %+v", st)
	}
}
