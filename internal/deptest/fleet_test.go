package deptest

import "testing"

// TestFleetArchitecture: the fleet connector is a client of the core like
// the WebSocket server: it reaches no server, transport or store, and the
// core never reaches the MQTT client.
func TestFleetArchitecture(t *testing.T) {
	t.Parallel()
	Check(t,
		Rule{
			From: []string{"./fleet"},
			Forbidden: append(append([]string{"./wsserver/...", "./browserprint/...", "./admin/...", "./edge/...", "./client/...",
				"./app", "./tray/..."}, transports...), storage...),
			Why: "fleet declares the interfaces it needs (Core); app wires the real ones",
		},
		Rule{
			From:      []string{"./printing/...", "./wsserver/...", "./wire/...", "./config/..."},
			Except:    []string{"./printing/raster/rastertest"},
			Forbidden: []string{"./fleet/...", "github.com/eclipse/paho.mqtt.golang"},
			Why:       "only app wires the fleet connector; local printing never depends on the broker",
		},
	)
}
