package wsserver

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labelbridge/labelbridge/sites"
)

// A flood of refused handshakes (one origin, many origins, foreign Hosts)
// writes a bounded number of log lines: the first per origin, then
// summaries with the count of suppressed ones.
func TestRefusalLogIsRateLimited(t *testing.T) {
	var buf bytes.Buffer
	gate, err := sites.New(sites.Options{Defaults: []string{"http://localhost:*"}})
	if err != nil {
		t.Fatal(err)
	}
	s := New(nil, gate, Options{Port: 19810, Logger: slog.New(slog.NewTextHandler(&buf, nil))})
	refuse := func(host, origin string) {
		r := httptest.NewRequest(http.MethodGet, "http://"+host+"/ws", nil)
		r.Header.Set("Origin", origin)
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != http.StatusForbidden {
			t.Fatalf("%s from %s: status %d, want 403", host, origin, w.Code)
		}
	}
	for i := range 10000 {
		switch i % 3 {
		case 0:
			refuse("127.0.0.1:19810", "https://evil.example")
		case 1:
			refuse("127.0.0.1:19810", fmt.Sprintf("https://e%d.example", i))
		default:
			refuse("attacker.example:19810", "https://evil.example")
		}
	}
	out := buf.String()
	if n := strings.Count(out, "\n"); n > 50 {
		t.Fatalf("%d log lines for 10000 refusals:\n%.2000s", n, out)
	}
	for _, want := range []string{`msg="refused WebSocket" origin=https://evil.example`, "refused request with foreign Host", "other_keys=true"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}
