//go:build !windows

package winusb

import (
	"context"
	"errors"
	"fmt"
	"runtime"
)

// Watch is Windows-only (the usbprint device interface). Elsewhere it returns
// an error wrapping errors.ErrUnsupported at once.
func Watch(ctx context.Context, sink Sink, opt Options) error {
	return fmt.Errorf("usbprint printers on %s: %w", runtime.GOOS, errors.ErrUnsupported)
}
