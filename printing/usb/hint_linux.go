//go:build cgo && linux && !nolibusb

package usb

// accessHint says how to give the user access to USB printers on Linux.
const accessHint = "no permission to use the USB printer (LIBUSB_ERROR_ACCESS). " +
	"Install Labelbridge's udev rule 70-labelbridge.rules (build/linux/70-labelbridge.rules in the source; " +
	"packages install it in /usr/lib/udev/rules.d): " +
	"sudo install -m 0644 70-labelbridge.rules /etc/udev/rules.d/ && sudo udevadm control --reload-rules && " +
	"sudo udevadm trigger --subsystem-match=usb --action=change, then unplug and replug the printer. " +
	"It gives the logged-in user access; for a service account, also run sudo usermod -aG lp ACCOUNT. See docs/usb.md"

// busyHint says what usually holds a printer's interface on Linux.
const busyHint = "the printer's USB interface is in use by another program, usually a CUPS queue printing to the same printer " +
	"through libusb: pause or remove that queue (lpadmin -x QUEUE) or stop the other program. See docs/usb.md"
