#!/bin/sh
# Forget the udev rule once it is gone. Per-user data (~/.config/labelbridge,
# ~/.local/share/labelbridge) is the user's and is never removed here.
set -e
if [ "$1" = "remove" ] || [ "$1" = "purge" ]; then
	if [ -z "${DPKG_ROOT:-}" ] && command -v udevadm >/dev/null 2>&1 && [ -d /run/udev ]; then
		udevadm control --reload-rules || true
	fi
fi
# The system store's Labelbridge folder holds only what `trust install
# --machine` added; prerm removed it, this catches a failed prerm.
if [ "$1" = "remove" ] || [ "$1" = "purge" ]; then
	if [ -z "${DPKG_ROOT:-}" ] && [ -d /usr/local/share/ca-certificates/labelbridge ]; then
		rm -rf /usr/local/share/ca-certificates/labelbridge
		command -v update-ca-certificates >/dev/null 2>&1 && update-ca-certificates >/dev/null 2>&1 || true
	fi
	[ "$1" = "purge" ] && rm -f /etc/labelbridge/trust.json
fi
exit 0
