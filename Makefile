# Labelbridge: the two set-up commands are `make run` and `make test`.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)

.PHONY: run test build bench deps dist sdk clean

## run: install what is missing, build and run the agent (tray, or headless
## without a desktop) with the built-in virtual printer.
run: build
	./bin/labelbridge

## test: install what is missing and run the whole test suite.
test:
	scripts/test.sh

build:
	scripts/deps.sh run
	go build -ldflags "$(LDFLAGS)" -o bin/labelbridge ./app

## bench: the load benchmark (see docs/benchmarks.md).
bench: build
	./bin/labelbridge bench

## sdk: rebuild the browser SDK in sdk/dist (committed: the npm package's
## files, so that `npm install <checkout>/sdk` needs no build, and embedded by
## the agent through package sdk) from sdk/src: tsc type-checks it and writes
## the types, esbuild the ES module, classic script and CommonJS build (both
## installed by npm into the user's cache folder, never into the tree).
## Commit sdk/dist. See docs/sdk.md.
sdk:
	node sdk/build.mjs

## dist: every release artifact into dist/ (Windows exe, NSIS and MSI
## installers, .deb, the SDK's npm tarball; see docs/install.md and
## docs/sdk.md). DIST_TARGETS narrows it (windows, msi, deb, sdk);
## SIGN_PKCS12/SIGN_PASSWORD sign the Windows files.
DIST_TARGETS ?=
dist:
	scripts/deps.sh dist
	VERSION=$(VERSION) scripts/dist.sh $(DIST_TARGETS)

clean:
	rm -rf bin dist
