#!/bin/sh
# Before the binary goes: remove exactly the local CAs it added (recorded by
# fingerprint) from the system store, and, for the user who ran
# `sudo apt remove`, from their NSS databases. Other users' databases are
# theirs: `labelbridge trust uninstall` before removing the package.
set -e
if [ "$1" = "remove" ] && [ -z "${DPKG_ROOT:-}" ] && [ -x /usr/bin/labelbridge ]; then
	/usr/bin/labelbridge trust uninstall --machine >/dev/null 2>&1 || true
	if [ -n "${SUDO_USER:-}" ] && [ "$SUDO_USER" != "root" ] && command -v runuser >/dev/null 2>&1; then
		home=$(getent passwd "$SUDO_USER" | cut -d: -f6)
		[ -n "$home" ] && runuser -u "$SUDO_USER" -- env HOME="$home" /usr/bin/labelbridge trust uninstall >/dev/null 2>&1 || true
	fi
fi
exit 0
