package deptest

import "testing"

// encoders turn a label into printer bytes or pixels: pure functions of
// their input.
var encoders = []string{
	"./printing/label/...", "./printing/raster/...", "./printing/encode",
	"./printing/zpl", "./printing/tspl", "./printing/epl", "./printing/escpos",
	"./printing/media", "./printing/batch", "./printing/document", "./printing/compile",
}

// transports, the store and every server or wire package: what the
// encoders must never reach.
var (
	transports = []string{
		"./printing/usb", "./printing/usblp", "./printing/winusb", "./printing/winspool",
		"./printing/netraw", "./printing/virtual", "./printing/usbid", "github.com/google/gousb",
	}
	storage = []string{"./printing/store", "go.etcd.io/bbolt"}
	servers = []string{
		"./wsserver/...", "./browserprint/...", "./qz/...", "./client/...", "./edge/...", "./admin/...",
		"./wire/...", "net/http", "github.com/coder/websocket",
	}
)

// TestArchitecture is the module's dependency direction (see the README's
// layout and DESIGN.md): app → {tray, wsserver, printing/...}; wsserver →
// printing; transports → printing. The tray's rule (tray → assets only)
// lives beside it in tray/deps_test.go.
func TestArchitecture(t *testing.T) {
	t.Parallel()
	Check(t,
		Rule{
			From:      encoders,
			Except:    []string{"./printing/raster/rastertest"},
			Forbidden: append(append(append([]string{}, transports...), storage...), servers...),
			Why:       "encoders are pure: no transport, store or server",
		},
		Rule{
			From:      []string{"./printing/..."},
			Except:    []string{"./printing/raster/rastertest"},
			Forbidden: servers,
			Why:       "the core knows no wire or HTTP package; servers are its clients",
		},
		Rule{
			From:      []string{"./edge/..."},
			Forbidden: append([]string{"./printing/...", "./wsserver/...", "./browserprint/...", "./qz/...", "./client/...", "./admin/...", "./config/...", "github.com/coder/websocket"}, transports...),
			Why:       "the HTTP edge is only the security chain: it knows no core, server, transport or config",
		},
		Rule{
			From:      []string{"./admin/..."},
			Forbidden: append([]string{"./wsserver/...", "./browserprint/...", "./qz/...", "./client/...", "github.com/coder/websocket"}, append(append([]string{}, transports...), storage...)...),
			Why:       "admin declares the interfaces it needs: no transport, store or server",
		},
		Rule{
			From:      []string{"./wire/..."},
			Forbidden: append(append([]string{"./wsserver/...", "./browserprint/...", "./client/...", "./edge/...", "./admin/...", "net/http", "github.com/coder/websocket"}, transports...), storage...),
			Why:       "wire is the protocol's shapes: servers and clients import it, never the reverse",
		},
		Rule{
			From:      []string{"./internal/wsconn"},
			Forbidden: append([]string{"./wsserver/...", "./qz/...", "./browserprint/...", "./wire/...", "./printing/...", "./edge/...", "./client/...", "./admin/..."}, storage...),
			Why:       "wsconn is one WebSocket connection's core: the servers import it and declare their protocols, never the reverse",
		},
		Rule{
			From:      []string{"./tray/...", "./sites/...", "./origins/...", "./config/..."},
			Forbidden: []string{"github.com/google/gousb"},
			Why:       "only printing/usb reaches gousb (behind its cgo constraint)",
		},
		Rule{
			From:      []string{"./tlsca/..."},
			Forbidden: append(append([]string{"./printing/...", "./config/...", "./sites/...", "./wire/..."}, servers...), transports...),
			Why:       "the local CA and its trust stores are a leaf: no core, config, protocol or server",
		},
		Rule{
			From:      []string{"./printing", "./printing/encode", "./printing/raster/...", "./wsserver/...", "./admin/...", "./edge/...", "./wire/...", "./client/...", "./tray/..."},
			Except:    []string{"./printing/raster/rastertest"},
			Forbidden: []string{"github.com/klippa-app/go-pdfium/...", "github.com/tetratelabs/wazero/..."},
			Why:       "the PDF engine (PDFium on wazero, 10 MB) is reached only through printing/document, which the app wires in",
		},
		Rule{
			From:      []string{"./..."},
			Except:    []string{"./app"},
			Forbidden: []string{"./app"},
			Why:       "app is the composition root: nothing imports it",
		},
	)
}
