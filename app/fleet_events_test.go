package main

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/labelbridge/labelbridge/client"
	"github.com/labelbridge/labelbridge/config"
	"github.com/labelbridge/labelbridge/internal/mqtttest"
	"github.com/labelbridge/labelbridge/wire"
)

// TestFleetEvents: an admin connection subscribed to the "fleet" topic
// (the panel's fleet card) hears every change of the fleet connection's
// state as it happens, without asking: connected, the broker going away
// (disconnected, with the error), connected again once it is back, and a
// pause made from another connection.
func TestFleetEvents(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	b := mqtttest.Start(t, mqtttest.Options{})
	cert := b.ClientCert("pack-5")
	a, _ := startTestAgent(t, config.Config{Fleet: config.Fleet{
		Broker: b.URL(), Station: "pack-5", CAFile: b.CAFile, CertFile: cert.CertFile, KeyFile: cert.KeyFile,
	}})
	panel := adminClient(t, a.port, a.token)
	if err := panel.Subscribe(ctx, wire.TopicFleet); err != nil {
		t.Fatal(err)
	}
	// until waits for a fleet event whose status passes ok.
	until := func(what string, ok func(wire.FleetStatus) bool) wire.FleetStatus {
		t.Helper()
		for {
			select {
			case n := <-panel.Events():
				if n.Method != wire.EventFleet {
					continue
				}
				var st wire.FleetStatus
				if err := json.Unmarshal(n.Params, &st); err != nil {
					t.Fatalf("fleet event %s: %v", n.Params, err)
				}
				if !st.Configured || st.Station != "pack-5" {
					t.Fatalf("fleet event %+v: want the configured station pack-5", st)
				}
				if ok(st) {
					return st
				}
			case <-ctx.Done():
				t.Fatalf("no fleet event: %s", what)
			}
		}
	}
	var st wire.FleetStatus
	if err := panel.Call(ctx, wire.MethodFleetStatus, nil, &st); err != nil {
		t.Fatal(err)
	}
	if st.State != wire.FleetConnected { // subscribed before it connected: the event says so
		until("connected", func(s wire.FleetStatus) bool { return s.State == wire.FleetConnected })
	}

	b.Stop()
	lost := until("disconnected once the broker stops", func(s wire.FleetStatus) bool { return s.State == wire.FleetDisconnected })
	if lost.Error == "" {
		t.Errorf("disconnected without an error: %+v", lost)
	}
	b.Start()
	until("connected again once the broker is back", func(s wire.FleetStatus) bool { return s.State == wire.FleetConnected })

	// A pause from another admin connection (the tray, a second panel).
	other := adminClient(t, a.port, a.token)
	if err := other.Call(ctx, wire.MethodFleetPause, nil, &st); err != nil {
		t.Fatal(err)
	}
	until("paused", func(s wire.FleetStatus) bool { return s.State == wire.FleetPaused && s.Paused })

	// A connection that did not subscribe hears nothing of it.
	quiet := adminClient(t, a.port, a.token)
	if err := quiet.Subscribe(ctx, wire.TopicPrinters); err != nil {
		t.Fatal(err)
	}
	if err := other.Call(ctx, wire.MethodFleetResume, nil, &st); err != nil {
		t.Fatal(err)
	}
	until("connected after resume", func(s wire.FleetStatus) bool { return s.State == wire.FleetConnected })
	drain(ctx, t, quiet)
}

// drain fails if c received a fleet event. A call's reply comes after every
// event the agent queued on the connection before it, so once the call
// returns, such an event is in c.Events().
func drain(ctx context.Context, t *testing.T, c *client.Client) {
	t.Helper()
	if err := c.Call(ctx, wire.MethodFleetStatus, nil, nil); err != nil {
		t.Fatal(err)
	}
	for {
		select {
		case n := <-c.Events():
			if n.Method == wire.EventFleet {
				t.Fatalf("a connection not subscribed to fleet got %s", n.Params)
			}
		default:
			return
		}
	}
}

// TestPanelFleetCardLive: the panel's fleet card, in headless Chromium,
// follows the connection by itself (the "fleet" event): the broker stops
// and the card says it cannot reach it; the broker is back and the card
// says connected, all without a reload or a click.
func TestPanelFleetCardLive(t *testing.T) {
	b := mqtttest.Start(t, mqtttest.Options{})
	cert := b.ClientCert("pack-6")
	a, _ := startTestAgent(t, config.Config{Fleet: config.Fleet{
		Broker: b.URL(), Station: "pack-6", CAFile: b.CAFile, CertFile: cert.CertFile, KeyFile: cert.KeyFile,
	}})
	br := startChromium(t)
	browserStep(t, br, "open the panel",
		chromedp.Navigate(a.panelLoginURL()+"#printers"),
		chromedp.WaitVisible(chromedp.CSS(`#conn[data-state="open"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#fleet-card #fleet-state`)),
	)
	// card resolves once the card's state line starts with want; the page
	// keeps a marker that a reload would lose.
	card := func(want string) {
		t.Helper()
		got := evalJS[string](t, br, fmt.Sprintf(`new Promise((resolve) => {
			const check = () => {
				const e = document.querySelector('#fleet-state');
				if (e && e.textContent.startsWith(%s)) resolve(window.fleetMarker + " " + e.textContent);
			};
			new MutationObserver(check).observe(document.body, { subtree: true, childList: true, characterData: true });
			check();
		})`, jsq(want)))
		if got[:len("kept ")] != "kept " {
			t.Fatalf("the card says %q, but the page was reloaded", got)
		}
	}
	evalJS[bool](t, br, `(window.fleetMarker = "kept", true)`)
	card("Connected to 127.0.0.1")
	b.Stop()
	card("Cannot reach 127.0.0.1")
	b.Start()
	card("Connected to 127.0.0.1")
}
