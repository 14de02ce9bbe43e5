package config

import "fmt"

// QZ Tray's ports (its first insecure and secure ones, which qz-tray.js
// tries first).
const (
	DefaultQZTrayPort       = 8182 // ws://, for http pages
	DefaultQZTraySecurePort = 8181 // wss://, for https pages
)

// QZTray configures the opt-in QZ Tray compatible listener (off by default:
// it uses QZ Tray's own ports). The ports are for tests and special set-ups:
// qz-tray.js tries 8182 (ws) and 8181 (wss) first.
type QZTray struct {
	Enabled    bool `json:"enabled,omitempty"`
	Port       int  `json:"port,omitempty"`       // ws:// [8182]
	SecurePort int  `json:"securePort,omitempty"` // wss:// [8181]; -1: off
}

func (q *QZTray) applyDefaults() {
	if q.Port == 0 {
		q.Port = DefaultQZTrayPort
	}
	if q.SecurePort == 0 {
		q.SecurePort = DefaultQZTraySecurePort
	}
}

// validate checks the ports against each other and the agent's (port).
func (q QZTray) validate(port int) error {
	if q.Port < 1 || q.Port > 65535 || q.Port == port {
		return fmt.Errorf("qzTray.port: must be 1 to 65535 and not the agent's port %d, got %d", port, q.Port)
	}
	if sp := q.SecurePort; sp != -1 && (sp < 1 || sp > 65535 || sp == port || sp == q.Port) {
		return fmt.Errorf("qzTray.securePort: must be 1 to 65535 (or -1: off), not the agent's port %d nor qzTray.port %d, got %d", port, q.Port, sp)
	}
	return nil
}
