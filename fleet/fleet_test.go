package fleet

import (
	"encoding/json"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/labelbridge/labelbridge/internal/mqtttest"
	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/wire"
)

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// TestPrintOnceAndDuplicateKey: a job published to the station prints
// once; the same key published again prints nothing new and reports the
// existing job.
func TestPrintOnceAndDuplicateKey(t *testing.T) {
	b := mqtttest.Start(t, mqtttest.Options{})
	s := newStation(t, b, "pack-1")
	d := newDispatcher(t, b, "dispatcher", "d-print", true)
	topics := Topics{Prefix: "labelbridge", Station: "pack-1"}
	events := d.sub(topics.Jobs())
	d.pub(topics.Print(), rawPrint("order-1", "^XA^FDone^FS^XZ"))
	done, m := next(t, events, "done event", func(j printing.Job) bool { return j.IdempotencyKey == "order-1" && j.State == printing.JobDone })
	if m.Topic() != topics.Job(done.ID) || done.Origin != "mqtt://127.0.0.1" {
		t.Fatalf("event on %s with origin %q, want %s and mqtt://127.0.0.1", m.Topic(), done.Origin, topics.Job(done.ID))
	}
	d.pub(topics.Print(), rawPrint("order-1", "^XA^FDone^FS^XZ"))
	again, _ := next(t, events, "duplicate's event", func(j printing.Job) bool { return j.IdempotencyKey == "order-1" })
	if again.ID != done.ID || again.State != printing.JobDone {
		t.Fatalf("duplicate answered %+v, want job %s done", again, done.ID)
	}
	jobs, err := s.sp.Jobs(printing.JobFilter{Origin: s.conn.Origin()})
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 1 || !slices.Equal(s.tr.sent(), []string{done.ID}) {
		t.Fatalf("jobs %d, sent %v: want one job printed once", len(jobs), s.tr.sent())
	}
}

// TestBadInputIsRefusedNeverCrashes: every bad request is refused on the
// rejected topic with a reason, creates no job, and the station goes on.
func TestBadInputIsRefusedNeverCrashes(t *testing.T) {
	b := mqtttest.Start(t, mqtttest.Options{})
	s := newStation(t, b, "pack-1", func(o *Options) { o.MaxMessageBytes = 4096 })
	d := newDispatcher(t, b, "dispatcher", "d-bad", true)
	topics := Topics{Prefix: "labelbridge", Station: "pack-1"}
	events := d.sub(topics.Jobs())
	cases := []struct {
		name, payload, key, reason, msg string
	}{
		{"not JSON", `{"idempotencyKey": "k1", raw`, "", "parse_error", "not JSON"},
		{"missing key", `{"raw": {"data": "^XA^XZ"}}`, "", "invalid_params", "idempotencyKey: required"},
		{"unknown field", `{"idempotencyKey": "k3", "rawr": {}}`, "k3", "invalid_params", "rawr"},
		{"huge", `{"idempotencyKey": "k4", "raw": {"data": "` + strings.Repeat("A", 5000) + `"}}`, "", "payload_too_large", "over the limit of 4096"},
		{"unknown printer", `{"idempotencyKey": "k5", "printer": "nope", "raw": {"data": "^XA^XZ"}}`, "k5", "printer_not_found", "nope"},
		{"empty", ``, "", "parse_error", "not JSON"},
		{"array", `[1,2]`, "", "invalid_params", "want a JSON object"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tok := d.c.Publish(topics.Print(), 1, false, []byte(c.payload))
			tok.Wait()
			r, m := next(t, events, "rejection", func(r Rejection) bool { return r.Rejected })
			if m.Topic() != topics.Rejected() || r.State != printing.JobFailed || r.IdempotencyKey != c.key ||
				r.Error == nil || r.Error.Data.Reason != c.reason || r.Reason != c.reason || !strings.Contains(r.Error.Message, c.msg) {
				t.Fatalf("rejection on %s: %s", m.Topic(), m.Payload())
			}
		})
	}
	d.pub(topics.Print(), rawPrint("good", "^XA^XZ"))
	next(t, events, "the good job done", func(j printing.Job) bool { return j.IdempotencyKey == "good" && j.State == printing.JobDone })
	if jobs, _ := s.sp.Jobs(printing.JobFilter{}); len(jobs) != 1 {
		t.Fatalf("%d jobs, want only the good one", len(jobs))
	}
}

