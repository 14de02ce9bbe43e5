#!/usr/bin/env bash
# The whole test suite: formatting, vet, cross-builds, every test with the
# race detector (real WebSocket server, umockdev USB fakes, private D-Bus,
# headless Chromium), and a short run of every fuzz target.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test

export CI=${CI:-true}   # tests that need system parts fail, never skip, in the suite
export GOFLAGS=${GOFLAGS:--buildvcs=false}
step() { printf '\n== %s\n' "$*"; }
# Tests must leave the tree as they found it (ignored files included): caches
# and installs go to the user's cache dir, temporary files to t.TempDir.
tree_state() { git status --porcelain --ignored 2>/dev/null | sort; }
tree_before=$(tree_state)

step "gofmt"
bad=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go') )
if [ -n "$bad" ]; then echo "gofmt would change: $bad"; exit 1; fi

step "go vet"
go vet ./...

step "cross-builds with CGO_ENABLED=0"
for target in linux/amd64 windows/amd64 darwin/arm64; do
  CGO_ENABLED=0 GOOS=${target%/*} GOARCH=${target#*/} go build -o /dev/null ./... && echo "ok $target"
done

step "fuzz (short runs)"
for pkg in $(go list ./...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
    fuzz() { go test -run '^$' -fuzz "^${target}\$" -fuzztime "${FUZZTIME:-5s}" "$pkg" 2>&1; }
    if ! out=$(fuzz); then
      # Go's fuzzing engine can end a timed run with a bare "context deadline
      # exceeded" and no failing input (an engine race, not a find): run it
      # once more. A real find writes its input under testdata and fails again.
      if grep -q 'context deadline exceeded' <<<"$out" && ! grep -q 'Failing input written' <<<"$out"; then
        echo "note: $pkg $target ended with the engine's deadline error and no input; running it again"
        out=$(fuzz) || { echo "$out"; echo "FAIL $pkg $target"; exit 1; }
      else
        echo "$out"; echo "FAIL $pkg $target"; exit 1
      fi
    fi
    echo "ok $pkg $target"
  done
done

step "go test -race"
go test -race -count=1 -timeout 15m ./...

step "the tree is as the tests found it"
new=$(comm -13 <(echo "$tree_before") <(tree_state))
if [ -n "$new" ]; then echo "tests left files in the tree:"; echo "$new"; exit 1; fi
echo ok
