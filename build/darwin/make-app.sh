#!/usr/bin/env bash
# Assembles Labelbridge.app from a built darwin binary (portable shell: the
# e2e tests run it on Linux to check the layout; build-macos.sh uses it on a Mac).
#   build/darwin/make-app.sh BINARY ICNS VERSION OUTDIR   -> OUTDIR/Labelbridge.app
set -euo pipefail
[ $# -eq 4 ] || { echo "usage: $0 BINARY ICNS VERSION OUTDIR" >&2; exit 2; }
bin=$1 icns=$2 version=$3 out=$4
here=$(cd "$(dirname "$0")" && pwd)
for f in "$bin" "$icns"; do [ -f "$f" ] || { echo "make-app: $f is missing" >&2; exit 1; }; done
# CFBundleShortVersionString must be numbers: 1.2.3 from v1.2.3-4-gabc, else 0.0.0.
short=$(printf '%s' "$version" | sed -nE 's/^v?([0-9]+(\.[0-9]+){0,2}).*/\1/p')
[ -n "$short" ] || short=0.0.0
app=$out/Labelbridge.app
rm -rf "$app"
mkdir -p "$app/Contents/MacOS" "$app/Contents/Resources"
cp "$bin" "$app/Contents/MacOS/labelbridge"
chmod 755 "$app/Contents/MacOS/labelbridge"
cp "$icns" "$app/Contents/Resources/labelbridge.icns"
esc=$(printf '%s' "$version" | sed 's/[&<>/\\]/_/g')
sed -e "s/@SHORT_VERSION@/$short/" -e "s/@VERSION@/$esc/" "$here/Info.plist.in" >"$app/Contents/Info.plist"
printf 'APPL????' >"$app/Contents/PkgInfo"
echo "$app"
