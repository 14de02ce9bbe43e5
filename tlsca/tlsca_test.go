package tlsca

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io/fs"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// captureCAKey makes issue hand the CA key to the test (and only to it).
func captureCAKey(t *testing.T) func() (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	var ca *x509.Certificate
	var key *ecdsa.PrivateKey
	testHookCAKey = func(c *x509.Certificate, k *ecdsa.PrivateKey) { ca, key = c, k }
	t.Cleanup(func() { testHookCAKey = nil })
	return func() (*x509.Certificate, *ecdsa.PrivateKey) { return ca, key }
}

func TestLeafVerifiesForLoopbackNamesOnly(t *testing.T) {
	a, r, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r == nil || r.Old != nil || r.New == nil {
		t.Fatalf("first Open: want a renewal from nothing, got %+v", r)
	}
	roots := x509.NewCertPool()
	roots.AddCert(a.CA())
	leaf := a.Leaf()
	if got := leaf.NotAfter.Sub(leaf.NotBefore); got > 398*24*time.Hour {
		t.Errorf("leaf validity %v: over the 398 days browsers accept", got)
	}
	for _, tc := range []struct {
		name string
		ok   bool
	}{{"localhost", true}, {"127.0.0.1", true}, {"::1", true}, {"evil.com", false}, {"127.0.0.2", false}, {"example.localhost", false}} {
		_, err := leaf.Verify(x509.VerifyOptions{DNSName: tc.name, Roots: roots})
		if (err == nil) != tc.ok {
			t.Errorf("verify leaf for %s: err %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
	ca := a.CA()
	if !ca.IsCA || !ca.MaxPathLenZero || !ca.PermittedDNSDomainsCritical || len(ca.ExtKeyUsage) != 1 || ca.ExtKeyUsage[0] != x509.ExtKeyUsageServerAuth {
		t.Errorf("CA: want a path-length-0, critically name-constrained, server-auth-only CA, got IsCA=%v MaxPathLenZero=%v critical=%v EKU=%v",
			ca.IsCA, ca.MaxPathLenZero, ca.PermittedDNSDomainsCritical, ca.ExtKeyUsage)
	}
}

// TestNameConstraintsRefuseOtherNames signs certificates the agent never
// makes, with the CA's own key, and checks that x509 verification refuses
// every one outside the loopback names: even someone who stole the key
// while it existed could not impersonate another site.
func TestNameConstraintsRefuseOtherNames(t *testing.T) {
	key := captureCAKey(t)
	a, _, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	ca, caKey := key()
	if ca == nil || caKey == nil || !ca.Equal(a.CA()) {
		t.Fatal("the test hook did not see the CA")
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	for _, tc := range []struct {
		name, verifyAs string
		dns            []string
		ips            []net.IP
		eku            x509.ExtKeyUsage
		ok             bool
	}{
		{name: "evil.com", verifyAs: "evil.com", dns: []string{"evil.com"}, eku: x509.ExtKeyUsageServerAuth},
		{name: "evil.com next to localhost", verifyAs: "localhost", dns: []string{"localhost", "evil.com"}, eku: x509.ExtKeyUsageServerAuth},
		{name: "a LAN address", verifyAs: "192.168.1.10", ips: []net.IP{net.ParseIP("192.168.1.10")}, eku: x509.ExtKeyUsageServerAuth},
		{name: "client auth", verifyAs: "localhost", dns: []string{"localhost"}, eku: x509.ExtKeyUsageClientAuth},
		{name: "control: localhost", verifyAs: "localhost", dns: []string{"localhost"}, eku: x509.ExtKeyUsageServerAuth, ok: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
			tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: tc.verifyAs},
				NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
				DNSNames: tc.dns, IPAddresses: tc.ips, ExtKeyUsage: []x509.ExtKeyUsage{tc.eku}}
			der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &k.PublicKey, caKey)
			if err != nil {
				t.Fatal(err)
			}
			c, _ := x509.ParseCertificate(der)
			_, err = c.Verify(x509.VerifyOptions{DNSName: tc.verifyAs, Roots: roots, KeyUsages: []x509.ExtKeyUsage{tc.eku}})
			if (err == nil) != tc.ok {
				t.Fatalf("verify: err %v, want ok=%v", err, tc.ok)
			}
			var inv x509.CertificateInvalidError
			if !tc.ok && !(errors.As(err, &inv) && (inv.Reason == x509.CANotAuthorizedForThisName || inv.Reason == x509.CANotAuthorizedForExtKeyUsage || inv.Reason == x509.IncompatibleUsage)) {
				t.Errorf("refused for the wrong reason: %v", err)
			}
		})
	}
}

