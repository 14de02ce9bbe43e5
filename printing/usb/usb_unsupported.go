//go:build !cgo || !(linux || darwin) || nolibusb

package usb

import (
	"context"
	"errors"
	"fmt"
	"runtime"
)

// Watch is unavailable in this build: gousb needs cgo and libusb, on Linux or
// macOS, without the nolibusb tag. It returns an error wrapping
// errors.ErrUnsupported at once.
func Watch(ctx context.Context, sink Sink, opt Options) error {
	return fmt.Errorf("usb printers through libusb on %s need a cgo build for Linux or macOS without the nolibusb tag: %w",
		runtime.GOOS, errors.ErrUnsupported)
}
