//go:build !cgo || !(linux || darwin) || nolibusb

package usb

import (
	"context"
	"errors"
	"testing"
)

func TestWatchUnsupported(t *testing.T) {
	err := Watch(context.Background(), nil, Options{})
	if !errors.Is(err, errors.ErrUnsupported) {
		t.Fatalf("Watch = %v, want ErrUnsupported", err)
	}
}
