package localca

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/labelbridge/labelbridge/internal/ports"
	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/wire"
)

// Without a CA (its folder cannot be made) the agent runs on: trust.get
// says why, with the port book's listeners, and trust.install refuses
// with unavailable.
func TestNoCAIsExplained(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	book := ports.NewBook()
	book.Set(wire.Listener{Name: "wss", URL: "wss://127.0.0.1:1/ws", Listening: true})
	s := Open(filepath.Join(file, "tls"), Options{Ports: book})
	if s.CA != nil || s.Err == nil || !strings.Contains(s.Err.Error(), "no local certificate") {
		t.Fatalf("CA %v, err %v", s.CA, s.Err)
	}
	if s.TLSConfig() != nil {
		t.Error("TLSConfig without a CA")
	}
	st := s.State()
	if st.Error == "" || st.Explain != st.Error || len(st.Listeners) != 1 || st.Stores == nil {
		t.Errorf("state: %+v", st)
	}
	if _, err := s.Install(context.Background(), nil); printing.ReasonOf(err, "") != printing.ErrReasonUnavailable {
		t.Errorf("install: %v", err)
	}
}
