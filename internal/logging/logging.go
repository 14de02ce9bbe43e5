// Package logging builds the agent's logger: text lines on stderr and, when
// a log folder is given, JSON lines in a size-capped labelbridge.log there
// (rotated once to labelbridge.log.1, see internal/cappedfile).
package logging

import (
	"fmt"
	"io"
	"log/slog"
	"path/filepath"

	"github.com/labelbridge/labelbridge/internal/cappedfile"
)

// FileName is the log file's name in the log folder.
const FileName = "labelbridge.log"

// MaxBytes is the size at which the log file is rotated.
const MaxBytes = 5 << 20

// New logs at level ("debug", "info", "warn", "error") to stderr and to a
// size-capped file in logDir (when not empty). The closer closes the file.
func New(level string, logDir string, stderr io.Writer) (*slog.Logger, io.Closer, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, nil, fmt.Errorf("log level %q: %w", level, err)
	}
	opts := &slog.HandlerOptions{Level: lv}
	handlers := []slog.Handler{slog.NewTextHandler(stderr, opts)}
	var closer io.Closer = io.NopCloser(nil)
	if logDir != "" {
		f, err := cappedfile.Open(filepath.Join(logDir, FileName), MaxBytes)
		if err != nil {
			return nil, nil, err
		}
		handlers = append(handlers, slog.NewJSONHandler(f, opts))
		closer = f
	}
	return slog.New(slog.NewMultiHandler(handlers...)), closer, nil
}
