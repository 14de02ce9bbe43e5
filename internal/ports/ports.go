// Package ports is the book of the agent's extra listeners (wss, Browser
// Print and its https, QZ Tray's): whether each could bind its port and,
// when not, who holds it and what to do. Listeners retry a taken port
// (Switch: on and off from the panel; Serve: once, until served); the
// tray lists the problems; the panel shows the book (trust.get).
package ports

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/labelbridge/labelbridge/internal/portowner"
	"github.com/labelbridge/labelbridge/wire"
)

// Retry is how often a listener whose port is taken tries again.
const Retry = 30 * time.Second

// Book is the state of every listener the agent opens besides its API
// port. The zero value is not usable: use NewBook.
type Book struct {
	mu       sync.Mutex
	m        map[string]wire.Listener
	onChange []func()
}

// NewBook is an empty book.
func NewBook() *Book { return &Book{m: map[string]wire.Listener{}} }

// Set records a listener's state (Listening, or Error and Holder).
func (b *Book) Set(l wire.Listener) {
	b.mu.Lock()
	old, had := b.m[l.Name]
	b.m[l.Name] = l
	fns := slices.Clone(b.onChange)
	b.mu.Unlock()
	if !had || old != l {
		for _, fn := range fns {
			fn()
		}
	}
}

// Drop forgets a listener (turned off).
func (b *Book) Drop(name string) {
	b.mu.Lock()
	_, had := b.m[name]
	delete(b.m, name)
	fns := slices.Clone(b.onChange)
	b.mu.Unlock()
	if had {
		for _, fn := range fns {
			fn()
		}
	}
}

// OnChange registers fn to run after a listener's state changes.
func (b *Book) OnChange(fn func()) {
	b.mu.Lock()
	b.onChange = append(b.onChange, fn)
	b.mu.Unlock()
}

// List is every listener, by name.
func (b *Book) List() []wire.Listener {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]wire.Listener, 0, len(b.m))
	for _, l := range b.m {
		out = append(out, l)
	}
	slices.SortFunc(out, func(x, y wire.Listener) int { return strings.Compare(x.Name, y.Name) })
	return out
}

// Problems are the tray's sentences for listeners that could not bind.
func (b *Book) Problems() []string {
	var out []string
	for _, l := range b.List() {
		if !l.Listening && l.Error != "" {
			out = append(out, l.Name+" is off: "+l.Error)
		}
	}
	return out
}

// knownHolders names the programs whose ports Labelbridge's drop-ins use,
// for when the OS cannot say who holds a port.
var knownHolders = map[int]string{
	9100: "Zebra Browser Print?", 9101: "Zebra Browser Print?",
	8181: "QZ Tray?", 8182: "QZ Tray?", 8282: "QZ Tray?", 8283: "QZ Tray?", 8383: "QZ Tray?", 8384: "QZ Tray?",
}

// Explain explains a failed bind of port: who holds it and what to do
// (fix: e.g. "quit it, or set tlsPort"). holder is "" when unknown.
func Explain(port int, err error, fix string) (msg, holder string) {
	if !errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Sprintf("cannot listen on 127.0.0.1:%d: %v", port, err), ""
	}
	holder = portowner.Name(port)
	who := holder
	if who == "" {
		who = "another program"
		if k := knownHolders[port]; k != "" {
			who += " (" + k + ")"
		}
	}
	return fmt.Sprintf("port %d is in use by %s: %s", port, who, fix), holder
}

// Serve binds port on loopback (retrying every Retry while it is taken,
// recording who holds it in the book under name) and hands the listeners
// to serve; it returns once served or when ctx ends. urlFmt is the
// listener's URL with %d for the port.
func (b *Book) Serve(ctx context.Context, log *slog.Logger, name string, port int, urlFmt, fix string, serve func([]net.Listener)) {
	served := make(chan struct{})
	s := &Switch{Book: b, Log: log, Name: name, URL: urlFmt, Fix: fix,
		Serve: func(ls []net.Listener) { serve(ls); close(served) }}
	s.Enable(ctx, port)
	select {
	case <-served:
	case <-ctx.Done():
		s.wait() // a try under way has ended: serve is not called later
	}
}
