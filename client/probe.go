package client

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Probe asks /healthz on port whether Labelbridge runs there and returns
// its version ("" when it is not Labelbridge or nothing answers).
func Probe(port int) string {
	c := http.Client{Timeout: time.Second}
	resp, err := c.Get(fmt.Sprintf("http://127.0.0.1:%d/healthz", port))
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	var h struct{ Name, Version string }
	if json.NewDecoder(io.LimitReader(resp.Body, 4096)).Decode(&h) != nil || h.Name != "labelbridge" {
		return ""
	}
	return h.Version
}
