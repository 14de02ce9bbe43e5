package wsconn

import (
	"net/http"
	"sync"

	"github.com/coder/websocket"
)

// Accept upgrades a request that the HTTP edge (package edge) has already
// checked (Host, Origin): coder/websocket's own Origin check, which would
// refuse every allowed cross-origin page, is off, and so is compression.
// subprotocols are the ones the server may name in its answer.
func Accept(w http.ResponseWriter, r *http.Request, subprotocols ...string) (*websocket.Conn, error) {
	return websocket.Accept(w, r, &websocket.AcceptOptions{
		InsecureSkipVerify: true,
		CompressionMode:    websocket.CompressionDisabled,
		Subprotocols:       subprotocols,
	})
}

// Set is a server's open connections, until it shuts down. The zero value
// is ready to use.
type Set[T comparable] struct {
	mu     sync.Mutex
	m      map[T]struct{}
	closed bool
}

// Closed reports whether Shut was called.
func (s *Set[T]) Closed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// Add adds c, unless Shut was called (false).
func (s *Set[T]) Add(c T) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	if s.m == nil {
		s.m = map[T]struct{}{}
	}
	s.m[c] = struct{}{}
	return true
}

// Remove removes c.
func (s *Set[T]) Remove(c T) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, c)
}

// List returns the connections open now.
func (s *Set[T]) List() []T {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.listLocked()
}

// Shut refuses connections from now on and returns those open, for the
// server to close.
func (s *Set[T]) Shut() []T {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return s.listLocked()
}

func (s *Set[T]) listLocked() []T {
	out := make([]T, 0, len(s.m))
	for c := range s.m {
		out = append(out, c)
	}
	return out
}
