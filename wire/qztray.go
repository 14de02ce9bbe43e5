package wire

// The QZ Tray compatible listener (package qz): admin methods for the panel.
const (
	// MethodQZTrayGet answers the listener's QZTrayState.
	MethodQZTrayGet = "qzTray.get"
	// MethodQZTraySet turns it on or off, saves the choice in the user's
	// config file and answers the new QZTrayState.
	MethodQZTraySet = "qzTray.set"
)

// QZTraySetParams are qzTray.set's params.
type QZTraySetParams struct {
	Enabled *bool `json:"enabled"` // required
}

// QZTrayState is the result of qzTray.get and qzTray.set.
type QZTrayState struct {
	Enabled    bool `json:"enabled"`
	Port       int  `json:"port"`       // ws:// (QZ Tray's 8182)
	SecurePort int  `json:"securePort"` // wss:// (QZ Tray's 8181); -1: off
	Listening  bool `json:"listening"`  // on port
	// SecureListening is true while wss:// is served on securePort.
	SecureListening bool   `json:"secureListening"`
	Locked          bool   `json:"locked"`          // set by the admin policy
	Error           string `json:"error,omitempty"` // why a port is not served (who holds it)
}
