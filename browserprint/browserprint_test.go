package browserprint_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/labelbridge/labelbridge/browserprint"
	"github.com/labelbridge/labelbridge/printing"
)

func TestAvailableAndDefaultDescribePrintersAsDevices(t *testing.T) {
	e := newEnv(t)
	var avail map[string][]browserprint.Device
	if err := json.Unmarshal([]byte(e.ok("GET", "/available", "")), &avail); err != nil {
		t.Fatal(err)
	}
	want := map[string]browserprint.Device{
		"virtual":           {Name: "Virtual printer", UID: "virtual", Connection: "driver", DeviceType: "printer", Version: 3, Provider: browserprint.Provider, Manufacturer: "Labelbridge"},
		"net_10.0.0.5_9100": {Name: "Dock printer 10.0.0.5:9100", UID: "net_10.0.0.5_9100", Connection: "network", DeviceType: "printer", Version: 3, Provider: browserprint.Provider, Manufacturer: "TSC"},
	}
	if len(avail["printer"]) != len(want) {
		t.Fatalf("available: %+v", avail)
	}
	for _, d := range avail["printer"] {
		if d != want[d.UID] {
			t.Errorf("device %+v, want %+v", d, want[d.UID])
		}
	}

	var def browserprint.Device
	if err := json.Unmarshal([]byte(e.ok("GET", "/default?type=printer", "")), &def); err != nil {
		t.Fatal(err)
	}
	if def != want["virtual"] {
		t.Errorf("default: %+v", def)
	}
	if got := e.ok("GET", "/default?type=scanner", ""); got != "" {
		t.Errorf("default scanner: %q, want an empty body", got)
	}
	// Without a type: the tab-separated text some wrappers split on "\n\t"
	// and then on ":".
	parts := strings.Split(e.ok("GET", "/default", ""), "\n\t")
	if len(parts) != 7 {
		t.Fatalf("default text has %d parts: %q", len(parts), parts)
	}
	for i, want := range []string{"", "Virtual printer", "printer", "driver", "virtual", browserprint.Provider, "Labelbridge"} {
		if i == 0 {
			continue
		}
		if got := strings.TrimSpace(strings.Split(parts[i], ":")[1]); got != want {
			t.Errorf("default text part %d = %q, want %q", i, got, want)
		}
	}
}

func TestDefaultIsEmptyWithoutPrinters(t *testing.T) {
	e := newEnv(t)
	e.sp.Detach("virtual")
	e.sp.Detach("net:10.0.0.5:9100")
	if got := e.ok("GET", "/default?type=printer", ""); got != "" {
		t.Errorf("default with no printers: %q, want an empty body", got)
	}
}

func TestStatusQueriesAreAnsweredByRead(t *testing.T) {
	e := newEnv(t)
	dev := `{"uid":"virtual"}`
	write := func(data string) {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"device": json.RawMessage(dev), "data": data})
		e.ok("POST", "/write", string(body))
	}
	read := func() string {
		t.Helper()
		return e.ok("POST", "/read", `{"device":`+dev+`}`)
	}
	if got := read(); got != "" {
		t.Errorf("read before any query: %q", got)
	}
	write("~HQES")
	st := read()
	if st[70] != '0' || st[84] != '0' || st[87] != '0' || st[88] != '0' {
		t.Errorf("ready printer: flags %q %q %q %q in %q", st[70], st[84], st[87], st[88], st)
	}
	if got := read(); got != "" {
		t.Errorf("second read: %q, want nothing (answers are read once)", got)
	}
	write("! U1 getvar \"device.languages\"\r\n~HS")
	if got := read(); !strings.HasPrefix(got, `"zpl"`+"\x02030,0,0,") {
		t.Errorf("getvar + ~HS: %q", got)
	}
	if n := len(e.jobs()); n != 0 {
		t.Fatalf("queries alone made %d jobs, want none", n)
	}

	// A label with a query prints and answers.
	e.sp.SetStatus("virtual", printing.Status{State: printing.PrinterError, Reasons: []string{printing.ReasonPaperOut}})
	write("^XA^FDx^FS^XZ\n~HQES")
	st = read()
	if st[70] != '1' || st[88] != '1' {
		t.Errorf("paper out: error flag %q, media %q in %q", st[70], st[88], st)
	}
	if n := len(e.jobs()); n != 1 {
		t.Errorf("label + query made %d jobs, want 1", n)
	}
}

func TestHQESLayout(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name                    string
		st                      printing.Status
		flag, pause, head, medi byte
	}{
		{"ready", printing.Status{State: "ready"}, '0', '0', '0', '0'},
		{"paper out", printing.Status{State: "error", Reasons: []string{"paper_out"}}, '1', '0', '0', '1'},
		{"ribbon out and head open", printing.Status{State: "error", Reasons: []string{"ribbon_out", "head_open"}}, '1', '0', '0', '6'},
		{"paused", printing.Status{State: "ready", Reasons: []string{"paused"}}, '1', '1', '0', '0'},
		{"offline", printing.Status{State: "offline", Reasons: []string{"disconnected"}}, '1', '0', '0', '0'},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := string(browserprint.HQES(c.st))
			if s[0] != '\x02' || s[len(s)-1] != '\x03' || !strings.Contains(s, "PRINTER STATUS") {
				t.Fatalf("not framed like a printer's reply: %q", s)
			}
			got := []byte{s[70], s[84], s[87], s[88]}
			want := []byte{c.flag, c.pause, c.head, c.medi}
			if !bytes.Equal(got, want) {
				t.Errorf("chars 70,84,87,88 = %q, want %q in %q", got, want, s)
			}
		})
	}
}

