#!/bin/sh
# Apply the udev rule to printers that are already plugged in. Skipped when
# dpkg installs into another root (DPKG_ROOT) or udev is not running.
set -e
if [ "$1" = "configure" ] && [ -z "${DPKG_ROOT:-}" ] && command -v udevadm >/dev/null 2>&1 && [ -d /run/udev ]; then
	udevadm control --reload-rules || true
	udevadm trigger --subsystem-match=usb --action=add || true
fi
# The local CA (wss and https for web pages): for the user who ran
# `sudo apt install`, make it and trust it in their Chromium and Firefox NSS
# databases (as that user), then add it to the system store (as root).
# Never fatal: `labelbridge trust install` and the panel do the same later.
if [ "$1" = "configure" ] && [ -z "${DPKG_ROOT:-}" ] && [ -n "${SUDO_USER:-}" ] && [ "$SUDO_USER" != "root" ] && command -v runuser >/dev/null 2>&1; then
	home=$(getent passwd "$SUDO_USER" | cut -d: -f6)
	if [ -n "$home" ] && [ -d "$home" ]; then
		runuser -u "$SUDO_USER" -- env HOME="$home" /usr/bin/labelbridge trust install ||
			echo "labelbridge: could not trust the local certificate for $SUDO_USER; run 'labelbridge trust install' as $SUDO_USER" >&2
		ca=$(mktemp)
		if runuser -u "$SUDO_USER" -- env HOME="$home" /usr/bin/labelbridge trust export >"$ca" 2>/dev/null; then
			/usr/bin/labelbridge trust install --machine --ca "$ca" >/dev/null ||
				echo "labelbridge: could not add the local certificate to the system store" >&2
		fi
		rm -f "$ca"
	fi
fi
exit 0
