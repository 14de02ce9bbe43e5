package bench

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"

	"github.com/coder/websocket"
)

// runFloor runs the clients against a bare server: read the message,
// decode it, write the bytes to a file in dir, reply. No store, no queue.
func runFloor(dir string, load Load) (*Result, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: floorHandler(dir)}
	go func() { _ = srv.Serve(l) }()
	defer srv.Close()
	res, err := drive("ws://"+l.Addr().String()+"/ws", load, false)
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return nil, err
	}
	return res, nil
}

// floorHandler answers each print with a done job after writing its raw
// bytes to dir/NNNNNNNNNNNN.zpl (temporary file, rename).
func floorHandler(dir string) http.Handler {
	var seq atomic.Int64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true})
		if err != nil {
			return
		}
		defer ws.CloseNow()
		ws.SetReadLimit(16 << 20)
		for {
			_, data, err := ws.Read(r.Context())
			if err != nil {
				return
			}
			var req struct {
				ID     json.RawMessage
				Params struct{ Raw struct{ Base64 string } }
			}
			if json.Unmarshal(data, &req) != nil {
				return
			}
			body, _ := base64.StdEncoding.DecodeString(req.Params.Raw.Base64)
			n := seq.Add(1)
			name := filepath.Join(dir, fmt.Sprintf("%012d.zpl", n))
			if err := os.WriteFile(name+".tmp", body, 0o600); err == nil {
				_ = os.Rename(name+".tmp", name)
			}
			reply, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": req.ID, "result": map[string]any{"job": map[string]any{"id": fmt.Sprint(n), "state": "done"}}})
			if ws.Write(r.Context(), websocket.MessageText, reply) != nil {
				return
			}
		}
	})
}
