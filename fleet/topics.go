package fleet

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/wire"
)

// Topics are one station's topics under a prefix (docs/fleet.md):
//
//	PREFIX/stations/STATION/print        print requests (the station subscribes, QoS 1)
//	PREFIX/stations/STATION/rpc          read and control requests (QoS 1)
//	PREFIX/stations/STATION/jobs/JOBID   job events (QoS 1)
//	PREFIX/stations/STATION/jobs/rejected print requests refused before a job existed
//	PREFIX/stations/STATION/state        retained presence and printer status
//	PREFIX/stations/STATION/replies/…    where clients usually ask rpc replies to go
type Topics struct {
	Prefix, Station string
}

func (t Topics) base() string { return t.Prefix + "/stations/" + t.Station }

// Print is the topic print requests arrive on.
func (t Topics) Print() string { return t.base() + "/print" }

// RPC is the topic rpc requests arrive on.
func (t Topics) RPC() string { return t.base() + "/rpc" }

// State is the station's retained state topic.
func (t Topics) State() string { return t.base() + "/state" }

// Job is the topic of one job's events.
func (t Topics) Job(id string) string { return t.base() + "/jobs/" + id }

// Jobs matches every job topic of the station (subscribers' filter).
func (t Topics) Jobs() string { return t.base() + "/jobs/+" }

// Rejected is where refused print requests are reported.
func (t Topics) Rejected() string { return t.base() + "/jobs/" + RejectedLevel }

// Replies is a reply topic under the station that station ACLs can allow.
func (t Topics) Replies(client string) string { return t.base() + "/replies/" + client }

// RejectedLevel is the last topic level of rejections (job ids never take it).
const RejectedLevel = "rejected"

// AllStates matches the state topics of every station under prefix.
func AllStates(prefix string) string { return prefix + "/stations/+/state" }

// StationOf returns the station level of a topic under prefix ("" if none).
func StationOf(prefix, topic string) string {
	rest, ok := strings.CutPrefix(topic, prefix+"/stations/")
	if !ok {
		return ""
	}
	st, _, _ := strings.Cut(rest, "/")
	return st
}

// State is the retained message on the state topic. The broker's last will
// replaces it with {"online": false, "station": …} when the station
// vanishes; a station that stops, pauses or is turned off says so itself,
// with Reason.
type State struct {
	Online   bool               `json:"online"`
	Station  string             `json:"station,omitempty"`
	Version  string             `json:"version,omitempty"`
	Printers []printing.Printer `json:"printers,omitempty"`
	Queued   int                `json:"queued"`
	Since    *time.Time         `json:"since,omitempty"` // online since, or offline since (Reason set)
	// Reason says why a station is offline on its own terms: "paused",
	// "off", "stopped". The last will has none (the station vanished).
	Reason string `json:"reason,omitempty"`
}

// RPCRequest is a message on the rpc topic.
type RPCRequest struct {
	ID      json.RawMessage `json:"id"`
	Method  string          `json:"method"`
	Params  json.RawMessage `json:"params,omitempty"`
	ReplyTo string          `json:"replyTo"`
}

// RPCReply is published to the request's replyTo: Result or Error.
type RPCReply struct {
	ID      json.RawMessage `json:"id"`
	Station string          `json:"station"`
	Result  any             `json:"result,omitempty"`
	Error   *wire.Error     `json:"error,omitempty"`
}

// Rejection is published on the rejected topic when a print request is
// refused before it became a job (not JSON, a missing key, too big, an
// unknown printer, a label that does not compile): a job event with state
// failed, no id, the request's idempotencyKey, and the error.
type Rejection struct {
	printing.Job
	Rejected bool        `json:"rejected"`
	Error    *wire.Error `json:"error"`
}
