// Issuing: a new name-constrained CA and the one leaf it signs (its key then
// dropped), and certificate fingerprints.

package tlsca

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"fmt"
	"math/big"
	"net"
	"os/user"
	"time"
)

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
