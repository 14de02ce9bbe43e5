// Package trust installs the local CA (package tlsca) in the trust stores
// the browsers read, and removes exactly what it added. Each OS has its own
// stores (leaf files): on Linux the NSS databases of Chromium
// (~/.pki/nssdb) and of every Firefox profile (certutil from libnss3-tools)
// and, for root, the system store (update-ca-certificates); on Windows the
// current user's Root store, or the machine's (crypt32); on macOS the login
// keychain (security add-trusted-cert).
//
// Every certificate added is recorded (store, location, nickname, SHA-256
// fingerprint) in trust.json next to the CA, written atomically; Uninstall
// removes the recorded certificates only, each after checking its
// fingerprint, so a certificate someone else put there under the same name
// is never touched. Install of a new CA (a renewal) removes the old CA's
// records after the new one is in.
package trust

import (
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/labelbridge/labelbridge/internal/atomicfile"
	"github.com/labelbridge/labelbridge/tlsca"
)

// StateFile is the record of what was installed, in the CA's folder.
const StateFile = "trust.json"

// Store is one trust store.
type Store interface {
	// Kind names the kind of store ("nss", "windows-user", "keychain", …).
	Kind() string
	// Location says which one (a folder, a keychain, a store name).
	Location() string
	// Add adds ca as a trusted root under nick.
	Add(ca *x509.Certificate, caFile, nick string) error
	// Has reports whether the store trusts ca (found under nick, with its
	// fingerprint).
	Has(ca *x509.Certificate, nick string) (bool, error)
	// Remove removes the certificate recorded as r, if it is still there
	// and still has r's fingerprint.
	Remove(r Record) error
}

// Record is one certificate Install added.
type Record struct {
	Kind        string    `json:"kind"`
	Location    string    `json:"location"`
	Nickname    string    `json:"nickname"`
	Fingerprint string    `json:"sha256"`
	Added       time.Time `json:"added"`
}

type state struct {
	Records []Record `json:"records"`
}

// Options configure a Manager.
type Options struct {
	// Stores lists the stores to use (default: this user's, per OS).
	Stores func() ([]Store, error)
	Logger *slog.Logger
	Now    func() time.Time
}

// Manager installs and removes one user's CA. Create it with New.
type Manager struct {
	dir string
	opt Options
}

