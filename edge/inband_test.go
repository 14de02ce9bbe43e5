package edge

import (
	"io"
	"net/http"
	"slices"
	"testing"
)

// TestSitesInBand: the check is the Sites check (an unknown origin is
// recorded as pending), but every caller reaches the handler, which learns
// from Peer.Refusal whether, and why, to refuse in its own protocol.
func TestSitesInBand(t *testing.T) {
	g := &gate{}
	e := New(Options{Port: port, Gate: g})
	e.Handle("/", Policy{Access: SitesInBand, Stream: true}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := PeerOf(r)
		_, _ = io.WriteString(w, p.Origin+"|"+p.Refusal)
	}))
	tests := []struct {
		name, origin, host string
		status             int
		want               string
	}{
		{"allowed", "https://ok.example", "", 200, "https://ok.example|"},
		{"pending", "https://new.example", "", 200, "https://new.example|origin_not_allowed"},
		{"denied", "https://bad.example", "", 200, "https://bad.example|origin_denied"},
		{"invalid", "null", "", 200, "null|origin_invalid"},
		{"no Origin", "", "", 200, "|origin_missing"},
		{"own origin", "http://localhost:19810", "", 200, "http://localhost:19810|"},
		{"foreign Host is still refused by HTTP", "https://ok.example", "evil.example:19810", 403, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := req{path: "/any/path", origin: tt.origin, host: tt.host}.do(e)
			if w.Code != tt.status || (tt.want != "" && w.Body.String() != tt.want) {
				t.Errorf("got %d %q, want %d %q", w.Code, w.Body.String(), tt.status, tt.want)
			}
		})
	}
	if !slices.Contains(g.checked, "https://new.example") {
		t.Errorf("the unknown origin was not recorded as pending: checked %q", g.checked)
	}
}
