// Renewal: reading the stored chain, renewing it when due (at start, by
// Refresh and by Run's periodic check) and keeping the CA's file alone.

package tlsca

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/labelbridge/labelbridge/internal/atomicfile"
)

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
