// Package sdk holds the end-to-end tests of the browser SDK (labelbridge.js),
// the demo page and the Zebra Browser Print compatible endpoint: they build
// the real labelbridge binary, run it with LABELBRIDGE_HOME in a temporary
// folder, and drive pages in headless Chromium (github.com/chromedp/chromedp)
// from another loopback origin. The benchmark BenchmarkSDKPrint measures jobs
// per second and the print() → done latency from one browser tab
// (scripts/bench-sdk.sh).
package sdk
