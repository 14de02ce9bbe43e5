//go:build cgo && darwin && !nolibusb

package usb

// macOS lets an app claim a printer's USB interface only when no other driver
// or process holds it, and detaching Apple's driver needs root or the
// com.apple.vm.device-access entitlement.
const rawQueueHint = "macOS did not let Labelbridge claim the printer's USB interface " +
	"(another driver or app holds it, or detaching the driver needs root). " +
	"Print through a CUPS raw queue instead: add the printer as a raw queue " +
	"(lpadmin -p LabelPrinter -E -v 'usb://…' -m raw, the URI from lpinfo -v) and send jobs with " +
	"lp -d LabelPrinter -o raw FILE. See docs/usb.md"

const (
	accessHint = rawQueueHint
	busyHint   = rawQueueHint
)
