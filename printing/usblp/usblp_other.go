//go:build !linux

package usblp

import (
	"context"
	"errors"
	"fmt"
	"runtime"
)

// WatchLP is Linux-only (the usblp kernel driver). Elsewhere it returns an
// error wrapping errors.ErrUnsupported at once.
func WatchLP(ctx context.Context, sink Sink, opt Options) error {
	return fmt.Errorf("usblp /dev/usb/lp* printers on %s: %w", runtime.GOOS, errors.ErrUnsupported)
}
