package netraw

import (
	"errors"
	"syscall"
)

// wsaECONNREFUSED is Winsock's "connection refused" (WSAECONNREFUSED).
const wsaECONNREFUSED = syscall.Errno(10061)

func isRefused(err error) bool {
	return errors.Is(err, wsaECONNREFUSED) || errors.Is(err, syscall.ECONNREFUSED)
}
