#!/bin/sh
# Apply the udev rule to printers that are already plugged in. Skipped when
# dpkg installs into another root (DPKG_ROOT) or udev is not running.
set -e
if [ "$1" = "configure" ] && [ -z "${DPKG_ROOT:-}" ] && command -v udevadm >/dev/null 2>&1 && [ -d /run/udev ]; then
	udevadm control --reload-rules || true
	udevadm trigger --subsystem-match=usb --action=add || true
fi
exit 0
