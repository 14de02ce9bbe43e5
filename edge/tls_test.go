package edge

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/tlsca"
)

// TestServeTLS serves one edge on a plain and a TLS port (real listeners,
// tlsca's certificate): each port answers only Hosts naming it, and the
// https origins of the TLS port are the listener's own.
func TestServeTLS(t *testing.T) {
	a, _, err := tlsca.Open(t.TempDir(), tlsca.Options{})
	if err != nil {
		t.Fatal(err)
	}
	plain, err := Listen(0)
	if err != nil {
		t.Fatal(err)
	}
	secure, err := Listen(0)
	if err != nil {
		t.Fatal(err)
	}
	pp, sp := plain[0].Addr().(*net.TCPAddr).Port, secure[0].Addr().(*net.TCPAddr).Port
	var (
		mu   sync.Mutex
		held []string
	)
	e := New(Options{Port: pp, Gate: &gate{}, Hold: func(r *http.Request) {
		mu.Lock()
		held = append(held, r.URL.Path)
		mu.Unlock()
	}})
	e.Handle("/own", Login, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, PeerOf(r).Origin) }))
	e.Serve(plain)
	e.ServeTLS(secure, a.TLSConfig())
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = e.Shutdown(ctx)
	})
	roots := x509.NewCertPool()
	roots.AddCert(a.CA())
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}, Timeout: 10 * time.Second}
	for _, tc := range []struct {
		name, url, host, origin string
		status                  int
		body                    string
	}{
		{"https, own https origin", fmt.Sprintf("https://127.0.0.1:%d/own", sp), "", fmt.Sprintf("https://localhost:%d", sp), 200, fmt.Sprintf("https://localhost:%d", sp)},
		{"https, own http origin", fmt.Sprintf("https://localhost:%d/own", sp), "", fmt.Sprintf("http://127.0.0.1:%d", pp), 200, fmt.Sprintf("http://127.0.0.1:%d", pp)},
		{"https, Host names the plain port", fmt.Sprintf("https://127.0.0.1:%d/own", sp), fmt.Sprintf("127.0.0.1:%d", pp), fmt.Sprintf("https://127.0.0.1:%d", sp), 403, "host_not_allowed"},
		{"http, Host names the TLS port", fmt.Sprintf("http://127.0.0.1:%d/own", pp), fmt.Sprintf("127.0.0.1:%d", sp), fmt.Sprintf("https://127.0.0.1:%d", sp), 403, "host_not_allowed"},
		{"http, https origin of the plain port is not own", fmt.Sprintf("http://127.0.0.1:%d/own", pp), "", fmt.Sprintf("https://127.0.0.1:%d", pp), 403, "origin_not_allowed"},
		{"https, foreign origin", fmt.Sprintf("https://127.0.0.1:%d/own", sp), "", "https://evil.example", 403, "origin_not_allowed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, tc.url, nil)
			if tc.host != "" {
				req.Host = tc.host
			}
			req.Header.Set("Origin", tc.origin)
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status || !strings.Contains(string(body), tc.body) {
				t.Fatalf("got %d %s, want %d with %q", resp.StatusCode, body, tc.status, tc.body)
			}
		})
	}
	mu.Lock()
	defer mu.Unlock()
	if len(held) != 4 {
		t.Errorf("Hold saw %v: want the 4 requests whose Host was right", held)
	}
}
