//go:build !linux && !windows && !darwin

package trust

import (
	"errors"
	"os"
	"path/filepath"
)

// UserStores is Chromium's NSS database where this OS has one.
func UserStores() ([]Store, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return nil, err
	}
	if _, err := certutilPath(); err != nil {
		return nil, err
	}
	return []Store{NSS{Dir: filepath.Join(home, ".pki", "nssdb"), Create: true}}, nil
}

// MachineStores: no machine store is supported on this OS.
func MachineStores() ([]Store, error) {
	return nil, errors.New("installing in the machine's trust store is not supported on this OS")
}

func openStore(r Record) (Store, error) {
	if r.Kind == "nss" {
		return NSS{Dir: r.Location}, nil
	}
	return nil, errUnknownKind(r.Kind)
}
