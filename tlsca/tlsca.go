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
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"sync"
	"time"

	"github.com/labelbridge/labelbridge/internal/atomicfile"
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

// Refresh reloads the leaf from disk and renews it when it is missing,
// unreadable or due; it returns the Renewal it made, or nil.
func (a *Authority) Refresh() (*Renewal, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	c, err := a.load()
	var reason string
	var old *x509.Certificate
	switch {
	case errors.Is(err, os.ErrNotExist):
		reason = "first start: no certificate yet"
	case err != nil:
		reason = "the certificate file cannot be used: " + err.Error()
	case a.opt.Now().After(c.leaf.NotAfter.Add(-a.opt.RenewBefore)):
		reason = fmt.Sprintf("the certificate expires %s", c.leaf.NotAfter.Format(time.DateOnly))
		old = c.ca
	default:
		a.cur = c
		return nil, a.ensureCAFile(c.ca)
	}
	if c != nil {
		old = c.ca
	}
	nc, err := a.renew()
	if err != nil {
		return nil, fmt.Errorf("make a new local CA and certificate (%s): %w", reason, err)
	}
	a.cur = nc
	a.log.Info("made a new local CA and localhost certificate", "reason", reason,
		"ca", Fingerprint(nc.ca), "expires", nc.leaf.NotAfter.Format(time.DateOnly))
	return &Renewal{Old: old, New: nc.ca, Reason: reason}, nil
}

// Run calls Refresh every interval (CheckEvery when 0) until ctx ends,
// handing each renewal to onRenew (which replaces the CA in the trust
// stores).
func (a *Authority) Run(ctx context.Context, every time.Duration, onRenew func(Renewal)) {
	if every <= 0 {
		every = CheckEvery
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			r, err := a.Refresh()
			if err != nil {
				a.log.Error("TLS certificate renewal failed; trying again tomorrow", "err", err)
				continue
			}
			if r != nil && onRenew != nil {
				onRenew(*r)
			}
		}
	}
}

func (a *Authority) path() string { return filepath.Join(a.dir, FileName) }

// load reads and checks the leaf file.
func (a *Authority) load() (*chain, error) {
	fi, err := os.Stat(a.path())
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(a.path())
	if err != nil {
		return nil, err
	}
	c, err := parseChain(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", a.path(), err)
	}
	c.modTime, c.size = fi.ModTime(), fi.Size()
	return c, nil
}

// parseChain reads leaf, CA and key, and checks they belong together.
func parseChain(data []byte) (*chain, error) {
	cert, err := tls.X509KeyPair(data, data)
	if err != nil {
		return nil, err
	}
	if len(cert.Certificate) != 2 {
		return nil, fmt.Errorf("want the leaf and its CA, found %d certificates", len(cert.Certificate))
	}
	leaf, err := x509.ParseCertificate(cert.Certificate[0])
	if err != nil {
		return nil, fmt.Errorf("leaf: %w", err)
	}
	ca, err := x509.ParseCertificate(cert.Certificate[1])
	if err != nil {
		return nil, fmt.Errorf("CA: %w", err)
	}
	if err := leaf.CheckSignatureFrom(ca); err != nil {
		return nil, fmt.Errorf("the leaf is not signed by the CA next to it: %w", err)
	}
	cert.Leaf = leaf
	return &chain{tls: cert, leaf: leaf, ca: ca}, nil
}

// renew makes a new CA and leaf and writes them.
func (a *Authority) renew() (*chain, error) {
	now := a.opt.Now()
	leaf, ca, key, err := issue(now, a.opt.Validity)
	if err != nil {
		return nil, err
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	_ = pem.Encode(&buf, &pem.Block{Type: "CERTIFICATE", Bytes: leaf.Raw})
	_ = pem.Encode(&buf, &pem.Block{Type: "CERTIFICATE", Bytes: ca.Raw})
	_ = pem.Encode(&buf, &pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})
	if err := atomicfile.WriteFile(a.path(), buf.Bytes(), 0o600); err != nil {
		return nil, err
	}
	if err := a.ensureCAFile(ca); err != nil {
		return nil, err
	}
	return a.load()
}

// ensureCAFile (re)writes labelbridge-ca.crt when it is not ca's.
func (a *Authority) ensureCAFile(ca *x509.Certificate) error {
	want := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Raw})
	if have, err := os.ReadFile(a.CAFile()); err == nil && bytes.Equal(have, want) {
		return nil
	}
	return atomicfile.WriteFile(a.CAFile(), want, 0o644)
}

// testHookCAKey, when set (tests only), sees the CA key before it is
// dropped, to prove what the CA's constraints refuse.
var testHookCAKey func(ca *x509.Certificate, key *ecdsa.PrivateKey)

// issue makes a CA and the one leaf it signs. The CA key lives only in
// this function's frame: it is never marshalled, stored or returned.
func issue(now time.Time, validity time.Duration) (leaf, ca *x509.Certificate, leafKey *ecdsa.PrivateKey, err error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, nil, err
	}
	leafKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, nil, err
	}
	start, end := now.Add(-backdate), now.Add(validity)
	caTmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject: pkix.Name{
			Organization: []string{"Labelbridge"},
			CommonName:   fmt.Sprintf("Labelbridge local CA (%s, %s)", who(), now.UTC().Format("2006-01-02 15:04:05")),
		},
		NotBefore: start, NotAfter: end.Add(backdate),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true, IsCA: true, MaxPathLen: 0, MaxPathLenZero: true,
		PermittedDNSDomainsCritical: true,
		PermittedDNSDomains:         []string{"localhost"},
		PermittedIPRanges: []*net.IPNet{
			{IP: net.IPv4(127, 0, 0, 1).To4(), Mask: net.CIDRMask(32, 32)},
			{IP: net.IPv6loopback, Mask: net.CIDRMask(128, 128)},
		},
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("CA certificate: %w", err)
	}
	if ca, err = x509.ParseCertificate(caDER); err != nil {
		return nil, nil, nil, err
	}
	leafTmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{Organization: []string{"Labelbridge"}, CommonName: "localhost"},
		NotBefore:    start, NotAfter: end,
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:    []string{"localhost"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1).To4(), net.IPv6loopback},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, ca, &leafKey.PublicKey, caKey)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("leaf certificate: %w", err)
	}
	if testHookCAKey != nil {
		testHookCAKey(ca, caKey)
	}
	if leaf, err = x509.ParseCertificate(leafDER); err != nil {
		return nil, nil, nil, err
	}
	return leaf, ca, leafKey, nil
}

// serial is a random positive 127-bit serial number (crypto/rand.Read
// never fails since Go 1.24).
func serial() *big.Int {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[0] = b[0]&0x7f | 0x40
	return new(big.Int).SetBytes(b)
}

// who names the user in the CA's name, so two users' CAs are told apart
// in a shared machine store.
func who() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "user"
}

// Fingerprint is a certificate's SHA-256 fingerprint, lower-case hex.
func Fingerprint(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	return hex.EncodeToString(sum[:])
}

// SHA1 is a certificate's SHA-1 thumbprint (how Windows and macOS name a
// certificate in their stores), lower-case hex.
func SHA1(c *x509.Certificate) []byte {
	sum := sha1.Sum(c.Raw)
	return sum[:]
}
