//go:build !windows

package winspool

import (
	"context"
	"errors"
	"fmt"
	"runtime"
)

// Watch is Windows-only. Elsewhere it returns an error wrapping
// errors.ErrUnsupported at once.
func Watch(ctx context.Context, sink Sink, opt Options) error {
	return fmt.Errorf("windows spooler printers on %s: %w", runtime.GOOS, errors.ErrUnsupported)
}
