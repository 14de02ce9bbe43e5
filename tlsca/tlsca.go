// Package tlsca is the agent's local certificate authority for https and
// wss on loopback. Per user it makes a CA, name-constrained to localhost,
// 127.0.0.1 and ::1 and limited to TLS server certificates, that signs ONE
// leaf for localhost, 127.0.0.1 and ::1; the CA's private key is used for
// that one signature and is never written anywhere, so nothing else can
// ever be minted with it. Renewal makes a new CA and a new leaf (the caller
// replaces the old CA in the trust stores: see tlsca/trust).
//
// The leaf, its CA's certificate and the leaf's private key live in one
// 0600 file (localhost.pem), replaced atomically (internal/atomicfile) so a
// crash never leaves a key that does not match its certificate; the CA's
// certificate is also written alone (labelbridge-ca.crt) for the trust
// stores and for people who import it by hand.
//
// Validity: the leaf lives 397 days, the longest any browser accepts for
// a publicly trusted certificate (CA/Browser Forum and Apple's 398-day
// rule); user-installed roots are not bound by it (Apple's limit for them
// is 825 days) but staying inside it means no browser rule can ever refuse
// it, while a renewal — which on Windows asks the user to confirm the new
// root — comes about once a year. It is renewed 30 days before it expires,
// at start and by a daily check (Run), so a PC that is off for weeks still
// renews at its next start.
package tlsca

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"
)

const (
	// LeafValidity is how long a new leaf (and its CA) is valid.
	LeafValidity = 397 * 24 * time.Hour
	// RenewBefore is how long before the leaf expires it is replaced.
	RenewBefore = 30 * 24 * time.Hour
	// CheckEvery is how often Run checks whether renewal is due.
	CheckEvery = 24 * time.Hour
	// FileName holds the leaf, its CA's certificate and the leaf key (0600).
	FileName = "localhost.pem"
	// CAFileName holds the CA's certificate alone (public).
	CAFileName = "labelbridge-ca.crt"
	// backdate covers clocks slightly behind ours.
	backdate = time.Hour
)

// Names are the names the leaf is valid for (and all the CA may sign).
var Names = []string{"localhost", "127.0.0.1", "::1"}

// Options configure an Authority.
type Options struct {
	Now         func() time.Time // the clock [time.Now]
	Validity    time.Duration    // a new leaf's life [LeafValidity]
	RenewBefore time.Duration    // renew this long before expiry [RenewBefore]
	Logger      *slog.Logger
}

// Renewal reports a renewal: the CA that signed the old leaf (nil when
// there was none, or it could not be read) and the new one.
type Renewal struct {
	Old, New *x509.Certificate
	Reason   string
}

// Authority serves the current leaf and renews it. Create it with Open.
type Authority struct {
	dir string
	opt Options
	log *slog.Logger

	mu  sync.Mutex
	cur *chain
}

// chain is one loaded leaf: the TLS certificate (leaf + CA), the parsed
// certificates and the file's identity, to notice another process's
// renewal.
type chain struct {
	tls      tls.Certificate
	leaf, ca *x509.Certificate
	modTime  time.Time
	size     int64
}

// Open loads the leaf from dir (created 0700 when missing), making a new CA
// and leaf when there is none, when it cannot be read, or when it is due
// for renewal. The returned Renewal is non-nil when it made one.
func Open(dir string, opt Options) (*Authority, *Renewal, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Validity <= 0 {
		opt.Validity = LeafValidity
	}
	if opt.RenewBefore <= 0 || opt.RenewBefore >= opt.Validity {
		opt.RenewBefore = min(RenewBefore, opt.Validity/2)
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("tls folder: %w", err)
	}
	a := &Authority{dir: dir, opt: opt, log: opt.Logger}
	r, err := a.Refresh()
	if err != nil {
		return nil, nil, err
	}
	return a, r, nil
}

// Load is Open for a server that only needs the TLS configuration: its
// GetCertificate follows renewals made by Refresh, Run or another process.
func Load(dir string) (*tls.Config, error) {
	a, _, err := Open(dir, Options{})
	if err != nil {
		return nil, err
	}
	return a.TLSConfig(), nil
}

// Dir is the folder the Authority keeps its files in.
func (a *Authority) Dir() string { return a.dir }

// CAFile is the path of the CA's certificate alone (PEM).
func (a *Authority) CAFile() string { return filepath.Join(a.dir, CAFileName) }

// TLSConfig serves the current leaf (TLS 1.2 and later, HTTP/1.1 only: the
// WebSocket upgrade needs it).
func (a *Authority) TLSConfig() *tls.Config {
	return &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: a.GetCertificate, NextProtos: []string{"http/1.1"}}
}

// GetCertificate is tls.Config.GetCertificate: the current leaf, reloaded
// when the file changed (another process renewed it).
func (a *Authority) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if fi, err := os.Stat(a.path()); err == nil && a.cur != nil && (!fi.ModTime().Equal(a.cur.modTime) || fi.Size() != a.cur.size) {
		if c, err := a.load(); err == nil {
			a.cur = c
		} else {
			a.log.Warn("TLS certificate file changed but cannot be read; serving the one loaded before", "file", a.path(), "err", err)
		}
	}
	if a.cur == nil {
		return nil, errors.New("no TLS certificate loaded")
	}
	c := a.cur.tls
	return &c, nil
}

// CA is the certificate of the CA that signed the current leaf.
func (a *Authority) CA() *x509.Certificate {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.cur.ca
}

// Leaf is the current leaf certificate.
func (a *Authority) Leaf() *x509.Certificate {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.cur.leaf
}
