package discovery

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/printing"
)

// A loop that panics, one this build lacks and one that fails are each
// logged once and never take the caller down; one that runs until the
// context ends is not logged at all.
func TestStartContainsEveryWatcher(t *testing.T) {
	var buf bytes.Buffer
	var mu sync.Mutex
	lines := make(chan struct{}, 16)
	log := slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		lines <- struct{}{}
		return buf.Write(p)
	}), nil))
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	ws := []Watcher{
		{Name: "crashy", Run: func(context.Context, *printing.Spooler, *slog.Logger) error {
			var m map[string]int
			m["x"] = 1 // panics
			return nil
		}},
		{Name: "absent", Run: func(context.Context, *printing.Spooler, *slog.Logger) error {
			return fmt.Errorf("no libusb in this build: %w", errors.ErrUnsupported)
		}},
		{Name: "broken", Run: func(context.Context, *printing.Spooler, *slog.Logger) error {
			return errors.New("device list failed")
		}},
		{Name: "steady", Run: func(ctx context.Context, _ *printing.Spooler, _ *slog.Logger) error {
			<-ctx.Done()
			return errors.New("stopped at the end")
		}},
	}
	Start(ctx, &wg, ws, nil, log)
	// The three loops that stop early are logged before the context ends
	// (a loop that stops after it is a shutdown, not logged).
	for i := range 3 {
		select {
		case <-lines:
		case <-time.After(10 * time.Second):
			mu.Lock()
			defer mu.Unlock()
			t.Fatalf("only %d of 3 loops were logged:\n%s", i, buf.String())
		}
	}
	cancel()
	wg.Wait()
	got := buf.String()
	for _, want := range []string{
		`level=WARN msg="printer discovery stopped" discovery=crashy err="crashy discovery crashed: assignment to entry in nil map"`,
		`level=INFO msg="printer discovery not available in this build" discovery=absent`,
		`level=WARN msg="printer discovery stopped" discovery=broken err="device list failed"`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("log lacks %s:\n%s", want, got)
		}
	}
	if strings.Contains(got, "steady") || strings.Count(got, "\n") != 3 {
		t.Errorf("want exactly the three lines above:\n%s", got)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
