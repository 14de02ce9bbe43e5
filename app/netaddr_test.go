package main

import (
	"net"
	"testing"
)

// closedLoopbackAddr returns a loopback host:port that nothing listens on
// (bound, then closed), for a network printer that must show as offline.
// Tests never name an address off this machine: the agent probes network
// printers as soon as they are added.
func closedLoopbackAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}
