package trust

import (
	"crypto/x509"
	"fmt"
	"unsafe"

	"golang.org/x/sys/windows"

	"github.com/labelbridge/labelbridge/tlsca"
)

// WinRoot is a Windows "Root" certificate store (crypt32): the current
// user's (adding asks the user to confirm, in a Windows dialog) or the
// machine's (administrators only, silent: the MSI).
type WinRoot struct{ Machine bool }

// UserStores is the current user's Root store.
func UserStores() ([]Store, error) { return []Store{WinRoot{}}, nil }

// MachineStores is the machine's Root store (administrators, the MSI).
func MachineStores() ([]Store, error) { return []Store{WinRoot{Machine: true}}, nil }

// Kind is "windows-user" or "windows-machine".
func (s WinRoot) Kind() string {
	if s.Machine {
		return "windows-machine"
	}
	return "windows-user"
}

// Location names the store.
func (s WinRoot) Location() string {
	if s.Machine {
		return `LocalMachine\Root`
	}
	return `CurrentUser\Root`
}

func (s WinRoot) open() (windows.Handle, error) {
	flags := uint32(windows.CERT_SYSTEM_STORE_CURRENT_USER)
	if s.Machine {
		flags = windows.CERT_SYSTEM_STORE_LOCAL_MACHINE
	}
	name, err := windows.UTF16PtrFromString("ROOT")
	if err != nil {
		return 0, err
	}
	h, err := windows.CertOpenStore(windows.CERT_STORE_PROV_SYSTEM, 0, 0, flags, uintptr(unsafe.Pointer(name)))
	if err != nil {
		return 0, fmt.Errorf("open the %s store: %w", s.Location(), err)
	}
	return h, nil
}

// Add adds ca to the store.
func (s WinRoot) Add(ca *x509.Certificate, _, _ string) error {
	h, err := s.open()
	if err != nil {
		return err
	}
	defer windows.CertCloseStore(h, 0)
	ctx, err := windows.CertCreateCertificateContext(windows.X509_ASN_ENCODING|windows.PKCS_7_ASN_ENCODING, &ca.Raw[0], uint32(len(ca.Raw)))
	if err != nil {
		return fmt.Errorf("read the CA certificate: %w", err)
	}
	defer windows.CertFreeCertificateContext(ctx)
	if err := windows.CertAddCertificateContextToStore(h, ctx, windows.CERT_STORE_ADD_REPLACE_EXISTING, nil); err != nil {
		return fmt.Errorf("add to %s (refused in the Windows dialog?): %w", s.Location(), err)
	}
	return nil
}

// find returns a duplicate of the store's certificate with fingerprint fp
// (the caller frees it), or nil.
func find(h windows.Handle, fp string) *windows.CertContext {
	var prev *windows.CertContext
	for {
		ctx, err := windows.CertEnumCertificatesInStore(h, prev)
		if err != nil || ctx == nil {
			return nil
		}
		der := unsafe.Slice(ctx.EncodedCert, ctx.Length)
		if fingerprintIs(der, fp) {
			dup := windows.CertDuplicateCertificateContext(ctx)
			windows.CertFreeCertificateContext(ctx)
			return dup
		}
		prev = ctx
	}
}

// Has reports whether the store holds ca.
func (s WinRoot) Has(ca *x509.Certificate, _ string) (bool, error) {
	h, err := s.open()
	if err != nil {
		return false, err
	}
	defer windows.CertCloseStore(h, 0)
	ctx := find(h, tlsca.Fingerprint(ca))
	if ctx == nil {
		return false, nil
	}
	windows.CertFreeCertificateContext(ctx)
	return true, nil
}

// Remove deletes the certificate with the recorded fingerprint.
func (s WinRoot) Remove(r Record) error {
	h, err := s.open()
	if err != nil {
		return err
	}
	defer windows.CertCloseStore(h, 0)
	ctx := find(h, r.Fingerprint)
	if ctx == nil {
		return nil
	}
	// CertDeleteCertificateFromStore frees ctx, even on failure.
	if err := windows.CertDeleteCertificateFromStore(ctx); err != nil {
		return fmt.Errorf("delete from %s: %w", s.Location(), err)
	}
	return nil
}

func openStore(r Record) (Store, error) {
	switch r.Kind {
	case "windows-user":
		return WinRoot{}, nil
	case "windows-machine":
		return WinRoot{Machine: true}, nil
	}
	return nil, errUnknownKind(r.Kind)
}
