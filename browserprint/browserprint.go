// Package browserprint serves an HTTP API compatible with Zebra Browser
// Print (GET /available, GET /default, POST /write, POST /read, GET /config)
// so pages written for Zebra's SDK print through Labelbridge to printers of
// any brand. It runs on its own loopback port (9100 like Zebra's app, when
// the user turns it on) behind the same HTTP edge as the main API (package
// edge, policy SiteAPI): the Host must be a loopback name with that port
// (DNS-rebinding defence), the Origin must be on the allow-list, bodies are
// bounded in size and time, and CORS headers go to allowed origins only.
//
// Printers are listed as Browser Print "devices" whose uid is the Labelbridge
// printer id (with ':' written as '_', as some Zebra wrappers split on ':').
// /write submits the data as a raw job through the spooler, with the page's
// origin. Printer status queries (~HQES, ~HS, ! U1 getvar) are answered by
// /read from Labelbridge's view of the printer, not read back from it.
package browserprint

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/labelbridge/labelbridge/edge"
	"github.com/labelbridge/labelbridge/printing"
)

// Spooler is what the endpoint needs from the printing core.
type Spooler interface {
	Printers() []printing.Printer
	DefaultPrinter() string
	Submit(req printing.Request) <-chan printing.SubmitResult
}

// Gate decides on an Origin header (package sites is the real one). An
// unknown origin is recorded as pending, so the user can approve it.
type Gate = edge.Gate

// Options configure a Handler.
type Options struct {
	Port    int    // the port clients must name in Host
	Token   string // the local CLI token: programs without an Origin may present it (Authorization: Bearer …)
	Version string // the agent's version, for /config
	// MaxBodyBytes bounds a request body (default 16 MiB).
	MaxBodyBytes int64
	// BodyTimeout bounds how long a request body may take to arrive after
	// its headers (default 30 s): a client that trickles it gets 408.
	BodyTimeout time.Duration
	Logger      *slog.Logger
	// ApprovalWait holds a request from a site that waits for approval up
	// to this long (0: refuse at once), as Zebra's app asks the user to
	// accept a new site before answering: a page whose wrapper ignores the
	// HTTP status then prints once approved instead of silently not at all.
	ApprovalWait time.Duration
	// SitesChanged returns a channel closed at the next change of the
	// allow-list or the pending sites (needed by ApprovalWait).
	SitesChanged func() <-chan struct{}
}

// Handler is the Browser Print compatible API. Create it with New.
type Handler struct {
	sp   Spooler
	opt  Options
	log  *slog.Logger
	edge *edge.Edge

	mu      sync.Mutex
	replies map[string][]byte // origin + printer → what /read returns next
	order   []string          // reply keys, oldest first (bounded)
}

const (
	maxReplyKeys  = 256
	maxReplyBytes = 64 << 10
	// Provider names Labelbridge as the device provider (Zebra's own app
	// names its Java provider classes here).
	Provider = "com.labelbridge.provider"
)

// New builds a Handler.
func New(sp Spooler, gate Gate, opt Options) *Handler {
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.MaxBodyBytes <= 0 {
		opt.MaxBodyBytes = 16 << 20
	}
	if opt.BodyTimeout <= 0 {
		opt.BodyTimeout = 30 * time.Second
	}
	h := &Handler{sp: sp, opt: opt, log: opt.Logger, replies: map[string][]byte{}}
	var hold func(*http.Request)
	if opt.ApprovalWait > 0 && opt.SitesChanged != nil {
		hold = func(r *http.Request) { h.holdWhilePending(r, gate) }
	}
	h.edge = edge.New(edge.Options{
		Port: opt.Port, Name: "Browser Print: ", Gate: gate, Token: opt.Token, Logger: opt.Logger, Hold: hold,
		BodyTimeout: opt.BodyTimeout, MaxBodyBytes: opt.MaxBodyBytes,
		// Zebra's SDK hands the answer's text to the page's error callback.
		Refuse: func(w http.ResponseWriter, status int, _, msg string) { writeText(w, status, msg) },
	})
	h.edge.Handle("/", edge.SiteAPI, http.HandlerFunc(h.serve))
	return h
}

// ServeHTTP serves a request through the edge (Host, Origin, CORS, limits).
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.edge.ServeHTTP(w, r) }

// Serve serves on the listeners (edge.Listen) until Shutdown; it returns at once.
func (h *Handler) Serve(ls []net.Listener) { h.edge.Serve(ls) }

// ServeTLS serves the same API over https (cfg: the local CA's leaf) on
// the listeners (edge.Listen on Zebra's https port, 9101) until Shutdown.
func (h *Handler) ServeTLS(ls []net.Listener, cfg *tls.Config) { h.edge.ServeTLS(ls, cfg) }

// Shutdown stops the listeners, waiting for requests under way until ctx ends.
func (h *Handler) Shutdown(ctx context.Context) error { return h.edge.Shutdown(ctx) }