// TestRPC: read and control methods answer on replyTo; the broker sees
// only its own jobs; bad requests get clear errors.
func TestRPC(t *testing.T) {
	b := mqtttest.Start(t, mqtttest.Options{})
	s := newStation(t, b, "pack-1")
	d := newDispatcher(t, b, "dispatcher", "d-rpc", true)
	topics := Topics{Prefix: "labelbridge", Station: "pack-1"}
	events := d.sub(topics.Jobs())
	replies := d.sub(topics.Replies("d-rpc"))
	d.pub(topics.Print(), rawPrint("r1", "^XA^XZ"))
	fleetJob, _ := next(t, events, "job done", func(j printing.Job) bool { return j.IdempotencyKey == "r1" && j.State == printing.JobDone })
	local, err := s.sp.SubmitWait(t.Context(), printing.Request{Origin: "http://localhost:8080", Raw: []byte("^XA^XZ")})
	if err != nil {
		t.Fatal(err)
	}
	type reply struct {
		ID     json.RawMessage `json:"id"`
		Result json.RawMessage `json:"result"`
		Error  *wire.Error     `json:"error"`
	}
	cases := []struct {
		name, payload, reason, result string
	}{
		{"printers.list", `{"id": 1, "method": "printers.list", "replyTo": "R"}`, "", `"id":"p1"`},
		{"printers.get", `{"id": 2, "method": "printers.get", "params": {"printer": "p1"}, "replyTo": "R"}`, "", `"name":"Test printer"`},
		{"jobs.get own", `{"id": 3, "method": "jobs.get", "params": {"job": "` + fleetJob.ID + `"}, "replyTo": "R"}`, "", `"idempotencyKey":"r1"`},
		{"jobs.get local job", `{"id": 4, "method": "jobs.get", "params": {"job": "` + local.Job.ID + `"}, "replyTo": "R"}`, "job_not_found", ""},
		{"jobs.list own only", `{"id": 5, "method": "jobs.list", "replyTo": "R"}`, "", `"idempotencyKey":"r1"`},
		{"jobs.list other origin", `{"id": 6, "method": "jobs.list", "params": {"origin": "http://localhost:8080"}, "replyTo": "R"}`, "not_allowed", ""},
		{"jobs.cancel done", `{"id": 7, "method": "jobs.cancel", "params": {"job": "` + fleetJob.ID + `"}, "replyTo": "R"}`, "invalid_state", ""},
		{"jobs.retry", `{"id": 8, "method": "jobs.retry", "params": {"job": "` + fleetJob.ID + `"}, "replyTo": "R"}`, "", `"state"`},
		{"print is not an rpc", `{"id": 9, "method": "print", "replyTo": "R"}`, "method_not_found", ""},
		{"unknown param", `{"id": 10, "method": "printers.list", "params": {"x": 1}, "replyTo": "R"}`, "invalid_params", ""},
		{"unknown member", `{"id": 11, "method": "printers.list", "replyTo": "R", "extra": 1}`, "invalid_request", ""},
		{"no method", `{"id": 12, "replyTo": "R"}`, "invalid_request", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d.pub(topics.RPC(), json.RawMessage(strings.Replace(c.payload, `"R"`, `"`+topics.Replies("d-rpc")+`"`, 1)))
			var id struct {
				ID json.RawMessage `json:"id"`
			}
			_ = json.Unmarshal([]byte(strings.Replace(c.payload, `"R"`, `""`, 1)), &id)
			r, _ := next(t, replies, "reply", func(r reply) bool { return string(r.ID) == string(id.ID) })
			switch {
			case c.reason != "" && (r.Error == nil || r.Error.Data.Reason != c.reason):
				t.Fatalf("reply %+v, want reason %s", r, c.reason)
			case c.reason == "" && (r.Error != nil || !strings.Contains(string(r.Result), c.result)):
				t.Fatalf("reply error %v result %s, want %s", r.Error, r.Result, c.result)
			case c.name == "jobs.list own only" && strings.Contains(string(r.Result), local.Job.ID):
				t.Fatalf("jobs.list shows a local page's job: %s", r.Result)
			}
		})
	}
	// Not JSON, or no replyTo: nobody to answer; the station goes on.
	tok := d.c.Publish(topics.RPC(), 1, false, []byte("nonsense"))
	tok.Wait()
	d.pub(topics.RPC(), json.RawMessage(`{"id": "after", "method": "printers.list", "replyTo": "`+topics.Replies("d-rpc")+`"}`))
	next(t, replies, "reply after garbage", func(r reply) bool { return string(r.ID) == `"after"` && r.Error == nil })
}

