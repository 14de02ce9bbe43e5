package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/config"
	"github.com/labelbridge/labelbridge/fleet"
	"github.com/labelbridge/labelbridge/internal/mqtttest"
	"github.com/labelbridge/labelbridge/wire"
)

// TestFleetAdminMethods: the panel's fleet.* methods over /ws against a
// real agent connected to a real Mosquitto: status, pause and resume,
// turning off (saved in the config file), and a clear error without a
// broker.
func TestFleetAdminMethods(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	t.Run("no broker configured", func(t *testing.T) {
		a, _ := startTestAgent(t, config.Config{})
		c := adminClient(t, a.port, a.token)
		var st wire.FleetStatus
		if err := c.Call(ctx, wire.MethodFleetStatus, nil, &st); err != nil || st.Configured || st.State != wire.FleetOff {
			t.Fatalf("status %+v, %v", st, err)
		}
		err := c.Call(ctx, wire.MethodFleetPause, nil, &st)
		if err == nil || !strings.Contains(err.Error(), "no fleet broker is configured") {
			t.Fatalf("pause without a broker: %v", err)
		}
	})
	t.Run("connected station", func(t *testing.T) {
		b := mqtttest.Start(t, mqtttest.Options{})
		cert := b.ClientCert("pack-3")
		a, home := startTestAgent(t, config.Config{Fleet: config.Fleet{
			Broker: b.URL(), Station: "pack-3", CAFile: b.CAFile, CertFile: cert.CertFile, KeyFile: cert.KeyFile,
		}})
		c := adminClient(t, a.port, a.token)
		dcert := b.ClientCert("dispatcher")
		d, err := fleet.Dial(ctx, fleet.ClientOptions{Broker: b.URL(), CAFile: b.CAFile, CertFile: dcert.CertFile, KeyFile: dcert.KeyFile})
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		// The station is connected once its state says online (it
		// publishes it after subscribing).
		for {
			sts, err := d.Stations(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(sts) == 1 && sts[0].Online {
				break
			}
			var st wire.FleetStatus
			_ = c.Call(ctx, wire.MethodFleetStatus, nil, &st)
			if st.State == wire.FleetDisconnected {
				t.Fatalf("the station could not connect: %s", st.Error)
			}
		}
		var st wire.FleetStatus
		if err := c.Call(ctx, wire.MethodFleetStatus, nil, &st); err != nil || !st.Configured || st.State != wire.FleetConnected ||
			st.Broker != "127.0.0.1" || st.Station != "pack-3" {
			t.Fatalf("status %+v, %v", st, err)
		}
		if err := c.Call(ctx, wire.MethodFleetPause, nil, &st); err != nil || !st.Paused {
			t.Fatalf("pause: %+v, %v", st, err)
		}
		if err := c.Call(ctx, wire.MethodFleetResume, nil, &st); err != nil || st.Paused {
			t.Fatalf("resume: %+v, %v", st, err)
		}
		if err := c.Call(ctx, wire.MethodFleetSetEnabled, map[string]any{}, &st); err == nil || !strings.Contains(err.Error(), "enabled is required") {
			t.Fatalf("setEnabled without enabled: %v", err)
		}
		if err := c.Call(ctx, wire.MethodFleetSetEnabled, map[string]any{"enabled": false}, &st); err != nil || st.Enabled {
			t.Fatalf("turn off: %+v, %v", st, err)
		}
		if saved := readTestConfig(t, home).Fleet; saved.Enabled == nil || *saved.Enabled || saved.Broker != b.URL() {
			t.Fatalf("config fleet = %+v", saved)
		}
		if err := c.Call(ctx, wire.MethodFleetSetEnabled, map[string]any{"enabled": true}, &st); err != nil || !st.Enabled {
			t.Fatalf("turn on: %+v, %v", st, err)
		}
		if saved := readTestConfig(t, home).Fleet; saved.Enabled != nil {
			t.Fatalf("config fleet after turning on = %+v", saved)
		}
	})
}
