package wire

import "time"

// Admin methods of the fleet connection (the panel; AdminMethods lists them).
const (
	MethodFleetStatus     = "fleet.status"
	MethodFleetPause      = "fleet.pause"
	MethodFleetResume     = "fleet.resume"
	MethodFleetSetEnabled = "fleet.setEnabled"
)

// Fleet connection states (FleetStatus.State).
const (
	FleetOff          = "off"          // no broker configured, or turned off
	FleetPaused       = "paused"       // paused by the user until resumed (or the next start)
	FleetConnecting   = "connecting"   // trying to reach the broker
	FleetConnected    = "connected"    // online: taking jobs from the broker
	FleetDisconnected = "disconnected" // lost or refused: trying again after a back-off
)

// FleetStatus is the result of fleet.status, fleet.pause, fleet.resume and
// fleet.setEnabled: the connection to the customer's MQTT broker
// (docs/fleet.md).
type FleetStatus struct {
	Configured bool       `json:"configured"` // a broker is set (config or admin policy)
	Enabled    bool       `json:"enabled"`    // not turned off
	Paused     bool       `json:"paused"`
	State      string     `json:"state"`            // FleetOff, FleetPaused, …
	Broker     string     `json:"broker,omitempty"` // the broker's host (jobs' origin is mqtt://HOST)
	Station    string     `json:"station,omitempty"`
	Locked     bool       `json:"locked"`          // the admin policy sets fleet.enabled
	Since      *time.Time `json:"since,omitempty"` // in this state since
	Error      string     `json:"error,omitempty"` // why the last attempt failed
	// NextAttempt is when a disconnected connector tries again.
	NextAttempt *time.Time `json:"nextAttempt,omitempty"`
}

// FleetSetParams are fleet.setEnabled's params.
type FleetSetParams struct {
	Enabled *bool `json:"enabled"` // required
}
