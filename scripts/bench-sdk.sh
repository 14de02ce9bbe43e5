#!/usr/bin/env bash
# The SDK benchmark: jobs per second from one headless Chromium tab through
# labelbridge.js to the virtual printer (real agent binary, durable store with
# fsync), and the p50/p99 time from print() to the job's "done" event, with 1,
# 16 and 128 prints in flight. Needs chromium (scripts/deps/test-sdk.txt).
#   scripts/bench-sdk.sh            2000 jobs per run
#   JOBS=10000 scripts/bench-sdk.sh
set -euo pipefail
cd "$(dirname "$0")/.."
exec go test ./e2e/sdk -run '^$' -bench '^BenchmarkSDKPrint$' -benchtime "${JOBS:-2000}x" -count "${COUNT:-1}" -timeout 30m -v "$@"
