package browserprint

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/labelbridge/labelbridge/internal/ports"
	"github.com/labelbridge/labelbridge/internal/porttest"
	"github.com/labelbridge/labelbridge/wire"
)

// TestCompatOnOff: the endpoint starts on a port another program holds
// (an error that names the fix, not a crash), is tried again at once by
// browserPrint.set, moves to another port, and turns off; the port book
// follows, with the https port's lack of a certificate.
func TestCompatOnOff(t *testing.T) {
	hog, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer hog.Close()
	port := hog.Addr().(*net.TCPAddr).Port
	book := ports.NewBook()
	changed := make(chan struct{}, 16)
	book.OnChange(func() { changed <- struct{}{} })
	c := NewCompat(nil, nil, nil, CompatOptions{Enabled: true, Port: port, TLSPort: porttest.Free(t), Ports: book, TLSErr: errors.New("no local CA")})
	ctx, cancel := context.WithCancel(t.Context())
	ran := make(chan struct{})
	go func() { defer close(ran); c.Run(ctx) }()
	defer func() { cancel(); <-ran }()
	<-changed

	get := func() wire.BrowserPrintState {
		t.Helper()
		s, err := c.Get(t.Context(), nil)
		if err != nil {
			t.Fatal(err)
		}
		return s.(wire.BrowserPrintState)
	}
	set := func(params string) wire.BrowserPrintState {
		t.Helper()
		s, err := c.Set(t.Context(), json.RawMessage(params))
		if err != nil {
			t.Fatal(err)
		}
		return s.(wire.BrowserPrintState)
	}
	if s := get(); !s.Enabled || s.Listening || s.Port != port || !strings.Contains(s.Error, "in use by") || !strings.Contains(s.Error, "browserPrint") {
		t.Fatalf("with the port taken: %+v", s)
	}
	hog.Close()
	if s := set(`{"enabled": true}`); !s.Listening || s.Error != "" {
		t.Fatalf("set again after the port was freed: %+v", s)
	}
	if b := book.List(); len(b) != 2 || !b[0].Listening || b[1].Name != bookTLSName || b[1].Error != "no local CA" {
		t.Fatalf("port book while listening: %+v", b)
	}
	other := porttest.Free(t)
	if s := set(`{"enabled": true, "port": ` + strconv.Itoa(other) + `}`); !s.Listening || s.Port != other {
		t.Fatalf("moved to port %d: %+v", other, s)
	}
	if s := set(`{"enabled": false}`); s.Enabled || s.Listening || s.Error != "" || s.Port != other {
		t.Fatalf("turned off: %+v", s)
	}
	if b := book.List(); len(b) != 0 {
		t.Fatalf("port book when off: %+v", b)
	}
}