// New manages the trust of the CA kept in dir (tlsca's folder).
func New(dir string, opt Options) *Manager {
	if opt.Stores == nil {
		opt.Stores = UserStores
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return &Manager{dir: dir, opt: opt}
}

// Nickname is the name the CA gets in a store: it says whose it is and
// which one, so a person reading the store knows what it is.
func Nickname(ca *x509.Certificate) string {
	return "Labelbridge local CA " + tlsca.Fingerprint(ca)[:16]
}

// StoreStatus is one store's state.
type StoreStatus struct {
	Kind     string `json:"kind"`
	Location string `json:"location"`
	Trusted  bool   `json:"trusted"`
	Error    string `json:"error,omitempty"`
}

// Status is the trust state of a CA.
type Status struct {
	Fingerprint string        `json:"sha256"`
	Subject     string        `json:"subject"`
	NotAfter    time.Time     `json:"notAfter"`
	Stores      []StoreStatus `json:"stores"`
	// Trusted: every store found trusts the CA.
	Trusted bool `json:"trusted"`
	// Error: the stores could not be listed (e.g. certutil is missing).
	Error string `json:"error,omitempty"`
}

// Status reports which stores trust ca.
func (m *Manager) Status(ca *x509.Certificate) Status {
	st := Status{Fingerprint: tlsca.Fingerprint(ca), Subject: ca.Subject.CommonName, NotAfter: ca.NotAfter, Stores: []StoreStatus{}}
	stores, err := m.opt.Stores()
	if err != nil {
		st.Error = err.Error()
		return st
	}
	st.Trusted = len(stores) > 0
	for _, s := range stores {
		ok, err := s.Has(ca, Nickname(ca))
		ss := StoreStatus{Kind: s.Kind(), Location: s.Location(), Trusted: ok}
		if err != nil {
			ss.Error = err.Error()
		}
		st.Trusted = st.Trusted && ok
		st.Stores = append(st.Stores, ss)
	}
	return st
}

// Install adds ca (whose PEM is caFile) to every store that does not trust
// it yet, records each addition, then removes the recorded older CAs. It
// returns the state after, and an error naming every store that failed.
func (m *Manager) Install(ca *x509.Certificate, caFile string) (Status, error) {
	stores, err := m.opt.Stores()
	if err != nil {
		return m.Status(ca), fmt.Errorf("find the trust stores: %w", err)
	}
	st, err := m.load()
	if err != nil {
		return m.Status(ca), err
	}
	nick, fp := Nickname(ca), tlsca.Fingerprint(ca)
	var errs []error
	for _, s := range stores {
		if ok, _ := s.Has(ca, nick); !ok {
			if err := s.Add(ca, caFile, nick); err != nil {
				errs = append(errs, fmt.Errorf("%s %s: %w", s.Kind(), s.Location(), err))
				continue
			}
			m.opt.Logger.Info("local CA added to a trust store", "store", s.Kind(), "location", s.Location(), "sha256", fp)
		}
		r := Record{Kind: s.Kind(), Location: s.Location(), Nickname: nick, Fingerprint: fp, Added: m.opt.Now().UTC()}
		if !slices.ContainsFunc(st.Records, func(o Record) bool { return o.same(r) }) {
			st.Records = append(st.Records, r)
		}
	}
	if err := m.save(st); err != nil {
		errs = append(errs, err)
	}
	if len(errs) == 0 {
		// The new CA is in every store: the old ones can go.
		if err := m.remove(stores, func(r Record) bool { return r.Fingerprint != fp }); err != nil {
			errs = append(errs, err)
		}
	}
	return m.Status(ca), errors.Join(errs...)
}

// Uninstall removes every certificate Install recorded.
func (m *Manager) Uninstall() error {
	stores, err := m.opt.Stores()
	if err != nil {
		stores = nil // records name their own stores: removal still works for those found
	}
	return m.remove(stores, func(Record) bool { return true })
}

// Records lists what Install added and has not removed yet.
func (m *Manager) Records() ([]Record, error) {
	st, err := m.load()
	return st.Records, err
}

// remove removes the records that match, keeping those whose removal failed.
func (m *Manager) remove(stores []Store, match func(Record) bool) error {
	st, err := m.load()
	if err != nil {
		return err
	}
	keep := []Record{}
	var errs []error
	for _, r := range st.Records {
		if !match(r) {
			keep = append(keep, r)
			continue
		}
		s := storeFor(stores, r)
		if s == nil {
			var err error
			if s, err = openStore(r); err != nil {
				keep = append(keep, r)
				errs = append(errs, fmt.Errorf("%s %s: %w", r.Kind, r.Location, err))
				continue
			}
		}
		if err := s.Remove(r); err != nil {
			keep = append(keep, r)
			errs = append(errs, fmt.Errorf("remove %s from %s %s: %w", r.Nickname, r.Kind, r.Location, err))
			continue
		}
		m.opt.Logger.Info("local CA removed from a trust store", "store", r.Kind, "location", r.Location, "sha256", r.Fingerprint)
	}
	st.Records = keep
	if err := m.save(st); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func (r Record) same(o Record) bool {
	return r.Kind == o.Kind && r.Location == o.Location && r.Fingerprint == o.Fingerprint
}

func storeFor(stores []Store, r Record) Store {
	for _, s := range stores {
		if s.Kind() == r.Kind && s.Location() == r.Location {
			return s
		}
	}
	return nil
}

func (m *Manager) path() string { return filepath.Join(m.dir, StateFile) }

func (m *Manager) load() (state, error) {
	var st state
	data, err := os.ReadFile(m.path())
	if errors.Is(err, os.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return st, err
	}
	if err := json.Unmarshal(data, &st); err != nil {
		return st, fmt.Errorf("%s: %w (remove the certificates named \"Labelbridge local CA …\" by hand, then delete the file)", m.path(), err)
	}
	return st, nil
}

func (m *Manager) save(st state) error {
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(m.dir, 0o700); err != nil {
		return err
	}
	return atomicfile.WriteFile(m.path(), append(data, '\n'), 0o600)
}

// Explain says, for a person, what to do when the CA is not trusted.
func Explain(st Status) string {
	if st.Trusted {
		return "the local certificate is trusted"
	}
	var missing []string
	for _, s := range st.Stores {
		if !s.Trusted {
			missing = append(missing, s.Kind+" "+s.Location)
		}
	}
	msg := "the local certificate is not trusted"
	if len(missing) > 0 {
		msg += " by " + strings.Join(missing, ", ")
	}
	if st.Error != "" {
		msg += " (" + st.Error + ")"
	}
	return msg + `: run "labelbridge trust install" or press "Trust the certificate" in the Labelbridge panel`
}
