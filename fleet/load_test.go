package fleet

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/labelbridge/labelbridge/internal/mqtttest"
	"github.com/labelbridge/labelbridge/printing"
)

// loadResult is what one load run measured.
type loadResult struct {
	jobs          int
	elapsed       time.Duration
	p50, p99, max time.Duration
	brokerHWM     int64 // bytes: the broker's peak resident set
	agentHWM      int64 // bytes: this process's peak (the stations and the publisher)
}

// runLoad starts a real Mosquitto and n stations (each a real spooler and
// store with a recording printer, and its own connector) in this process,
// then one publisher sends jobs spread over the stations (QoS 1, a window
// of publishes in flight) and waits for every job's done event:
// publish→done latency per job.
func runLoad(tb testing.TB, stations, jobs int) loadResult {
	b := mqtttest.Start(tb, mqtttest.Options{})
	quiet := func(o *Options) { o.Logger = slog.New(slog.DiscardHandler); o.StateEvery = time.Second }
	names := make([]string, stations)
	for i := range names {
		names[i] = fmt.Sprintf("st-%02d", i)
		newStation(tb, b, names[i], quiet)
	}
	d := newDispatcher(tb, b, "dispatcher", "load", true)
	d.sub("labelbridge/stations/+/jobs/+")

	var (
		mu   sync.Mutex
		sent = make(map[string]time.Time, jobs)
		lat  = make([]time.Duration, 0, jobs)
		done = make(chan struct{})
	)
	go func() {
		seen := make(map[string]bool, jobs)
		for m := range d.msgs {
			var j printing.Job
			if json.Unmarshal(m.Payload(), &j) != nil || j.State != printing.JobDone || seen[j.IdempotencyKey] {
				continue
			}
			now := time.Now()
			mu.Lock()
			at, ok := sent[j.IdempotencyKey]
			mu.Unlock()
			if !ok {
				continue
			}
			seen[j.IdempotencyKey] = true
			lat = append(lat, now.Sub(at))
			if len(lat) == jobs {
				close(done)
				return
			}
		}
	}()
	start := time.Now()
	window := make(chan mqtt.Token, 256)
	go func() {
		for tok := range window {
			if !tok.WaitTimeout(60*time.Second) || tok.Error() != nil {
				tb.Errorf("publish: %v", tok.Error())
			}
		}
	}()
	for i := range jobs {
		key := "load-" + strconv.Itoa(i)
		st := names[i%stations]
		payload := `{"idempotencyKey":"` + key + `","raw":{"language":"zpl","data":"^XA^FO20,20^A0N,30,30^FDjob ` + key + `^FS^XZ"}}`
		mu.Lock()
		sent[key] = time.Now()
		mu.Unlock()
		window <- d.c.Publish(Topics{Prefix: "labelbridge", Station: st}.Print(), 1, false, payload)
	}
	close(window)
	select {
	case <-done:
	case <-time.After(10 * time.Minute):
		mu.Lock()
		n := len(lat)
		mu.Unlock()
		tb.Fatalf("only %d of %d jobs done within 10 minutes", n, jobs)
	}
	r := loadResult{jobs: jobs, elapsed: time.Since(start)}
	slices.Sort(lat)
	r.p50, r.p99, r.max = lat[len(lat)/2], lat[len(lat)*99/100], lat[len(lat)-1]
	r.brokerHWM = procHWM(strconv.Itoa(b.PID()))
	r.agentHWM = procHWM("self")
	return r
}

// procHWM reads a process's peak resident set (Linux /proc; 0 elsewhere).
func procHWM(pid string) int64 {
	data, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func (r loadResult) String() string {
	return fmt.Sprintf("%d jobs in %s: %.0f jobs/s; publish→done p50 %s, p99 %s, max %s; broker peak RSS %.1f MiB, agents+publisher peak RSS %.1f MiB",
		r.jobs, r.elapsed.Round(time.Millisecond), float64(r.jobs)/r.elapsed.Seconds(), r.p50.Round(time.Microsecond),
		r.p99.Round(time.Microsecond), r.max.Round(time.Microsecond), float64(r.brokerHWM)/(1<<20), float64(r.agentHWM)/(1<<20))
}

// TestFleetLoadSmoke is the suite's short run of the benchmark: every job
// published through the broker to a few stations is printed once.
func TestFleetLoadSmoke(t *testing.T) {
	r := runLoad(t, 3, 90)
	t.Log(r)
}

// BenchmarkFleet is the benchmark: one publisher, 50 stations,
// 10,000 jobs through Mosquitto (FLEET_STATIONS and FLEET_JOBS change the
// sizes). Run it alone:
//
//	go test -run '^$' -bench BenchmarkFleet -benchtime 1x ./fleet
func BenchmarkFleet(b *testing.B) {
	stations, jobs := envInt("FLEET_STATIONS", 50), envInt("FLEET_JOBS", 10000)
	for b.Loop() {
		r := runLoad(b, stations, jobs)
		b.ReportMetric(float64(r.jobs)/r.elapsed.Seconds(), "jobs/s")
		b.ReportMetric(float64(r.p50.Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(r.p99.Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(r.brokerHWM)/(1<<20), "broker-MiB")
		b.ReportMetric(float64(r.agentHWM)/(1<<20), "agents-MiB")
		b.Log(r)
	}
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}
