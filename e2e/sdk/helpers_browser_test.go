// Test helpers: headless Chromium driven by chromedp.

package sdk_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// browser is a headless Chromium tab.
type browser struct {
	tb  testing.TB
	ctx context.Context
}

// extra adds Chromium options (flags) to the standard ones.
func newBrowser(tb testing.TB, extra ...chromedp.ExecAllocatorOption) *browser {
	tb.Helper()
	path := need(tb, "chromium", "chromium-browser", "google-chrome")
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append([]chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.UserDataDir(tb.TempDir()),
	}, extra...)...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	tb.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		tb.Fatalf("start Chromium (%s): %v", path, err)
	}
	// Page console output goes to the test log (until the test ends).
	var mu sync.Mutex
	ended := false
	tb.Cleanup(func() {
		mu.Lock()
		ended = true
		mu.Unlock()
	})
	go func() {
		for m, err := range chromedp.Console(ctx) {
			if err != nil {
				return
			}
			mu.Lock()
			if !ended {
				tb.Logf("browser console: %s", m)
			}
			mu.Unlock()
		}
	}()
	return &browser{tb: tb, ctx: ctx}
}

// navigate loads url and waits for its load event.
func (b *browser) navigate(url string) {
	b.tb.Helper()
	if err := chromedp.Do(b.ctx, chromedp.Navigate(url)); err != nil {
		b.tb.Fatalf("open %s: %v", url, err)
	}
}

// open navigates to a test page and waits until its SDK is loaded.
func (b *browser) open(url string) {
	b.tb.Helper()
	b.navigate(url)
	b.waitFor(`window.sdkLoaded === true || window.loadError !== undefined`, 30*time.Second)
	if e := eval[string](b, `String(window.loadError || "")`); e != "" {
		b.tb.Fatalf("the page could not load the SDK: %s", e)
	}
}

// eval runs JavaScript in the page (awaiting a promise) and decodes the result.
func eval[T any](b *browser, expr string) T {
	b.tb.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 2*time.Minute)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.tb.Fatalf("in the page: %v\nscript: %s", err, expr)
	}
	return v
}

// waitFor waits until the page expression is truthy. Errors right after a
// navigation (the old page's context is gone) are retried until the deadline.
func (b *browser) waitFor(expr string, timeout time.Duration) {
	b.tb.Helper()
	deadline := time.Now().Add(timeout)
	var last error
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("!!("+expr+")"))
		cancel()
		if err == nil && ok {
			return
		}
		last = err
		time.Sleep(10 * time.Millisecond) // polling the page for a condition, with a deadline
	}
	b.tb.Fatalf("waiting for %s: not true after %v (last error: %v)", expr, timeout, last)
}

// js quotes a Go value for a script.
func js(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		panic(err) // test values only
	}
	return string(data)
}
