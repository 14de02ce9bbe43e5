package sdk_test

import (
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/internal/porttest"
)

// benchPage measures in the page: bench(n, window) prints n raw jobs to the
// virtual printer with at most window unfinished at once, timing each from
// the print() call to its "done" event (matched by idempotency key, since
// the event can come before print() resolves).
const benchScript = `
window.bench = (n, windowSize) => new Promise((resolve, reject) => {
	const started = new Map(), lat = [];
	let next = 0, finished = 0;
	const t0 = performance.now();
	const off = lb.on("job", (j) => {
		const s = started.get(j.idempotencyKey);
		if (j.state !== "done" || s === undefined) return;
		started.delete(j.idempotencyKey);
		lat.push(performance.now() - s);
		if (++finished === n) { off(); resolve({ elapsedMs: performance.now() - t0, latencies: lat }); }
		else if (next < n) fire();
	});
	const fire = () => {
		const key = "bench-" + crypto.randomUUID();
		started.set(key, performance.now());
		const i = next++;
		lb.print("^XA^FO20,20^A0N,30,30^FDbench " + i + "^FS^XZ", { printer: "virtual", idempotencyKey: key }).catch((e) => { off(); reject(e); });
	};
	for (let i = 0; i < Math.min(windowSize, n); i++) fire();
});`

// BenchmarkSDKPrint: jobs per second from one browser tab through the SDK to
// the virtual printer (durable store with fsync, as shipped), and the
// print() → done latency. Run it with scripts/bench-sdk.sh.
func BenchmarkSDKPrint(b *testing.B) {
	port := porttest.Free(b)
	site := newPages(b)
	startAgent(b, b.TempDir(), port, nil, site.origin)
	br := newBrowser(b)
	br.open(site.set("/bench.html", modulePage(port)))
	eval[bool](br, fmt.Sprintf(`(async () => { window.lb = await LB.connect({ ports: [%d], printTimeout: 600000 }); %s; return true; })()`, port, benchScript))

	for _, window := range []int{1, 16, 128} {
		b.Run(fmt.Sprintf("window=%d", window), func(b *testing.B) {
			br := &browser{tb: b, ctx: br.ctx}
			b.ResetTimer()
			r := eval[struct {
				ElapsedMs float64   `json:"elapsedMs"`
				Latencies []float64 `json:"latencies"`
			}](br, fmt.Sprintf(`bench(%d, %d)`, b.N, window))
			b.StopTimer()
			sort.Float64s(r.Latencies)
			q := func(p float64) float64 { return r.Latencies[int(p*float64(len(r.Latencies)-1))] }
			b.ReportMetric(float64(b.N)/(r.ElapsedMs/1000), "jobs/s")
			b.ReportMetric(q(0.50), "p50-ms")
			b.ReportMetric(q(0.99), "p99-ms")
			b.ReportMetric(0, "ns/op") // the page's clock is the measure, not Go's
			if b.N >= 100 {
				b.Logf("window %d: %d jobs in %v: %.0f jobs/s, print→done p50 %.1f ms, p99 %.1f ms, max %.1f ms",
					window, b.N, time.Duration(r.ElapsedMs*float64(time.Millisecond)).Round(time.Millisecond),
					float64(b.N)/(r.ElapsedMs/1000), q(0.5), q(0.99), r.Latencies[len(r.Latencies)-1])
			}
		})
	}
}
