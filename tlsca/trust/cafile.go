package trust

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
)

// ReadCAFile reads the CA certificate an administrator names to install
// machine-wide ("-": stdin) and copies it to a temporary file for the
// store tools (the caller removes it). Only a Labelbridge local CA (a CA
// name-constrained to localhost) is accepted.
func ReadCAFile(caFile string) (*x509.Certificate, string, error) {
	var data []byte
	var err error
	if caFile == "-" {
		data, err = io.ReadAll(io.LimitReader(os.Stdin, 1<<20))
	} else {
		data, err = os.ReadFile(caFile)
	}
	if err != nil {
		return nil, "", fmt.Errorf("--ca: %w", err)
	}
	b, _ := pem.Decode(data)
	if b == nil || b.Type != "CERTIFICATE" {
		return nil, "", errors.New("--ca: not a PEM certificate")
	}
	ca, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		return nil, "", fmt.Errorf("--ca: %w", err)
	}
	if !ca.IsCA || !ca.PermittedDNSDomainsCritical || len(ca.PermittedDNSDomains) != 1 || ca.PermittedDNSDomains[0] != "localhost" {
		return nil, "", errors.New("--ca: not a Labelbridge local CA (a CA name-constrained to localhost): refusing to trust it machine-wide")
	}
	tmp, err := os.CreateTemp("", "labelbridge-ca-*.crt")
	if err != nil {
		return nil, "", err
	}
	defer tmp.Close()
	if err := pem.Encode(tmp, b); err != nil {
		return nil, "", err
	}
	return ca, tmp.Name(), nil
}

// WriteStatus prints a status for people (labelbridge trust status).
func WriteStatus(w io.Writer, st Status) {
	fmt.Fprintf(w, "local CA: %s\n  sha256 %s, valid until %s\n", st.Subject, st.Fingerprint, st.NotAfter.Format("2006-01-02"))
	for _, s := range st.Stores {
		mark := "not trusted"
		if s.Trusted {
			mark = "trusted"
		}
		if s.Error != "" {
			mark += " (" + s.Error + ")"
		}
		fmt.Fprintf(w, "  %-16s %s: %s\n", s.Kind, s.Location, mark)
	}
	if st.Error != "" {
		fmt.Fprintf(w, "  %s\n", st.Error)
	}
}
