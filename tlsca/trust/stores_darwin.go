package trust

import (
	"bytes"
	"crypto/sha1"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Keychain is a macOS keychain, changed with security(1): the login
// keychain (macOS asks for the user's password to trust a root) or the
// System keychain (administrators).
type Keychain struct{ Path string }

// UserStores is the login keychain.
func UserStores() ([]Store, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return nil, err
	}
	return []Store{Keychain{Path: filepath.Join(home, "Library", "Keychains", "login.keychain-db")}}, nil
}

// MachineStores is the System keychain (administrators).
func MachineStores() ([]Store, error) {
	return []Store{Keychain{Path: "/Library/Keychains/System.keychain"}}, nil
}

// Kind is "keychain".
func (k Keychain) Kind() string { return "keychain" }

// Location is the keychain file.
func (k Keychain) Location() string { return k.Path }

func security(args ...string) ([]byte, error) {
	var stderr bytes.Buffer
	cmd := exec.Command("/usr/bin/security", args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, fmt.Errorf("security %s: %w: %s", args[0], err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// Add adds ca as a trusted root (trust settings for this user, or for the
// admin domain in the System keychain).
func (k Keychain) Add(_ *x509.Certificate, caFile, _ string) error {
	args := []string{"add-trusted-cert", "-r", "trustRoot", "-p", "ssl", "-k", k.Path, caFile}
	if strings.HasPrefix(k.Path, "/Library/") {
		args = append([]string{"add-trusted-cert", "-d"}, args[1:]...)
	}
	_, err := security(args...)
	return err
}

func sha1Hex(der []byte) string {
	sum := sha1.Sum(der)
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// Has reports whether the keychain holds ca.
func (k Keychain) Has(ca *x509.Certificate, _ string) (bool, error) {
	out, err := security("find-certificate", "-a", "-Z", "-c", "Labelbridge local CA", k.Path)
	if err != nil {
		return false, nil // none found
	}
	return bytes.Contains(out, []byte(sha1Hex(ca.Raw))), nil
}

// Remove deletes the recorded certificate and its trust settings, found
// by its SHA-1 (security(1)'s handle), after checking its SHA-256.
func (k Keychain) Remove(r Record) error {
	out, err := security("find-certificate", "-a", "-p", "-c", "Labelbridge local CA", k.Path)
	if err != nil {
		return nil // none left
	}
	for rest := out; ; {
		der, next, ok := nextPEM(rest)
		if !ok {
			return nil
		}
		rest = next
		if fingerprintIs(der, r.Fingerprint) {
			_, err := security("delete-certificate", "-Z", sha1Hex(der), "-t", k.Path)
			return err
		}
	}
}

func openStore(r Record) (Store, error) {
	if r.Kind == "keychain" {
		return Keychain{Path: r.Location}, nil
	}
	return nil, errUnknownKind(r.Kind)
}
