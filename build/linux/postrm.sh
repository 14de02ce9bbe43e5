#!/bin/sh
# Forget the udev rule once it is gone. Per-user data (~/.config/labelbridge,
# ~/.local/share/labelbridge) is the user's and is never removed here.
set -e
if [ "$1" = "remove" ] || [ "$1" = "purge" ]; then
	if [ -z "${DPKG_ROOT:-}" ] && command -v udevadm >/dev/null 2>&1 && [ -d /run/udev ]; then
		udevadm control --reload-rules || true
	fi
fi
exit 0
