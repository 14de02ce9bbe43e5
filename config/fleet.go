package config

import (
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"
	"unicode/utf8"
)

// Fleet connects the agent to the customer's own MQTT broker (package
// fleet): central dispatch to this station, presence and printer status.
// Off while Broker is empty. LABELBRIDGE_FLEET_BROKER and
// LABELBRIDGE_FLEET_STATION override the first two keys.
type Fleet struct {
	// Broker is the broker's URL: mqtt://host[:1883], mqtts://host[:8883],
	// ws://host[:port]/path or wss://host[:port]/path.
	Broker string `json:"broker,omitempty"`
	// Station is this station's id in the topics (default: the host name).
	Station string `json:"station,omitempty"`
	// TopicPrefix starts every topic (default "labelbridge").
	TopicPrefix string `json:"topicPrefix,omitempty"`
	// CAFile verifies the broker (PEM; default: the system's roots).
	CAFile string `json:"caFile,omitempty"`
	// CertFile and KeyFile are a client certificate and its key (PEM) for
	// mutual TLS (AWS IoT Core style); set both or neither.
	CertFile string `json:"certFile,omitempty"`
	KeyFile  string `json:"keyFile,omitempty"`
	Username string `json:"username,omitempty"`
	Password string `json:"password,omitempty"`
	// KeepAlive is the MQTT keep-alive interval (default 30s, 5s to 20m).
	KeepAlive Duration `json:"keepAlive,omitzero"`
	// Enabled false keeps the connection off (the user turned it off in
	// the tray or panel); absent or true: on when a broker is set.
	Enabled *bool `json:"enabled,omitempty"`
}

// DefaultTopicPrefix starts every fleet topic unless topicPrefix says otherwise.
const DefaultTopicPrefix = "labelbridge"

// Configured reports whether a broker is set (the connection may still be
// turned off).
func (f *Fleet) Configured() bool { return f.Broker != "" }

// On reports whether the agent should connect to the broker.
func (f *Fleet) On() bool { return f.Configured() && (f.Enabled == nil || *f.Enabled) }

// applyFleetEnv applies LABELBRIDGE_FLEET_BROKER and LABELBRIDGE_FLEET_STATION.
func (f *Fleet) applyEnv() {
	if v := strings.TrimSpace(os.Getenv("LABELBRIDGE_FLEET_BROKER")); v != "" {
		f.Broker = v
	}
	if v := strings.TrimSpace(os.Getenv("LABELBRIDGE_FLEET_STATION")); v != "" {
		f.Station = v
	}
}

func (f *Fleet) applyDefaults() {
	if !f.Configured() {
		return
	}
	if f.Station == "" {
		f.Station = DefaultStation()
	}
	if f.TopicPrefix == "" {
		f.TopicPrefix = DefaultTopicPrefix
	}
	if f.KeepAlive.Duration == 0 {
		f.KeepAlive.Duration = 30 * time.Second
	}
}

// DefaultStation is the station id when none is configured: the host name
// (its first label, lower case), with characters a topic level cannot hold
// replaced by '-'.
func DefaultStation() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		return "station"
	}
	h, _, _ = strings.Cut(strings.ToLower(h), ".")
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '+' || r == '#' || r < ' ' {
			return '-'
		}
		return r
	}, h)
}

// BrokerSchemes are the broker URL schemes the fleet connector speaks.
var BrokerSchemes = []string{"mqtt", "mqtts", "ws", "wss"}

// validate checks the fleet block, naming the key of the first bad value.
func (f *Fleet) validate() error {
	if !f.Configured() {
		if f.Station != "" || f.TopicPrefix != "" || f.CAFile != "" || f.CertFile != "" || f.KeyFile != "" ||
			f.Username != "" || f.Password != "" || f.KeepAlive.Duration != 0 {
			return fmt.Errorf("fleet.broker: required when other fleet keys are set (mqtts://host:8883, …)")
		}
		return nil
	}
	u, err := url.Parse(f.Broker)
	switch {
	case err != nil:
		return fmt.Errorf("fleet.broker: %q is not a URL: %w", f.Broker, err)
	case !isBrokerScheme(u.Scheme):
		return fmt.Errorf("fleet.broker: %q: the scheme must be mqtt://, mqtts://, ws:// or wss://", f.Broker)
	case u.Hostname() == "":
		return fmt.Errorf("fleet.broker: %q has no host", f.Broker)
	case u.User != nil:
		return fmt.Errorf("fleet.broker: %q: put credentials in fleet.username and fleet.password, not in the URL", f.Broker)
	}
	if err := CheckTopicLevel(f.Station); err != nil {
		return fmt.Errorf("fleet.station: %w", err)
	}
	if err := checkPrefix(f.TopicPrefix); err != nil {
		return fmt.Errorf("fleet.topicPrefix: %w", err)
	}
	if (f.CertFile == "") != (f.KeyFile == "") {
		return fmt.Errorf("fleet.certFile and fleet.keyFile: set both (a client certificate and its key) or neither")
	}
	if f.Password != "" && f.Username == "" {
		return fmt.Errorf("fleet.password: needs fleet.username")
	}
	if (f.CAFile != "" || f.CertFile != "") && (u.Scheme == "mqtt" || u.Scheme == "ws") {
		return fmt.Errorf("fleet.broker: %q is not encrypted but fleet.caFile or fleet.certFile is set: use mqtts:// or wss://", f.Broker)
	}
	if k := f.KeepAlive.Duration; k < 5*time.Second || k > 20*time.Minute {
		return fmt.Errorf("fleet.keepAlive: must be 5s to 20m, got %s", k)
	}
	return nil
}

func isBrokerScheme(s string) bool {
	for _, b := range BrokerSchemes {
		if s == b {
			return true
		}
	}
	return false
}

// CheckTopicLevel checks that s can be one MQTT topic level (a station id):
// 1 to 128 bytes of UTF-8 without '/', '+', '#' or control characters.
func CheckTopicLevel(s string) error {
	switch {
	case s == "":
		return fmt.Errorf("must not be empty")
	case len(s) > 128:
		return fmt.Errorf("at most 128 bytes, got %d", len(s))
	case !utf8.ValidString(s):
		return fmt.Errorf("%q is not UTF-8", s)
	case strings.ContainsAny(s, "/+#"):
		return fmt.Errorf("%q: '/', '+' and '#' cannot be in a topic level", s)
	}
	for _, r := range s {
		if r < ' ' || r == 0x7f {
			return fmt.Errorf("%q: no control characters", s)
		}
	}
	return nil
}

// checkPrefix checks a topic prefix: levels separated by '/', no
// wildcards, no empty level, not starting with '$' (broker topics).
func checkPrefix(p string) error {
	if strings.HasPrefix(p, "$") {
		return fmt.Errorf("%q: topics starting with '$' belong to the broker", p)
	}
	if len(p) > 256 {
		return fmt.Errorf("at most 256 bytes")
	}
	for _, level := range strings.Split(p, "/") {
		if err := CheckTopicLevel(level); err != nil {
			return fmt.Errorf("%q: %w", p, err)
		}
	}
	return nil
}
