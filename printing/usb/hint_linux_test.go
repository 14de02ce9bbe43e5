//go:build cgo && linux && !nolibusb

package usb

import (
	"strings"
	"testing"
)

func TestAccessHintNamesTheRule(t *testing.T) {
	t.Parallel()
	for _, want := range []string{"LIBUSB_ERROR_ACCESS", "70-labelbridge.rules", "/etc/udev/rules.d", "udevadm control --reload-rules", "udevadm trigger", "replug"} {
		if !strings.Contains(accessHint, want) {
			t.Errorf("accessHint lacks %q", want)
		}
	}
}
