package rastertest

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// ZPLRenderer talks to one long-lived Node process running
// tools/zplrender/render.js; all renders in a test binary share it.
type ZPLRenderer struct {
	mu      sync.Mutex
	stdin   io.WriteCloser
	out     *bufio.Reader
	nextID  int
	Version string // zebrash version reported by the helper
}

var (
	rendererOnce sync.Once
	renderer     *ZPLRenderer
	rendererErr  error
	rendererSkip bool
)

// RepoRoot returns the repository root (the directory holding go.mod).
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above the working directory")
		}
		dir = parent
	}
}

// StartZPLRenderer returns the shared renderer, installing the helper's npm
// dependencies with `npm ci` the first time into the user's cache directory
// (never into the source tree; see installZPLRenderer). When
// node or npm is missing the test fails if CI is set and is skipped
// otherwise.
func StartZPLRenderer(tb testing.TB) *ZPLRenderer {
	tb.Helper()
	rendererOnce.Do(func() { renderer, rendererSkip, rendererErr = startRenderer() })
	if rendererErr != nil {
		if rendererSkip && os.Getenv("CI") == "" {
			tb.Skipf("independent ZPL renderer unavailable (set CI=true to make this fatal): %v", rendererErr)
		}
		tb.Fatalf("independent ZPL renderer: %v", rendererErr)
	}
	return renderer
}

func startRenderer() (r *ZPLRenderer, skippable bool, err error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, true, fmt.Errorf("node not found: install Node.js (apt-get install nodejs npm): %w", err)
	}
	root, err := RepoRoot()
	if err != nil {
		return nil, false, err
	}
	dir, err := installZPLRenderer(filepath.Join(root, "tools", "zplrender"))
	if err != nil {
		var missing *npmMissingError
		return nil, errors.As(err, &missing), err
	}
	cmd := exec.Command(node, "render.js")
	cmd.Dir = dir
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, false, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, false, err
	}
	if err := cmd.Start(); err != nil {
		return nil, false, fmt.Errorf("start node: %w", err)
	}
	r = &ZPLRenderer{stdin: stdin, out: bufio.NewReaderSize(stdout, 1<<20)}
	line, err := r.out.ReadBytes('\n')
	if err != nil {
		return nil, false, fmt.Errorf("zplrender did not start: %w", err)
	}
	var hello struct {
		Ready   bool   `json:"ready"`
		Zebrash string `json:"zebrash"`
	}
	if err := json.Unmarshal(line, &hello); err != nil || !hello.Ready {
		return nil, false, fmt.Errorf("zplrender: unexpected greeting %q", line)
	}
	r.Version = hello.Zebrash
	return r, false, nil
}

// Render renders ZPL on a widthMm×heightMm label at dpmm dots per mm and
// returns the PNG decoded.
func (r *ZPLRenderer) Render(zpl string, widthMm, heightMm float64, dpmm int) (image.Image, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.nextID++
	req, _ := json.Marshal(map[string]any{"id": r.nextID, "zpl": zpl, "widthMm": widthMm, "heightMm": heightMm, "dpmm": dpmm})
	if _, err := r.stdin.Write(append(req, '\n')); err != nil {
		return nil, fmt.Errorf("zplrender write: %w", err)
	}
	line, err := r.out.ReadBytes('\n')
	if err != nil {
		return nil, fmt.Errorf("zplrender read: %w", err)
	}
	var resp struct {
		ID    int    `json:"id"`
		PNG   string `json:"png"`
		Error string `json:"error"`
	}
	if err := json.Unmarshal(line, &resp); err != nil {
		return nil, fmt.Errorf("zplrender reply %q: %w", strings.TrimSpace(string(line)), err)
	}
	if resp.Error != "" {
		return nil, fmt.Errorf("zplrender: %s", resp.Error)
	}
	if resp.ID != r.nextID {
		return nil, fmt.Errorf("zplrender: reply %d for request %d", resp.ID, r.nextID)
	}
	raw, err := base64.StdEncoding.DecodeString(resp.PNG)
	if err != nil {
		return nil, err
	}
	return png.Decode(bytes.NewReader(raw))
}
