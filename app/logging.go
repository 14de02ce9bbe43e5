package main

import (
	"fmt"
	"io"
	"log/slog"
	"path/filepath"

	"github.com/labelbridge/labelbridge/internal/cappedfile"
)

// newLogger logs to stderr and to a size-capped file in logDir (when not
// empty): labelbridge.log, rotated to labelbridge.log.1 at maxBytes.
func newLogger(level string, logDir string, stderr io.Writer) (*slog.Logger, io.Closer, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, nil, fmt.Errorf("log level %q: %w", level, err)
	}
	opts := &slog.HandlerOptions{Level: lv}
	handlers := []slog.Handler{slog.NewTextHandler(stderr, opts)}
	var closer io.Closer = io.NopCloser(nil)
	if logDir != "" {
		f, err := cappedfile.Open(filepath.Join(logDir, "labelbridge.log"), 5<<20)
		if err != nil {
			return nil, nil, err
		}
		handlers = append(handlers, slog.NewJSONHandler(f, opts))
		closer = f
	}
	return slog.New(slog.NewMultiHandler(handlers...)), closer, nil
}
