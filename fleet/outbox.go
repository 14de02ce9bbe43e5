package fleet

import (
	"encoding/json"
	"strconv"
	"sync"
	"time"
)

// outbox holds what the station has to publish: job events (the latest per
// job: a burst of changes, or hours offline, become one event per job),
// rejections, rpc replies, and a flag saying the state changed. It keeps
// them while the broker is away, so they go out on reconnect (after the
// state). At most max entries: the oldest go first.
type outbox struct {
	mu      sync.Mutex
	max     int
	seq     uint64
	order   []string // keys, oldest first
	items   map[string]outItem
	dirty   bool // the state changed since it was last published
	dropped int
	signal  chan struct{}
}

type outItem struct {
	key     string
	topic   string
	payload any
	seq     uint64
	at      time.Time
}

func newOutbox(max int) *outbox {
	return &outbox{max: max, items: map[string]outItem{}, signal: make(chan struct{}, 1)}
}

func (o *outbox) wake() {
	select {
	case o.signal <- struct{}{}:
	default:
	}
}

// add queues payload for topic under key, replacing an unsent one with
// the same key in its place.
func (o *outbox) add(key, topic string, payload any) {
	o.mu.Lock()
	o.seq++
	it := outItem{key: key, topic: topic, payload: payload, seq: o.seq, at: time.Now()}
	if _, ok := o.items[key]; !ok {
		o.order = append(o.order, key)
		for len(o.order) > o.max {
			delete(o.items, o.order[0])
			o.order = o.order[1:]
			o.dropped++
		}
	}
	o.items[key] = it
	o.mu.Unlock()
	o.wake()
}

// addJob queues a job's event (the latest per job).
func (o *outbox) addJob(topic, id string, payload any) { o.add("job:"+id, topic, payload) }

// addOnce queues a message that replaces nothing (rejections, replies).
func (o *outbox) addOnce(topic string, payload any) {
	o.mu.Lock()
	key := "once:" + strconv.FormatUint(o.seq+1, 10)
	o.mu.Unlock()
	o.add(key, topic, payload)
}

func (o *outbox) markState() {
	o.mu.Lock()
	o.dirty = true
	o.mu.Unlock()
	o.wake()
}

// takeState clears and returns the state's dirty flag.
func (o *outbox) takeState() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	d := o.dirty
	o.dirty = false
	return d
}

// take removes up to n items, oldest first.
func (o *outbox) take(n int) []outItem {
	o.mu.Lock()
	defer o.mu.Unlock()
	n = min(n, len(o.order))
	out := make([]outItem, 0, n)
	for _, k := range o.order[:n] {
		out = append(out, o.items[k])
		delete(o.items, k)
	}
	o.order = o.order[n:]
	return out
}

// putBack returns items that could not be published to the front, unless
// a newer event for the same key arrived meanwhile.
func (o *outbox) putBack(items []outItem) {
	o.mu.Lock()
	var front []string
	for _, it := range items {
		if _, newer := o.items[it.key]; newer {
			continue
		}
		o.items[it.key] = it
		front = append(front, it.key)
	}
	o.order = append(front, o.order...)
	for len(o.order) > o.max {
		delete(o.items, o.order[0])
		o.order = o.order[1:]
		o.dropped++
	}
	o.mu.Unlock()
}

// takeDropped returns and clears how many items were dropped for space.
func (o *outbox) takeDropped() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	d := o.dropped
	o.dropped = 0
	return d
}

func encode(v any) []byte {
	if b, ok := v.([]byte); ok {
		return b
	}
	b, err := json.Marshal(v)
	if err != nil {
		b, _ = json.Marshal(map[string]string{"error": "encode: " + err.Error()})
	}
	return b
}
