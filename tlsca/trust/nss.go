//go:build !windows

package trust

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/labelbridge/labelbridge/tlsca"
)

// NSS is one NSS certificate database (Chromium's ~/.pki/nssdb, a Firefox
// profile), changed with certutil from libnss3-tools.
type NSS struct {
	Dir string
	// Create makes the database when it does not exist yet (Chromium's:
	// Chromium opens it at its next start).
	Create bool
}

// Kind is "nss".
func (n NSS) Kind() string { return "nss" }

// Location is the database's folder.
func (n NSS) Location() string { return n.Dir }

// certutilPath finds NSS's certutil.
func certutilPath() (string, error) {
	p, err := exec.LookPath("certutil")
	if err != nil {
		return "", errors.New("certutil (NSS tools) is not installed: install libnss3-tools (Debian, Ubuntu) or nss-tools (Fedora)")
	}
	return p, nil
}

func (n NSS) certutil(args ...string) ([]byte, error) {
	p, err := certutilPath()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(p, append([]string{"-d", "sql:" + n.Dir}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, fmt.Errorf("certutil %s: %w: %s", args[0], err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

func (n NSS) exists() bool {
	_, err := os.Stat(filepath.Join(n.Dir, "cert9.db"))
	return err == nil
}

// Add adds ca as a CA trusted for TLS servers ("C,,").
func (n NSS) Add(_ *x509.Certificate, caFile, nick string) error {
	if !n.exists() {
		if !n.Create {
			return fmt.Errorf("no NSS database in %s", n.Dir)
		}
		if err := os.MkdirAll(n.Dir, 0o700); err != nil {
			return err
		}
		if _, err := n.certutil("-N", "--empty-password"); err != nil {
			return err
		}
	}
	_, err := n.certutil("-A", "-n", nick, "-t", "C,,", "-i", caFile)
	return err
}

// Has reports whether the database holds ca under nick with trust for TLS
// servers.
func (n NSS) Has(ca *x509.Certificate, nick string) (bool, error) {
	if !n.exists() {
		return false, nil
	}
	if _, err := certutilPath(); err != nil {
		return false, err
	}
	fp := tlsca.Fingerprint(ca)
	return n.holds(nick, fp), nil
}

// holds reports whether a certificate with fingerprint fp is stored under nick.
func (n NSS) holds(nick, fp string) bool {
	out, err := n.certutil("-L", "-n", nick, "-a")
	if err != nil {
		return false // not found
	}
	for rest := out; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			return false
		}
		if c, err := x509.ParseCertificate(b.Bytes); err == nil && tlsca.Fingerprint(c) == fp {
			return true
		}
	}
}

// Remove deletes the recorded certificate if it is still there with the
// recorded fingerprint.
func (n NSS) Remove(r Record) error {
	if !n.exists() || !n.holds(r.Nickname, r.Fingerprint) {
		return nil // already gone (the profile was deleted, or someone removed it)
	}
	_, err := n.certutil("-D", "-n", r.Nickname)
	return err
}