// TestCAKeyNeverOnDisk scans every file the Authority writes for the CA's
// private key (in any encoding) and checks the leaf key is 0600.
func TestCAKeyNeverOnDisk(t *testing.T) {
	key := captureCAKey(t)
	dir := t.TempDir()
	a, _, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, caKey := key()
	der, _ := x509.MarshalECPrivateKey(caKey)
	pk8, _ := x509.MarshalPKCS8PrivateKey(caKey)
	scalar := caKey.D.Bytes()
	files := 0
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, blk := range [][]byte{der, pk8, scalar, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der})} {
			if bytes.Contains(data, blk) {
				t.Errorf("%s holds the CA's private key", p)
			}
		}
		if n := bytes.Count(data, []byte("PRIVATE KEY-----")); n > 0 && filepath.Base(p) != FileName {
			t.Errorf("%s holds a private key", p)
		}
		return nil
	})
	if err != nil || files != 2 {
		t.Fatalf("walk: %v, %d files (want localhost.pem and the CA's .crt)", err, files)
	}
	if runtime.GOOS != "windows" {
		fi, _ := os.Stat(filepath.Join(dir, FileName))
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v, want 0600", FileName, fi.Mode().Perm())
		}
	}
	c, _ := tls.X509KeyPair(mustRead(t, filepath.Join(dir, FileName)), mustRead(t, filepath.Join(dir, FileName)))
	if !c.PrivateKey.(*ecdsa.PrivateKey).PublicKey.Equal(a.Leaf().PublicKey) {
		t.Error("the stored key is not the leaf's")
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRenewal(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	a, _, err := Open(dir, Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	first, firstCA := a.Leaf(), a.CA()
	for _, tc := range []struct {
		at      time.Time
		renewed bool
	}{
		{now.Add(24 * time.Hour), false},
		{first.NotAfter.Add(-RenewBefore - time.Hour), false},
		{first.NotAfter.Add(-RenewBefore + time.Hour), true},
	} {
		now = tc.at
		r, err := a.Refresh()
		if err != nil {
			t.Fatal(err)
		}
		if (r != nil) != tc.renewed {
			t.Fatalf("at %v: renewal %+v, want renewed=%v", tc.at, r, tc.renewed)
		}
		if r != nil && (!r.Old.Equal(firstCA) || r.New.Equal(firstCA) || !r.New.Equal(a.CA())) {
			t.Fatalf("renewal: old %s new %s current %s", Fingerprint(r.Old), Fingerprint(r.New), Fingerprint(a.CA()))
		}
	}
	if a.Leaf().Equal(first) || !a.Leaf().NotAfter.After(first.NotAfter) {
		t.Fatal("the leaf was not replaced")
	}
	// A second process (the CLI) sees the renewed chain; so does a running
	// server's GetCertificate.
	b, r, err := Open(dir, Options{Now: clock})
	if err != nil || r != nil || !b.CA().Equal(a.CA()) {
		t.Fatalf("reopen: %v, renewal %+v", err, r)
	}
	now = b.Leaf().NotAfter.Add(-RenewBefore + time.Hour)
	if _, err := b.Refresh(); err != nil {
		t.Fatal(err)
	}
	got, err := a.GetCertificate(nil)
	if err != nil || !got.Leaf.Equal(b.Leaf()) {
		t.Fatalf("GetCertificate did not follow the other process's renewal: %v", err)
	}
}

func TestBrokenFileIsReplaced(t *testing.T) {
	for _, tc := range []struct {
		name string
		data func(good []byte) []byte
	}{
		{"not PEM", func([]byte) []byte { return []byte("torn") }},
		{"key of another leaf", func(good []byte) []byte {
			other, _, _ := Open(t.TempDir(), Options{})
			o := mustRead(t, filepath.Join(other.Dir(), FileName))
			i, j := bytes.Index(good, []byte("-----BEGIN EC")), bytes.Index(o, []byte("-----BEGIN EC"))
			return append(append([]byte{}, good[:i]...), o[j:]...)
		}},
		{"leaf without its CA", func(good []byte) []byte {
			i := bytes.Index(good[1:], []byte("-----BEGIN CERTIFICATE")) + 1
			j := bytes.Index(good, []byte("-----BEGIN EC"))
			return append(append([]byte{}, good[:i]...), good[j:]...)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			a, _, err := Open(dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(dir, FileName)
			if err := os.WriteFile(p, tc.data(mustRead(t, p)), 0o600); err != nil {
				t.Fatal(err)
			}
			b, r, err := Open(dir, Options{})
			if err != nil || r == nil || !strings.Contains(r.Reason, "cannot be used") {
				t.Fatalf("reopen: %v, renewal %+v", err, r)
			}
			if b.CA().Equal(a.CA()) {
				t.Fatal("kept the old CA")
			}
			if !bytes.Contains(mustRead(t, b.CAFile()), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: b.CA().Raw})) {
				t.Fatal("the CA file was not rewritten")
			}
		})
	}
}

func TestServesTLS(t *testing.T) {
	dir := t.TempDir()
	cfg, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	l, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		c, err := l.Accept()
		if err == nil {
			_ = c.(*tls.Conn).Handshake()
			c.Close()
		}
	}()
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(mustRead(t, filepath.Join(dir, CAFileName)))
	c, err := tls.Dial("tcp", l.Addr().String(), &tls.Config{RootCAs: roots, ServerName: "127.0.0.1"})
	if err != nil {
		t.Fatalf("dial with the CA as root: %v", err)
	}
	c.Close()
}