// failure is an error answer: HTTP status and text (Zebra's SDK hands the
// response text to the page's error callback).
type failure struct {
	status int
	msg    string
}

func (f *failure) Error() string { return f.msg }

func fail(status int, format string, args ...any) *failure {
	return &failure{status: status, msg: fmt.Sprintf(format, args...)}
}

// serve routes a request the edge admitted.
func (h *Handler) serve(w http.ResponseWriter, r *http.Request) {
	origin := edge.PeerOf(r).Origin
	if err := h.route(w, r, origin); err != nil {
		var f *failure
		if !errors.As(err, &f) {
			f = &failure{status: http.StatusInternalServerError, msg: err.Error()}
		}
		h.log.Debug("Browser Print: request failed", "origin", origin, "path", r.URL.Path, "status", f.status, "err", f.msg)
		writeText(w, f.status, f.msg)
	}
}

func (h *Handler) route(w http.ResponseWriter, r *http.Request, origin string) error {
	type route struct {
		method string
		fn     func(http.ResponseWriter, *http.Request, string) error
	}
	routes := map[string]route{
		"/available": {http.MethodGet, h.available},
		"/default":   {http.MethodGet, h.defaultDevice},
		"/write":     {http.MethodPost, h.write},
		"/read":      {http.MethodPost, h.read},
		"/config":    {http.MethodGet, h.config},
		"/convert":   {http.MethodPost, unsupported("convert")},
	}
	rt, ok := routes[r.URL.Path]
	if !ok {
		return fail(http.StatusNotFound, "%s is not part of the Browser Print API (available, default, write, read, config)", r.URL.Path)
	}
	if r.Method != rt.method && !(rt.method == http.MethodGet && r.Method == http.MethodHead) {
		w.Header().Set("Allow", rt.method)
		return fail(http.StatusMethodNotAllowed, "%s needs %s, got %s", r.URL.Path, rt.method, r.Method)
	}
	return rt.fn(w, r, origin)
}

func unsupported(what string) func(http.ResponseWriter, *http.Request, string) error {
	return func(http.ResponseWriter, *http.Request, string) error {
		return fail(http.StatusNotImplemented, "/%s is not supported by Labelbridge: send printer commands (ZPL) with /write, or print labels with the Labelbridge SDK", what)
	}
}

// available lists every printer, keyed by device type as Zebra's SDK expects.
func (h *Handler) available(w http.ResponseWriter, _ *http.Request, _ string) error {
	devs := []Device{}
	for _, p := range h.sp.Printers() {
		devs = append(devs, DeviceOf(p))
	}
	return writeJSON(w, map[string]any{"printer": devs})
}

// defaultDevice is the default printer: JSON with ?type=printer, an empty
// body when there is none (an empty {} breaks Zebra's SDK), and the
// tab-separated text form some wrappers parse when no type is given.
func (h *Handler) defaultDevice(w http.ResponseWriter, r *http.Request, _ string) error {
	typ, hasType := r.URL.Query()["type"]
	p, ok := h.printer(h.sp.DefaultPrinter())
	if !ok || (hasType && (len(typ) == 0 || typ[0] != "printer")) {
		writeText(w, http.StatusOK, "")
		return nil
	}
	d := DeviceOf(p)
	if hasType {
		return writeJSON(w, d)
	}
	clean := func(s string) string { return strings.NewReplacer(":", "-", "\n", " ", "\t", " ").Replace(s) }
	writeText(w, http.StatusOK, strings.Join([]string{
		clean(d.Name),
		"name:" + clean(d.Name), "deviceType:" + d.DeviceType, "connection:" + d.Connection,
		"uid:" + clean(d.UID), "provider:" + clean(d.Provider), "manufacturer:" + clean(d.Manufacturer),
	}, "\n\t"))
	return nil
}

// config describes the application (Zebra's apiLevel naming; both spellings
// seen in the wild are sent).
func (h *Handler) config(w http.ResponseWriter, _ *http.Request, _ string) error {
	v := "Labelbridge " + h.opt.Version
	return writeJSON(w, map[string]any{"application": map[string]any{
		"version": v, "apiLevel": 5, "api_level": 5, "buildNumber": 0, "build_number": 0,
		"platform": runtime.GOOS, "supportedConversions": map[string]any{},
	}})
}

// read returns (and forgets) what the printer "answered" since the last read.
func (h *Handler) read(w http.ResponseWriter, r *http.Request, origin string) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	p, err := h.resolve(body.Device)
	if err != nil {
		return err
	}
	writeText(w, http.StatusOK, string(h.takeReply(origin, p.ID)))
	return nil
}

func writeText(w http.ResponseWriter, status int, text string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, text)
}

func writeJSON(w http.ResponseWriter, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode reply: %w", err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(data)
	return nil
}
