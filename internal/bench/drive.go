package bench

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labelbridge/labelbridge/client"
	"github.com/labelbridge/labelbridge/printing"
)

// payload is size bytes of ZPL: one text field of letters, as much of
// "^XA…^FS^XZ\n" as fits.
func payload(size int) []byte {
	const head, tail = "^XA^FO20,20^A0N,30,30^FD", "^FS^XZ\n"
	p := make([]byte, size)
	copy(p, head)
	for i := len(head); i < len(p)-len(tail); i++ {
		p[i] = 'A' + byte(i%26)
	}
	copy(p[max(len(p)-len(tail), 0):], tail)
	return p
}

// drive runs the clients against url and measures. With waitDone each
// client subscribes to its jobs' events and waits until all are done.
func drive(url string, load Load, waitDone bool) (*Result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	b64 := base64.StdEncoding.EncodeToString(payload(load.Size))

	conns := make([]*client.Client, load.Clients)
	for i := range conns {
		// One origin per client, like separate stations: each sees only its own jobs' events.
		c, err := client.Dial(ctx, url, client.Options{Origin: fmt.Sprintf("http://localhost:%d", 8000+i), EventBuffer: load.Jobs*4 + 16})
		if err != nil {
			return nil, fmt.Errorf("client %d: %w", i, err)
		}
		defer c.Close()
		if waitDone {
			if err := c.Subscribe(ctx, "jobs"); err != nil {
				return nil, err
			}
		}
		conns[i] = c
	}
	var (
		mu      sync.Mutex
		acks    []time.Duration
		dones   []time.Duration
		failed  atomic.Int64
		firstEr error
	)
	var tick <-chan time.Time
	if load.Rate > 0 {
		t := time.NewTicker(time.Duration(float64(time.Second) / load.Rate))
		defer t.Stop()
		tick = t.C
	}
	tickets := make(chan struct{})
	if tick != nil {
		go func() {
			for range load.Clients * load.Jobs {
				select {
				case <-tick:
					tickets <- struct{}{}
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	start := time.Now()
	var lastAck atomic.Int64 // ns since start
	var wg sync.WaitGroup
	for _, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sent := map[string]time.Time{}
			myAcks := make([]time.Duration, 0, load.Jobs)
			for range load.Jobs {
				if tick != nil {
					<-tickets
				}
				t0 := time.Now()
				job, err := c.Print(ctx, client.PrintParams{Raw: &client.Raw{Language: "zpl", Base64: &b64}})
				if err != nil {
					if failed.Add(1) == 1 {
						mu.Lock()
						firstEr = err
						mu.Unlock()
					}
					continue
				}
				myAcks = append(myAcks, time.Since(t0))
				sent[job.ID] = t0
			}
			for done := int64(time.Since(start)); ; {
				prev := lastAck.Load()
				if done <= prev || lastAck.CompareAndSwap(prev, done) {
					break
				}
			}
			var myDones []time.Duration
			if waitDone {
				myDones = waitAllDone(ctx, c, sent)
			}
			mu.Lock()
			acks = append(acks, myAcks...)
			dones = append(dones, myDones...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Duration(lastAck.Load())
	if n := failed.Load(); n > 0 {
		return nil, fmt.Errorf("%d prints failed, first: %w", n, firstEr)
	}
	if waitDone && len(dones) != len(acks) {
		return nil, fmt.Errorf("%d of %d jobs reported done", len(dones), len(acks))
	}
	res := &Result{Jobs: len(acks), Seconds: elapsed.Seconds()}
	res.AckP50ms, res.AckP99ms = percentile(acks, 50), percentile(acks, 99)
	res.DoneP50ms, res.DoneP99ms = percentile(dones, 50), percentile(dones, 99)
	// Throughput counts acknowledgements: when the last job was durably accepted.
	res.JobsPerSec = float64(len(acks)) / elapsed.Seconds()
	return res, nil
}

// waitAllDone collects submit→done latencies from job events (nothing
// to wait for when sent is empty or the server sends no events).
func waitAllDone(ctx context.Context, c *client.Client, sent map[string]time.Time) []time.Duration {
	var out []time.Duration
	if len(sent) == 0 {
		return out
	}
	for len(out) < len(sent) {
		select {
		case n, ok := <-c.Events():
			if !ok {
				return out
			}
			var j struct {
				ID    string
				State printing.JobState
			}
			if json.Unmarshal(n.Params, &j) != nil || j.State != printing.JobDone {
				continue
			}
			if t0, ok := sent[j.ID]; ok {
				out = append(out, n.Received.Sub(t0))
			}
		case <-ctx.Done():
			return out
		case <-time.After(30 * time.Second):
			return out // events stopped: report what arrived
		}
	}
	return out
}

// percentile is the p-th percentile of ds in milliseconds (nearest rank;
// 0 for none).
func percentile(ds []time.Duration, p int) float64 {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := min(len(s)-1, (len(s)*p+99)/100-1)
	return float64(s[max(i, 0)]) / float64(time.Millisecond)
}
