package trust

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"fmt"
)

func errUnknownKind(kind string) error {
	return fmt.Errorf("unknown trust store kind %q (recorded by another version or OS?)", kind)
}

// fingerprintIs reports whether der's SHA-256 fingerprint is fp.
func fingerprintIs(der []byte, fp string) bool {
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:]) == fp
}

// nextPEM returns the next PEM block's bytes and the rest.
func nextPEM(data []byte) (der, rest []byte, ok bool) {
	b, rest := pem.Decode(data)
	if b == nil {
		return nil, nil, false
	}
	return b.Bytes, rest, true
}
