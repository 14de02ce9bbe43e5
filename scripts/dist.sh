#!/usr/bin/env bash
# Builds the release artifacts into dist/ (`make dist`):
#   windows-amd64/labelbridge.exe, windows-arm64/labelbridge.exe   GUI exe, icon + version resource
#   Labelbridge-VERSION-windows-{amd64,arm64}-installer.exe         per-user NSIS installer
#   Labelbridge-VERSION-windows-x64.msi                              per-machine MSI for IT (wixl)
#   labelbridge_DEBVERSION_amd64.deb                                 Linux package (nfpm), cgo for USB
#   labelbridge-sdk-SDKVERSION.tgz                                   the browser SDK as an npm package (npm pack
#                                                                    of sdk/, whose built dist/ is committed)
#   SHA256SUMS
# macOS cannot be built here: build/darwin/build-macos.sh runs on a Mac.
#
# Usage: scripts/dist.sh [windows] [msi] [deb] [sdk]   (default: all)
# Environment:
#   VERSION    default: git describe --tags --always --dirty
#   DIST_DIR   default: dist
#   ICON_PNG   square PNG (>= 256 px) for the app icon; default: drawn by build/packager
#   UDEV_RULE  default: build/linux/70-labelbridge.rules
# Authenticode signing (osslsigncode; the exe first, then the installers), when set:
#   SIGN_PKCS12 (a .pfx/.p12 file) with SIGN_PASSWORD or SIGN_PASSWORD_FILE, or
#   SIGN_PKCS11_MODULE + SIGN_PKCS11_KEY (a PKCS#11 URI, for an HSM or token) + SIGN_CERT (PEM chain);
#   SIGN_TIMESTAMP_URL (optional RFC 3161 server).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

VERSION=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
DIST_DIR=${DIST_DIR:-dist}
UDEV_RULE=${UDEV_RULE:-build/linux/70-labelbridge.rules}
export GOFLAGS=${GOFLAGS:--buildvcs=false}
mkdir -p "$DIST_DIR"
DIST_DIR=$(cd "$DIST_DIR" && pwd)

targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(windows msi deb sdk)
want() { local t; for t in "${targets[@]}"; do [ "$t" = "$1" ] && return 0; done; return 1; }
for t in "${targets[@]}"; do
  case $t in windows | msi | deb | sdk) ;; *) echo "dist: unknown target $t (windows, msi, deb, sdk)" >&2; exit 2 ;; esac
done

need() { # command package
  command -v "$1" >/dev/null 2>&1 || { echo "dist: $1 is missing: install the Debian package $2 (scripts/deps.sh test does)" >&2; exit 1; }
}
(want windows || want msi) && need makensis nsis && need wixl wixl
want deb && need gcc gcc && need pkg-config pkg-config
want sdk && need node nodejs && need npm npm

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
step() { printf '== %s\n' "$*" >&2; }

step "packager ($VERSION)"
(cd build/packager && go build -o "$work/packager" .)
pk=$work/packager
"$pk" icon -o "$work/icons" ${ICON_PNG:+-from "$ICON_PNG"}
win4=$("$pk" version -format win4 "$VERSION")
msiver=$("$pk" version -format msi "$VERSION")
msinext=$("$pk" version -format msinext "$VERSION")

