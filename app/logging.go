package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
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
		f, err := openCappedFile(filepath.Join(logDir, "labelbridge.log"), 5<<20)
		if err != nil {
			return nil, nil, err
		}
		handlers = append(handlers, slog.NewJSONHandler(f, opts))
		closer = f
	}
	return slog.New(slog.NewMultiHandler(handlers...)), closer, nil
}

// cappedFile is an append-only log file that rotates once it passes max
// bytes, keeping one previous file: the logs never fill the disk.
type cappedFile struct {
	mu   sync.Mutex
	path string
	max  int64
	f    *os.File
	size int64
}

func openCappedFile(path string, max int64) (*cappedFile, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create log dir: %w", err)
	}
	c := &cappedFile{path: path, max: max}
	if err := c.open(); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *cappedFile) open() error {
	f, err := os.OpenFile(c.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("open log file: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("open log file: %w", err)
	}
	c.f, c.size = f, st.Size()
	return nil
}

func (c *cappedFile) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.f == nil {
		return 0, os.ErrClosed
	}
	if c.size+int64(len(p)) > c.max && c.size > 0 {
		c.f.Close()
		_ = os.Rename(c.path, c.path+".1")
		if err := c.open(); err != nil {
			c.f = nil
			return 0, err
		}
	}
	n, err := c.f.Write(p)
	c.size += int64(n)
	return n, err
}

func (c *cappedFile) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.f == nil {
		return nil
	}
	err := c.f.Close()
	c.f = nil
	return err
}
