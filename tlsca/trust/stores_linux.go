package trust

import (
	"os"
	"path/filepath"
	"sort"
)

// UserStores are this user's NSS databases: Chromium's (~/.pki/nssdb,
// made when missing) and those of every Firefox profile (including the
// snap's).
func UserStores() ([]Store, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return nil, err
	}
	if _, err := certutilPath(); err != nil {
		return nil, err
	}
	stores := []Store{NSS{Dir: filepath.Join(home, ".pki", "nssdb"), Create: true}}
	var profiles []string
	for _, base := range []string{".mozilla/firefox", "snap/firefox/common/.mozilla/firefox"} {
		dbs, _ := filepath.Glob(filepath.Join(home, base, "*", "cert9.db"))
		for _, db := range dbs {
			profiles = append(profiles, filepath.Dir(db))
		}
	}
	sort.Strings(profiles)
	for _, p := range profiles {
		stores = append(stores, NSS{Dir: p})
	}
	return stores, nil
}

// openStore reopens a recorded store that UserStores no longer lists.
func openStore(r Record) (Store, error) {
	switch r.Kind {
	case "nss":
		return NSS{Dir: r.Location}, nil
	case "system":
		return System{Dir: r.Location}, nil
	}
	return nil, errUnknownKind(r.Kind)
}
