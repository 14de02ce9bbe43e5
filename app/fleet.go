package main

import (
	"context"
	"encoding/json"
	"os"
	"time"

	"github.com/labelbridge/labelbridge/config"
	"github.com/labelbridge/labelbridge/fleet"
	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/wire"
	"github.com/labelbridge/labelbridge/wsserver"
)

// fleetCore adapts the spooler to fleet.Core: print params are checked
// and turned into a request exactly as /ws does.
type fleetCore struct{ *printing.Spooler }

func (f fleetCore) Submit(ctx context.Context, p *wire.PrintParams, origin string) <-chan printing.SubmitResult {
	req, err := wsserver.PrintRequest(p, origin)
	if err != nil {
		ch := make(chan printing.SubmitResult, 1)
		ch <- printing.SubmitResult{Err: err}
		return ch
	}
	return f.SubmitContext(ctx, req)
}

// fleetCrashEnv names the test-only hook that kills the agent (SIGKILL on
// Unix) right after a fleet job is durably stored and before its PUBACK,
// so the crash tests stop exactly there.
const fleetCrashEnv = "LABELBRIDGE_TEST_FLEET_CRASH_BEFORE_ACK"

// startFleet connects to the customer's broker when the config sets one,
// and registers the panel's fleet.* methods (fleet.Control) either way.
// Local printing never waits for it.
func (a *agent) startFleet() {
	fc := fleet.NewControl(fleet.ControlOptions{
		Logger: a.log, Locked: a.fleetLocked,
		Notify: func(s wire.FleetStatus) { a.server.Notify(wire.TopicFleet, wire.EventFleet, s) },
		Save: func(on bool) error {
			return a.writer.Update(func(c *config.Config) error {
				c.Fleet.Enabled = nil
				if !on {
					off := false
					c.Fleet.Enabled = &off
				}
				return nil
			})
		},
	})
	a.fleet = fc
	a.server.AddAdminMethods(
		wsserver.AdminMethod{Name: wire.MethodFleetStatus, Call: fc.StatusMethod},
		wsserver.AdminMethod{Name: wire.MethodFleetPause, Call: fc.PauseMethod(true)},
		wsserver.AdminMethod{Name: wire.MethodFleetResume, Call: fc.PauseMethod(false)},
		wsserver.AdminMethod{Name: wire.MethodFleetSetEnabled, Call: fc.SetEnabledMethod},
	)
	f := a.cfg.Fleet
	if !f.Configured() {
		return
	}
	opt := fleet.Options{
		Broker: f.Broker, Station: f.Station, TopicPrefix: f.TopicPrefix, CAFile: f.CAFile,
		CertFile: f.CertFile, KeyFile: f.KeyFile, Username: f.Username, Password: f.Password,
		KeepAlive: f.KeepAlive.Duration, Version: version, MaxMessageBytes: a.cfg.Limits.MaxMessageBytes,
		Enabled: f.On(), Logger: a.log, OnChange: fc.Changed,
	}
	if os.Getenv(fleetCrashEnv) == "1" {
		// Printing stays paused, so the stored job is not in flight when the
		// process dies: the test then sees the broker's redelivery alone (a
		// job in flight at a crash is sent again by design; e2e/agent's
		// kill -9 test covers that window).
		a.spooler.SetPaused(true)
		opt.BeforeAck = func(j printing.Job) {
			a.log.Warn("test hook: stopping hard after storing a fleet job, before its PUBACK", "job", j.ID)
			crashNow()
		}
	}
	conn, err := fleet.New(fleetCore{a.spooler}, opt)
	if err != nil {
		a.log.Error("fleet connection not started", "err", err)
		return
	}
	fc.SetConnector(conn)
	conn.Start()
	a.log.Info("fleet connection configured", "broker", f.Broker, "station", f.Station, "on", f.On(), "origin", conn.Origin())
}

// stopFleet says the station is offline and disconnects.
func (a *agent) stopFleet(ctx context.Context) {
	if a.fleet == nil || a.fleet.Connector() == nil {
		return
	}
	sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := a.fleet.Connector().Stop(sctx); err != nil {
		a.log.Warn("fleet connection did not stop in time", "err", err)
	}
}

// fleetLocked reports whether the admin policy decides whether the fleet
// is on.
func (a *agent) fleetLocked() bool {
	if !a.cfg.PolicyKeys["fleet"] {
		return false
	}
	data, err := os.ReadFile(a.cfg.Paths.PolicyFile)
	if err != nil {
		return false
	}
	var pol struct {
		Fleet struct {
			Enabled *bool `json:"enabled"`
		} `json:"fleet"`
	}
	return json.Unmarshal(data, &pol) == nil && pol.Fleet.Enabled != nil
}
