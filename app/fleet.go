package main

import (
	"context"
	"encoding/json"
	"os"
	"sync"
	"sync/atomic"
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

// fleetControl is the agent's fleet connection (nil connector: no broker
// configured) and what the tray and panel ask of it.
type fleetControl struct {
	a        *agent
	conn     *fleet.Connector
	onChange atomic.Pointer[func()] // set by the tray
	notifyMu sync.Mutex             // panel events go out in the order of the states they read
}

// startFleet connects to the customer's broker when the config sets one,
// and registers the panel's fleet.* methods either way. Local printing
// never waits for it.
func (a *agent) startFleet() {
	fc := &fleetControl{a: a}
	a.fleet = fc
	a.server.AddAdminMethods(
		wsserver.AdminMethod{Name: wire.MethodFleetStatus, Call: fc.statusMethod},
		wsserver.AdminMethod{Name: wire.MethodFleetPause, Call: fc.pauseMethod(true)},
		wsserver.AdminMethod{Name: wire.MethodFleetResume, Call: fc.pauseMethod(false)},
		wsserver.AdminMethod{Name: wire.MethodFleetSetEnabled, Call: fc.setEnabledMethod},
	)
	f := a.cfg.Fleet
	if !f.Configured() {
		return
	}
	opt := fleet.Options{
		Broker: f.Broker, Station: f.Station, TopicPrefix: f.TopicPrefix, CAFile: f.CAFile,
		CertFile: f.CertFile, KeyFile: f.KeyFile, Username: f.Username, Password: f.Password,
		KeepAlive: f.KeepAlive.Duration, Version: version, MaxMessageBytes: a.cfg.Limits.MaxMessageBytes,
		Enabled: f.On(), Logger: a.log, OnChange: fc.changed,
	}
	if os.Getenv(fleetCrashEnv) == "1" {
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
	fc.conn = conn
	conn.Start()
	a.log.Info("fleet connection configured", "broker", f.Broker, "station", f.Station, "on", f.On(), "origin", conn.Origin())
}

// stopFleet says the station is offline and disconnects.
func (a *agent) stopFleet(ctx context.Context) {
	if a.fleet == nil || a.fleet.conn == nil {
		return
	}
	sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := a.fleet.conn.Stop(sctx); err != nil {
		a.log.Warn("fleet connection did not stop in time", "err", err)
	}
}

func (fc *fleetControl) changed() {
	if fn := fc.onChange.Load(); fn != nil {
		(*fn)()
	}
	// The panel's fleet card: a "fleet" event to admin connections
	// subscribed to the fleet topic (Notify never blocks).
	fc.notifyMu.Lock()
	fc.a.server.Notify(wire.TopicFleet, wire.EventFleet, fc.Status())
	fc.notifyMu.Unlock()
}

// OnChange registers fn to run when the connection's state may have
// changed (the tray; one at a time).
func (fc *fleetControl) OnChange(fn func()) { fc.onChange.Store(&fn) }

// locked reports whether the admin policy decides whether the fleet is on.
func (fc *fleetControl) locked() bool {
	if !fc.a.cfg.PolicyKeys["fleet"] {
		return false
	}
	data, err := os.ReadFile(fc.a.cfg.Paths.PolicyFile)
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

// Status is the fleet connection's state for the tray and panel.
func (fc *fleetControl) Status() wire.FleetStatus {
	if fc.conn == nil {
		return wire.FleetStatus{State: wire.FleetOff}
	}
	s := fc.conn.Status()
	s.Locked = fc.locked()
	return s
}

// SetPaused pauses or resumes the connection until the agent restarts.
func (fc *fleetControl) SetPaused(paused bool) error {
	if fc.conn == nil {
		return &printing.Error{Code: printing.ErrReasonInvalidState, Msg: "no fleet broker is configured (\"fleet\" in the config file)"}
	}
	fc.conn.SetPaused(paused)
	fc.a.log.Info("fleet connection paused or resumed by the user", "paused", paused)
	return nil
}

// SetEnabled turns the connection on or off and saves it in the user's
// config file (fleet.enabled).
func (fc *fleetControl) SetEnabled(on bool) error {
	if fc.conn == nil {
		return &printing.Error{Code: printing.ErrReasonInvalidState, Msg: "no fleet broker is configured (\"fleet\" in the config file)"}
	}
	if fc.locked() {
		return &printing.Error{Code: printing.ErrReasonNotAllowed, Msg: "the admin policy decides whether the fleet connection is on"}
	}
	err := fc.a.writer.Update(func(c *config.Config) error {
		if on {
			c.Fleet.Enabled = nil
		} else {
			off := false
			c.Fleet.Enabled = &off
		}
		return nil
	})
	if err != nil {
		return &printing.Error{Code: printing.ErrReasonStoreFailed, Msg: "save the fleet setting", Err: err}
	}
	fc.conn.SetEnabled(on)
	fc.a.log.Info("fleet connection turned on or off by the user", "on", on)
	return nil
}

func (fc *fleetControl) statusMethod(_ context.Context, raw json.RawMessage) (any, error) {
	if err := wire.DecodeParams(raw, &wire.Empty{}); err != nil {
		return nil, err
	}
	return fc.Status(), nil
}

func (fc *fleetControl) pauseMethod(paused bool) func(context.Context, json.RawMessage) (any, error) {
	return func(_ context.Context, raw json.RawMessage) (any, error) {
		if err := wire.DecodeParams(raw, &wire.Empty{}); err != nil {
			return nil, err
		}
		if err := fc.SetPaused(paused); err != nil {
			return nil, err
		}
		return fc.Status(), nil
	}
}

func (fc *fleetControl) setEnabledMethod(_ context.Context, raw json.RawMessage) (any, error) {
	var p wire.FleetSetParams
	if err := wire.DecodeParams(raw, &p); err != nil {
		return nil, err
	}
	if p.Enabled == nil {
		return nil, wire.InvalidParams(`params: want {"enabled": true|false}: enabled is required`)
	}
	if err := fc.SetEnabled(*p.Enabled); err != nil {
		return nil, err
	}
	return fc.Status(), nil
}
