package fleet

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/labelbridge/labelbridge/printing"
	"github.com/labelbridge/labelbridge/wire"
)

// ControlOptions are what the agent wires into a Control.
type ControlOptions struct {
	Logger *slog.Logger
	// Locked reports whether the admin policy decides whether the fleet is
	// on (nil: never).
	Locked func() bool
	// Save saves fleet.enabled in the user's config file.
	Save func(on bool) error
	// Notify sends the panel's "fleet" event (it must never block).
	Notify func(wire.FleetStatus)
}

// Control is the agent's fleet connection (nil Connector: no broker
// configured) and what the tray and the panel's fleet.* methods ask of it.
type Control struct {
	conn     *Connector
	opt      ControlOptions
	onChange atomic.Pointer[func()] // set by the tray
	notifyMu sync.Mutex             // panel events go out in the order of the states they read
}

// NewControl is a control without a connection; SetConnector gives it one
// (before the connector starts).
func NewControl(opt ControlOptions) *Control {
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	return &Control{opt: opt}
}

// SetConnector attaches the connection (call before conn.Start).
func (fc *Control) SetConnector(conn *Connector) { fc.conn = conn }

// Connector is the connection, nil when no broker is configured.
func (fc *Control) Connector() *Connector { return fc.conn }

// Changed is the connector's Options.OnChange: it tells the tray and the
// panel.
func (fc *Control) Changed() {
	if fn := fc.onChange.Load(); fn != nil {
		(*fn)()
	}
	// The panel's fleet card: a "fleet" event to admin connections
	// subscribed to the fleet topic (Notify never blocks).
	fc.notifyMu.Lock()
	if fc.opt.Notify != nil {
		fc.opt.Notify(fc.Status())
	}
	fc.notifyMu.Unlock()
}

// OnChange registers fn to run when the connection's state may have
// changed (the tray; one at a time).
func (fc *Control) OnChange(fn func()) { fc.onChange.Store(&fn) }

func (fc *Control) locked() bool { return fc.opt.Locked != nil && fc.opt.Locked() }

// Status is the fleet connection's state for the tray and panel.
func (fc *Control) Status() wire.FleetStatus {
	if fc.conn == nil {
		return wire.FleetStatus{State: wire.FleetOff}
	}
	s := fc.conn.Status()
	s.Locked = fc.locked()
	return s
}

// SetPaused pauses or resumes the connection until the agent restarts.
func (fc *Control) SetPaused(paused bool) error {
	if fc.conn == nil {
		return &printing.Error{Code: printing.ErrReasonInvalidState, Msg: "no fleet broker is configured (\"fleet\" in the config file)"}
	}
	fc.conn.SetPaused(paused)
	fc.opt.Logger.Info("fleet connection paused or resumed by the user", "paused", paused)
	return nil
}

// SetEnabled turns the connection on or off and saves it in the user's
// config file (fleet.enabled).
func (fc *Control) SetEnabled(on bool) error {
	if fc.conn == nil {
		return &printing.Error{Code: printing.ErrReasonInvalidState, Msg: "no fleet broker is configured (\"fleet\" in the config file)"}
	}
	if fc.locked() {
		return &printing.Error{Code: printing.ErrReasonNotAllowed, Msg: "the admin policy decides whether the fleet connection is on"}
	}
	if fc.opt.Save != nil {
		if err := fc.opt.Save(on); err != nil {
			return &printing.Error{Code: printing.ErrReasonStoreFailed, Msg: "save the fleet setting", Err: err}
		}
	}
	fc.conn.SetEnabled(on)
	fc.opt.Logger.Info("fleet connection turned on or off by the user", "on", on)
	return nil
}

// StatusMethod is fleet.status.
func (fc *Control) StatusMethod(_ context.Context, raw json.RawMessage) (any, error) {
	if err := wire.DecodeParams(raw, &wire.Empty{}); err != nil {
		return nil, err
	}
	return fc.Status(), nil
}

// PauseMethod is fleet.pause (true) or fleet.resume (false).
func (fc *Control) PauseMethod(paused bool) func(context.Context, json.RawMessage) (any, error) {
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

// SetEnabledMethod is fleet.setEnabled.
func (fc *Control) SetEnabledMethod(_ context.Context, raw json.RawMessage) (any, error) {
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
