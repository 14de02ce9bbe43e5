package main

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"syscall"

	"github.com/labelbridge/labelbridge/internal/portowner"
	"github.com/labelbridge/labelbridge/wire"
)

// portBook is the state of every listener the agent opens besides its API
// port (wss, Browser Print and its https, QZ Tray's): whether each could
// bind its port and, when not, who holds it. The log says it when it
// happens; the tray lists the problems; the panel shows the book
// (trust.get).
type portBook struct {
	mu       sync.Mutex
	m        map[string]wire.Listener
	onChange []func()
}

func newPortBook() *portBook { return &portBook{m: map[string]wire.Listener{}} }

// set records a listener's state (Listening, or Error and Holder).
func (b *portBook) set(l wire.Listener) {
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

// drop forgets a listener (turned off).
func (b *portBook) drop(name string) {
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
func (b *portBook) OnChange(fn func()) {
	b.mu.Lock()
	b.onChange = append(b.onChange, fn)
	b.mu.Unlock()
}

// list is every listener, by name.
func (b *portBook) list() []wire.Listener {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]wire.Listener, 0, len(b.m))
	for _, l := range b.m {
		out = append(out, l)
	}
	slices.SortFunc(out, func(x, y wire.Listener) int { return strings.Compare(x.Name, y.Name) })
	return out
}

// problems are the tray's sentences for listeners that could not bind.
func (b *portBook) problems() []string {
	var out []string
	for _, l := range b.list() {
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

// portError explains a failed bind of port: who holds it and what to do
// (fix: e.g. "quit it, or set tlsPort"). holder is "" when unknown.
func portError(port int, err error, fix string) (msg, holder string) {
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
