// Package porttest gives tests a loopback port nothing listens on.
package porttest

import (
	"net"
	"testing"
)

// Free returns a port of 127.0.0.1 that was free a moment ago (bound and
// closed again). Tests name only loopback addresses.
func Free(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