signing=""
if [ -n "${SIGN_PKCS12:-}" ] || [ -n "${SIGN_PKCS11_MODULE:-}" ]; then
  need osslsigncode osslsigncode
  signing=yes
  if [ -n "${SIGN_PKCS12:-}" ]; then
    sign_args=(-pkcs12 "$SIGN_PKCS12")
    if [ -n "${SIGN_PASSWORD_FILE:-}" ]; then
      sign_args+=(-readpass "$SIGN_PASSWORD_FILE")
    elif [ -n "${SIGN_PASSWORD:-}" ]; then
      (umask 077 && printf '%s' "$SIGN_PASSWORD" >"$work/signpass") # not on a command line
      sign_args+=(-readpass "$work/signpass")
    fi
  else
    sign_args=(-pkcs11module "$SIGN_PKCS11_MODULE" -key "$SIGN_PKCS11_KEY" -certs "$SIGN_CERT")
  fi
  sign_args+=(-h sha256 -n Labelbridge -i https://github.com/labelbridge/labelbridge)
  [ -n "${SIGN_TIMESTAMP_URL:-}" ] && sign_args+=(-ts "$SIGN_TIMESTAMP_URL")
fi
sign() { # file...
  [ -n "$signing" ] || return 0
  local f
  for f in "$@"; do
    osslsigncode sign "${sign_args[@]}" -in "$f" -out "$f.signed" >/dev/null
    mv "$f.signed" "$f"
    echo "signed $(basename "$f")" >&2
  done
}

build_exe() { # arch
  local out=$DIST_DIR/windows-$1
  mkdir -p "$out"
  step "windows/$1 exe"
  CGO_ENABLED=0 GOOS=windows GOARCH=$1 go build -trimpath \
    -ldflags "-s -w -H windowsgui -X main.version=$VERSION" -o "$out/labelbridge.exe" ./app
  "$pk" winres -version "$VERSION" -ico "$work/icons/labelbridge.ico" "$out/labelbridge.exe"
  sign "$out/labelbridge.exe"
}

if want windows || want msi; then
  build_exe amd64
fi
if want windows; then
  build_exe arm64
  for arch in amd64 arm64; do
    # The amd64 setup is 64-bit (and runs under wine64 in the tests); the
    # arm64 one uses the x86 stub, which every Windows on ARM can run.
    stub=amd64-unicode
    [ "$arch" = arm64 ] && stub=x86-unicode
    setup=$DIST_DIR/Labelbridge-$VERSION-windows-$arch-installer.exe
    step "NSIS installer ($arch)"
    makensis -V2 -DVERSION="$VERSION" -DVIVERSION="$win4" -DARCH="$arch" -DTARGET="$stub" \
      -DEXE="$DIST_DIR/windows-$arch/labelbridge.exe" -DICON="$work/icons/labelbridge.ico" \
      -DOUTFILE="$setup" build/windows/installer.nsi >&2
    sign "$setup"
  done
fi
if want msi; then
  step "MSI (x64)"
  stage=$work/msi
  mkdir -p "$stage"
  cp build/windows/labelbridge.wxs "$stage/"
  cp "$DIST_DIR/windows-amd64/labelbridge.exe" "$work/icons/labelbridge.ico" "$stage/"
  msi=$DIST_DIR/Labelbridge-$VERSION-windows-x64.msi
  (cd "$stage" && wixl -a x64 -D Version="$msiver" -D NextVersion="$msinext" -D FullVersion="$VERSION" \
    -o "$msi" labelbridge.wxs)
  sign "$msi"
fi
if want deb; then
  [ -f "$UDEV_RULE" ] || { echo "dist: $UDEV_RULE is missing (the USB udev rule goes into the .deb)" >&2; exit 1; }
  arch=$(go env GOARCH)
  step "linux/$arch binary (cgo, for USB)"
  CGO_ENABLED=1 go build -trimpath -ldflags "-s -w -X main.version=$VERSION" -o "$work/linux/labelbridge" ./app
  step ".deb"
  linux=$work/linux-conf
  cp -r build/linux "$linux"
  cp "$UDEV_RULE" "$linux/70-labelbridge.rules"
  "$pk" deb -config "$linux/nfpm.yaml" -version "$VERSION" -arch "$arch" -bin "$work/linux/labelbridge" \
    -icons "$work/icons" -o "$DIST_DIR" >/dev/null
fi
if want sdk; then
  # prepack (sdk/build.mjs --same, no build deps) refuses a dist/ that is not
  # a whole build; e2e/sdk's `build.mjs --check` keeps the committed dist/
  # what sdk/src builds to.
  step "SDK npm package"
  rm -f "$DIST_DIR"/labelbridge-sdk-*.tgz
  (cd sdk && npm pack --silent --pack-destination "$DIST_DIR" >/dev/null)
fi

(cd "$DIST_DIR" && find . -type f ! -name SHA256SUMS -printf '%P\n' | sort | xargs -r sha256sum >SHA256SUMS)
step "done: $DIST_DIR"
(cd "$DIST_DIR" && ls -l --block-size=K $(find . -maxdepth 2 -type f ! -name SHA256SUMS -printf '%P\n' | sort)) >&2
