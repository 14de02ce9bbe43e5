package qz_test

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/labelbridge/labelbridge/internal/ports"
	"github.com/labelbridge/labelbridge/internal/porttest"
	"github.com/labelbridge/labelbridge/qz"
	"github.com/labelbridge/labelbridge/wire"
)

// TestCompatOnOff: QZ Tray compatibility with its ws:// port taken and,
// for one case, no certificate for wss:// says both in qzTray.get and the
// port book; qzTray.set tries again at once, and off empties the book.
func TestCompatOnOff(t *testing.T) {
	server, _ := selfSigned(t)
	for _, tc := range []struct {
		name   string
		tls    func() *tls.Config
		wssErr string // the state's error once ws:// listens
		wssUp  bool
	}{
		{"with a certificate", func() *tls.Config { return server }, "", true},
		{"without a certificate", nil, "wss:// is off: no local certificate (no local CA)", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hog, err := net.Listen("tcp4", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer hog.Close()
			port, securePort := hog.Addr().(*net.TCPAddr).Port, porttest.Free(t)
			book := ports.NewBook()
			changed := make(chan struct{}, 16)
			book.OnChange(func() { changed <- struct{}{} })
			q := qz.NewCompat(nil, nil, qz.CompatOptions{Enabled: true, Port: port, SecurePort: securePort,
				TLS: tc.tls, TLSErr: errors.New("no local CA"), Ports: book})
			ctx, cancel := context.WithCancel(t.Context())
			ran := make(chan struct{})
			go func() { defer close(ran); q.Run(ctx) }()
			defer func() { cancel(); <-ran }()
			<-changed

			call := func(m func(context.Context, json.RawMessage) (any, error), params string) wire.QZTrayState {
				t.Helper()
				s, err := m(t.Context(), json.RawMessage(params))
				if err != nil {
					t.Fatal(err)
				}
				return s.(wire.QZTrayState)
			}
			// Run has applied the start once the book changed; wss:// comes second.
			s := call(q.Get, "")
			if !s.Enabled || s.Listening || !strings.Contains(s.Error, "port "+strconv.Itoa(port)+" is in use by") || s.SecureListening != tc.wssUp {
				t.Fatalf("with the ws:// port taken: %+v", s)
			}
			hog.Close()
			s = call(q.Set, `{"enabled": true}`)
			if !s.Listening || s.SecureListening != tc.wssUp || s.Error != tc.wssErr {
				t.Fatalf("set again after the port was freed: %+v", s)
			}
			if b := book.List(); len(b) != 2 || !b[0].Listening || b[1].Listening != tc.wssUp || b[1].URL != "wss://localhost:"+strconv.Itoa(securePort) {
				t.Fatalf("port book while on: %+v", b)
			}
			s = call(q.Set, `{"enabled": false}`)
			if s.Enabled || s.Listening || s.SecureListening || s.Error != "" {
				t.Fatalf("turned off: %+v", s)
			}
			if b := book.List(); len(b) != 0 {
				t.Fatalf("port book when off: %+v", b)
			}
		})
	}
}