func TestRefusalsAndErrors(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		name, method, path, origin, body string
		hdr                              []string
		status                           int
		text                             string
		cors                             bool // the refusal is readable by the page
	}{
		{"foreign Host (DNS rebinding)", "GET", "/available", pageOrigin, "", []string{"Host", "evil.example:9100"}, 403, "Host", false},
		{"wrong port in Host", "GET", "/available", pageOrigin, "", []string{"Host", "127.0.0.1:1"}, 403, "Host", false},
		{"no Origin, no token", "GET", "/available", "", "", nil, 403, "no Origin", false},
		{"unknown site", "GET", "/available", "https://other.example", "", nil, 403, "approve it", true},
		{"denied site", "POST", "/write", deniedOrigin, `{"data":"^XA^XZ"}`, nil, 403, "denied", true},
		{"opaque origin", "GET", "/available", "null", "", nil, 403, "cannot be allowed", false},
		{"unknown path", "GET", "/status", pageOrigin, "", nil, 404, "not part of the Browser Print API", true},
		{"wrong method", "GET", "/write", pageOrigin, "", nil, 405, "needs POST", true},
		{"sendUrl", "POST", "/write", pageOrigin, `{"device":{"uid":"virtual"},"url":"https://x/label.zpl"}`, nil, 501, "sendUrl", true},
		{"convert", "POST", "/convert", pageOrigin, `{}`, nil, 501, "not supported", true},
		{"not JSON", "POST", "/write", pageOrigin, `^XA^XZ`, nil, 400, "not JSON", true},
		{"empty body", "POST", "/write", pageOrigin, ``, nil, 400, "empty body", true},
		{"wrong type", "POST", "/write", pageOrigin, `{"data":5}`, nil, 400, "data must be string", true},
		{"no data", "POST", "/write", pageOrigin, `{"device":{"uid":"virtual"}}`, nil, 400, "data: missing", true},
		{"unknown printer", "POST", "/write", pageOrigin, `{"device":{"uid":"zebra-x","name":"ZD420"},"data":"^XA^XZ"}`, nil, 404, `"ZD420"`, true},
		{"unknown printer on read", "POST", "/read", pageOrigin, `{"device":{"uid":"zebra-x"}}`, nil, 404, "not found", true},
		{"body too large", "POST", "/write", pageOrigin, `{"data":"` + strings.Repeat("A", 17<<20) + `"}`, nil, 413, "over the limit", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.do(c.method, c.path, c.origin, c.body, c.hdr...)
			if r.status != c.status || !strings.Contains(r.body, c.text) {
				t.Errorf("got %d %q, want %d containing %q", r.status, r.body, c.status, c.text)
			}
			if got := r.header.Get("Access-Control-Allow-Origin") != ""; got != c.cors {
				t.Errorf("Access-Control-Allow-Origin present = %v, want %v", got, c.cors)
			}
		})
	}
	if n := len(e.jobs()); n != 0 {
		t.Errorf("refused requests made %d jobs", n)
	}
}

func TestTokenAndPreflight(t *testing.T) {
	e := newEnv(t)
	if r := e.do("GET", "/available", "", "", "Authorization", "Bearer "+token); r.status != 200 {
		t.Errorf("with the local token: %d %s", r.status, r.body)
	}
	if r := e.do("GET", "/available", "", "", "Authorization", "Bearer wrong"); r.status != 403 {
		t.Errorf("with a wrong token: %d", r.status)
	}
	r := e.do("OPTIONS", "/write", pageOrigin, "", "Access-Control-Request-Method", "POST", "Access-Control-Request-Private-Network", "true")
	if r.status != http.StatusNoContent || r.header.Get("Access-Control-Allow-Origin") != pageOrigin ||
		!strings.Contains(r.header.Get("Access-Control-Allow-Methods"), "POST") || r.header.Get("Access-Control-Allow-Private-Network") != "true" {
		t.Errorf("preflight: %d %v", r.status, r.header)
	}
	r = e.do("GET", "/available", "", "", "Authorization", "Bearer "+token, "Host", "localhost:"+strings.Split(e.host, ":")[1])
	if r.status != 200 {
		t.Errorf("Host localhost:PORT: %d", r.status)
	}
	var cfg struct {
		Application struct {
			Version  string `json:"version"`
			APILevel int    `json:"apiLevel"`
		} `json:"application"`
	}
	if err := json.Unmarshal([]byte(e.ok("GET", "/config", "")), &cfg); err != nil || cfg.Application.APILevel == 0 || !strings.Contains(cfg.Application.Version, "Labelbridge") {
		t.Errorf("config: %+v %v", cfg, err)
	}
}
