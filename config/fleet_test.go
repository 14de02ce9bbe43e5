package config

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestFleetBadValuesNameTheKey(t *testing.T) {
	cases := []struct{ body, want string }{
		{`{"fleet": {"brokr": "mqtt://b"}}`, `unknown key "brokr"`},
		{`{"fleet": {"broker": 5}}`, "fleet.broker"},
		{`{"fleet": {"broker": "http://b:1883"}}`, "fleet.broker: \"http://b:1883\": the scheme must be mqtt://"},
		{`{"fleet": {"broker": "mqtt://"}}`, "fleet.broker: \"mqtt://\" has no host"},
		{`{"fleet": {"broker": "mqtt://u:p@b"}}`, "fleet.broker: \"mqtt://u:p@b\": put credentials in fleet.username"},
		{`{"fleet": {"station": "pack-1"}}`, "fleet.broker: required"},
		{`{"fleet": {"broker": "mqtt://b", "station": "a/b"}}`, "fleet.station: \"a/b\""},
		{`{"fleet": {"broker": "mqtt://b", "station": "a+"}}`, "fleet.station"},
		{`{"fleet": {"broker": "mqtt://b", "topicPrefix": "lb/#"}}`, "fleet.topicPrefix"},
		{`{"fleet": {"broker": "mqtt://b", "topicPrefix": "$SYS"}}`, "fleet.topicPrefix"},
		{`{"fleet": {"broker": "mqtt://b", "topicPrefix": "a//b"}}`, "fleet.topicPrefix"},
		{`{"fleet": {"broker": "mqtts://b", "certFile": "/c.pem"}}`, "fleet.certFile and fleet.keyFile"},
		{`{"fleet": {"broker": "mqtt://b", "caFile": "/ca.pem"}}`, "is not encrypted"},
		{`{"fleet": {"broker": "mqtt://b", "password": "x"}}`, "fleet.password: needs fleet.username"},
		{`{"fleet": {"broker": "mqtt://b", "keepAlive": "1s"}}`, "fleet.keepAlive: must be 5s to 20m"},
		{`{"fleet": {"broker": "mqtt://b", "keepAlive": "soon"}}`, "duration"},
		{`{"fleet": {"broker": "mqtt://b", "enabled": "no"}}`, "fleet.enabled"},
	}
	for _, c := range cases {
		t.Run(c.body, func(t *testing.T) {
			p := testPaths(t)
			write(t, p.ConfigFile, c.body)
			_, err := Load(p)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to contain %q", err, c.want)
			}
		})
	}
}

func TestFleetDefaultsAndEnv(t *testing.T) {
	t.Run("off by default", func(t *testing.T) {
		c, err := Load(testPaths(t))
		if err != nil {
			t.Fatal(err)
		}
		if c.Fleet.Configured() || c.Fleet.On() || c.Fleet.Station != "" {
			t.Fatalf("fleet = %+v", c.Fleet)
		}
	})
	t.Run("defaults", func(t *testing.T) {
		p := testPaths(t)
		write(t, p.ConfigFile, `{"fleet": {"broker": "mqtts://broker.example:8883"}}`)
		c, err := Load(p)
		if err != nil {
			t.Fatal(err)
		}
		f := c.Fleet
		if !f.On() || f.Station != DefaultStation() || f.TopicPrefix != "labelbridge" || f.KeepAlive.Duration != 30*time.Second {
			t.Fatalf("fleet = %+v", f)
		}
	})
	t.Run("environment wins", func(t *testing.T) {
		p := testPaths(t)
		write(t, p.ConfigFile, `{"fleet": {"broker": "mqtts://a:8883", "station": "pack-1"}}`)
		t.Setenv("LABELBRIDGE_FLEET_BROKER", "wss://b/mqtt")
		t.Setenv("LABELBRIDGE_FLEET_STATION", "pack-2")
		c, err := Load(p)
		if err != nil {
			t.Fatal(err)
		}
		if c.Fleet.Broker != "wss://b/mqtt" || c.Fleet.Station != "pack-2" {
			t.Fatalf("fleet = %+v", c.Fleet)
		}
	})
	t.Run("bad environment names the variable's key", func(t *testing.T) {
		p := testPaths(t)
		t.Setenv("LABELBRIDGE_FLEET_BROKER", "tcp://b")
		if _, err := Load(p); err == nil || !strings.Contains(err.Error(), "fleet.broker") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("admin policy deploys it, the user's off stays", func(t *testing.T) {
		p := testPaths(t)
		write(t, p.ConfigFile, `{"fleet": {"enabled": false}}`)
		write(t, p.PolicyFile, `{"fleet": {"broker": "mqtts://corp:8883", "topicPrefix": "acme/lb", "caFile": "`+filepath.ToSlash(filepath.Join(t.TempDir(), "ca.pem"))+`"}}`)
		c, err := Load(p)
		if err != nil {
			t.Fatal(err)
		}
		if c.Fleet.Broker != "mqtts://corp:8883" || c.Fleet.TopicPrefix != "acme/lb" || c.Fleet.On() || !c.PolicyKeys["fleet"] {
			t.Fatalf("fleet = %+v, policy keys %v", c.Fleet, c.PolicyKeys)
		}
	})
}

func TestCheckTopicLevel(t *testing.T) {
	for _, c := range []struct {
		in string
		ok bool
	}{
		{"pack-12", true}, {"상품-1", true}, {"", false}, {"a/b", false}, {"a#", false}, {"a\x00", false},
		{strings.Repeat("a", 129), false}, {"\xff", false},
	} {
		if err := CheckTopicLevel(c.in); (err == nil) != c.ok {
			t.Errorf("CheckTopicLevel(%q) = %v", c.in, err)
		}
	}
}
