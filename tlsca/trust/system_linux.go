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

	"github.com/labelbridge/labelbridge/internal/atomicfile"
)

// SystemDir is where root puts local CAs for update-ca-certificates; the
// labelbridge folder in it holds only the CAs Labelbridge added.
const SystemDir = "/usr/local/share/ca-certificates/labelbridge"

// System is the Debian/Ubuntu system store (update-ca-certificates), which
// curl, Python, Go programs and most non-browser tools read. Root only.
type System struct{ Dir string }

// MachineStores is the system store (the .deb's postinst, as root).
func MachineStores() ([]Store, error) { return []Store{System{Dir: SystemDir}}, nil }

// Kind is "system".
func (s System) Kind() string { return "system" }

// Location is the folder of Labelbridge's CA files.
func (s System) Location() string { return s.Dir }

func (s System) file(nick string) string {
	return filepath.Join(s.Dir, strings.ReplaceAll(strings.ToLower(nick), " ", "-")+".crt")
}

// Add writes the CA where update-ca-certificates finds it and runs it.
func (s System) Add(ca *x509.Certificate, _, nick string) error {
	if err := os.MkdirAll(s.Dir, 0o755); err != nil {
		return err
	}
	if err := atomicfile.WriteFile(s.file(nick), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Raw}), 0o644); err != nil {
		return err
	}
	return updateCACertificates()
}

// Has reports whether the CA's file is there.
func (s System) Has(ca *x509.Certificate, nick string) (bool, error) {
	data, err := os.ReadFile(s.file(nick))
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	return bytes.Equal(data, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Raw})), err
}

// Remove deletes the CA's file (if it still holds that CA) and runs
// update-ca-certificates.
func (s System) Remove(r Record) error {
	data, err := os.ReadFile(s.file(r.Nickname))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if b, _ := pem.Decode(data); b == nil || !fingerprintIs(b.Bytes, r.Fingerprint) {
		return nil // not ours any more
	}
	if err := os.Remove(s.file(r.Nickname)); err != nil {
		return err
	}
	return updateCACertificates()
}

func updateCACertificates() error {
	out, err := exec.Command("update-ca-certificates").CombinedOutput()
	if err != nil {
		return fmt.Errorf("update-ca-certificates: %w: %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}
