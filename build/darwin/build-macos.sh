#!/usr/bin/env bash
# Builds, signs and packages Labelbridge for macOS. Runs on a Mac only (the
# tray needs cgo + Cocoa, and hdiutil/pkgbuild/codesign/notarytool are
# Apple's); it cannot run on the Linux build machine.
#   build/darwin/build-macos.sh            -> dist/macos/Labelbridge-VERSION.pkg and .dmg
# Environment:
#   VERSION                default: git describe
#   DEVELOPER_ID_APP       "Developer ID Application: …" (codesign; unsigned when unset)
#   DEVELOPER_ID_INSTALLER "Developer ID Installer: …"  (pkg signing)
#   NOTARY_PROFILE         a `xcrun notarytool store-credentials` profile (notarize + staple)
#   ICNS                   icon (default: drawn by build/packager)
set -euo pipefail
cd "$(dirname "$0")/../.."
[ "$(uname -s)" = Darwin ] || { echo "build-macos.sh runs on macOS only (see docs/install.md)" >&2; exit 1; }
VERSION=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
out=dist/macos
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

if [ -z "${ICNS:-}" ]; then
  (cd build/packager && go build -o "$work/packager" .)
  "$work/packager" icon -o "$work/icons"
  ICNS=$work/icons/labelbridge.icns
fi

# A universal binary: cgo for the tray (Cocoa) and USB (libusb from Homebrew: brew install libusb pkg-config).
for arch in arm64 amd64; do
  CGO_ENABLED=1 GOOS=darwin GOARCH=$arch go build -trimpath \
    -ldflags "-s -w -X main.version=$VERSION" -o "$work/labelbridge-$arch" ./app
done
lipo -create -output "$work/labelbridge" "$work/labelbridge-arm64" "$work/labelbridge-amd64"
app=$(build/darwin/make-app.sh "$work/labelbridge" "$ICNS" "$VERSION" "$work/root/Applications")

if [ -n "${DEVELOPER_ID_APP:-}" ]; then
  codesign --force --options runtime --timestamp --sign "$DEVELOPER_ID_APP" "$app"
  codesign --verify --strict --verbose=2 "$app"
fi

# The .pkg installs the app and the all-users LaunchAgent, and loads it for the logged-in user.
mkdir -p "$work/root/Library/LaunchAgents" "$work/scripts"
cp build/darwin/com.labelbridge.agent.plist "$work/root/Library/LaunchAgents/"
cat >"$work/scripts/postinstall" <<'SH'
#!/bin/sh
user=$(stat -f %Su /dev/console)
uid=$(id -u "$user" 2>/dev/null || true)
if [ -n "$uid" ] && [ "$user" != root ]; then
  launchctl bootout "gui/$uid/com.labelbridge.agent" 2>/dev/null || true
  launchctl bootstrap "gui/$uid" /Library/LaunchAgents/com.labelbridge.agent.plist || true
fi
exit 0
SH
chmod 755 "$work/scripts/postinstall"
pkg=$out/Labelbridge-$VERSION.pkg
pkgbuild --root "$work/root" --identifier com.labelbridge.agent --version "$VERSION" \
  --scripts "$work/scripts" --install-location / ${DEVELOPER_ID_INSTALLER:+--sign "$DEVELOPER_ID_INSTALLER"} "$pkg"

# A drag-to-Applications disk image for people who install by hand.
mkdir -p "$work/dmg"
cp -R "$app" "$work/dmg/"
ln -s /Applications "$work/dmg/Applications"
dmg=$out/Labelbridge-$VERSION.dmg
hdiutil create -volname Labelbridge -srcfolder "$work/dmg" -ov -format UDZO "$dmg"
[ -n "${DEVELOPER_ID_APP:-}" ] && codesign --sign "$DEVELOPER_ID_APP" --timestamp "$dmg"

if [ -n "${NOTARY_PROFILE:-}" ]; then
  for f in "$pkg" "$dmg"; do
    xcrun notarytool submit "$f" --keychain-profile "$NOTARY_PROFILE" --wait
    xcrun stapler staple "$f"
  done
fi
ls -l "$out"
