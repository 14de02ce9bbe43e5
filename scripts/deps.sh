#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Labelbridge needs, only those missing.
#   scripts/deps.sh run    what building and running the app needs
#   scripts/deps.sh test   everything the whole test suite needs
#   scripts/deps.sh dist   what building the installers needs
# Package lists live in scripts/deps/*.txt (run.txt for run; all for test).
set -euo pipefail
cd "$(dirname "$0")"
mode=${1:-run}
case $mode in
  run) lists=(deps/run.txt) ;;
  test) lists=(deps/*.txt) ;;
  dist) lists=(deps/run.txt deps/test-dist.txt) ;;
  *) echo "usage: $0 run|test|dist" >&2; exit 2 ;;
esac

if ! command -v go >/dev/null 2>&1; then
  echo "Go is missing: install Go 1.26 or newer from https://go.dev/dl/ and put it on PATH" >&2
  exit 1
fi

mapfile -t wanted < <(grep -hv '^\s*#' "${lists[@]}" | tr -s ' \t' '\n' | grep -v '^$' | sort -u)
# An entry "package|command" is satisfied by the package or by the command
# on PATH (npm ships inside some nodejs builds, and Debian's npm conflicts
# with them).
missing=()
for entry in "${wanted[@]}"; do
  p=${entry%%|*}
  if [ "$p" != "$entry" ] && command -v "${entry#*|}" >/dev/null 2>&1; then
    continue
  fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "missing packages (install them with your package manager): ${missing[*]}" >&2
  exit 1
fi
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