// TestStateFollowsPrintersAndPause: the retained state shows the printers
// and follows a status change; pausing and turning off say so.
func TestStateFollowsPrintersAndPause(t *testing.T) {
	b := mqtttest.Start(t, mqtttest.Options{})
	s := newStation(t, b, "pack-1")
	d := newDispatcher(t, b, "dispatcher", "d-state", true)
	states := d.sub(AllStates("labelbridge"))
	next(t, states, "online state", func(st State) bool {
		return st.Online && st.Station == "pack-1" && len(st.Printers) == 1 && st.Printers[0].ID == "p1" && st.Version == "test"
	})
	s.sp.SetStatus("p1", printing.Status{State: printing.PrinterError, Reasons: []string{printing.ReasonPaperOut}})
	next(t, states, "paper out in the state", func(st State) bool {
		return st.Online && len(st.Printers) == 1 && slices.Contains(st.Printers[0].Status.Reasons, printing.ReasonPaperOut)
	})
	s.conn.SetPaused(true)
	next(t, states, "paused state", func(st State) bool { return !st.Online && st.Reason == "paused" })
	s.conn.SetPaused(false)
	next(t, states, "online again", func(st State) bool { return st.Online })
	s.conn.SetEnabled(false)
	next(t, states, "off state", func(st State) bool { return !st.Online && st.Reason == "off" })
	if got := s.conn.Status(); got.Enabled || got.Station != "pack-1" {
		t.Fatalf("status %+v", got)
	}
}

// TestOfflineEventsOnReconnect: a job that finishes while the broker is
// down is reported after the station reconnects, the state first.
func TestOfflineEventsOnReconnect(t *testing.T) {
	b := mqtttest.Start(t, mqtttest.Options{})
	s := newStation(t, b, "pack-1")
	topics := Topics{Prefix: "labelbridge", Station: "pack-1"}
	// A persistent dispatcher session: the broker keeps its subscription
	// and queues what it misses across the restart, in order.
	d := newDispatcher(t, b, "dispatcher", "d-offline", false)
	d.sub(topics.State())
	all := d.sub(topics.Jobs())
	gate := make(chan struct{})
	s.tr.mu.Lock()
	s.tr.gate = gate
	s.tr.mu.Unlock()
	d.pub(topics.Print(), rawPrint("offline-1", "^XA^XZ"))
	next(t, all, "job sending", func(j printing.Job) bool { return j.IdempotencyKey == "offline-1" && j.State == printing.JobSending })
	done := s.sp.Subscribe(64)
	b.Stop()
	close(gate) // the job is printed while the broker is away
	for e := range done.C {
		if e.Kind == printing.EventJob && e.Job.IdempotencyKey == "offline-1" && e.Job.State == printing.JobDone {
			break
		}
	}
	done.Close()
	b.Start()
	d2 := newDispatcher(t, b, "dispatcher", "d-offline", false)
	all2 := d2.msgs
	var sawState bool
	for {
		_, m := next(t, all2, "state then done", func(json.RawMessage) bool { return true })
		if strings.HasSuffix(m.Topic(), "/state") && !m.Retained() {
			var st State
			_ = json.Unmarshal(m.Payload(), &st)
			sawState = sawState || st.Online
			continue
		}
		var j printing.Job
		if json.Unmarshal(m.Payload(), &j) == nil && j.IdempotencyKey == "offline-1" && j.State == printing.JobDone {
			if !sawState {
				t.Fatalf("the done event came before the station's new state")
			}
			return
		}
	}
}
