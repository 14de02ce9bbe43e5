package rastertest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
)

// zplRendererFiles are the files of tools/zplrender that make up the helper;
// together they key its install in the cache.
var zplRendererFiles = []string{"package.json", "package-lock.json", "render.js"}

// npmMissingError says npm is not installed (a skippable condition outside CI).
type npmMissingError struct{ err error }

func (e *npmMissingError) Error() string {
	return "npm not found: install it (apt-get install npm): " + e.err.Error()
}

// installZPLRenderer installs the Node helper in src (tools/zplrender) into
// the user's cache directory, in a folder named after the hash of its files,
// and returns that folder. The source tree is never written to, so tests
// leave `git status --ignored` clean; a changed lockfile gets a fresh
// install, and concurrent test binaries race safely (each installs into its
// own temporary folder and renames it into place; the loser uses the
// winner's).
func installZPLRenderer(src string) (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("zplrender: no cache directory: %w", err)
	}
	h := sha256.New()
	contents := map[string][]byte{}
	for _, name := range zplRendererFiles {
		b, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			return "", fmt.Errorf("zplrender: %w", err)
		}
		contents[name] = b
		fmt.Fprintf(h, "%s %d\n", name, len(b))
		h.Write(b)
	}
	dir := filepath.Join(cache, "labelbridge", "zplrender", hex.EncodeToString(h.Sum(nil))[:16])
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "zpl-renderer-js", "package.json")); err == nil {
		return dir, nil
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		return "", &npmMissingError{err}
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return "", fmt.Errorf("zplrender: %w", err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".install-")
	if err != nil {
		return "", fmt.Errorf("zplrender: %w", err)
	}
	defer os.RemoveAll(tmp) // a no-op once renamed
	for name, b := range contents {
		if err := os.WriteFile(filepath.Join(tmp, name), b, 0o644); err != nil {
			return "", fmt.Errorf("zplrender: %w", err)
		}
	}
	cmd := exec.Command(npm, "ci", "--no-audit", "--no-fund", "--loglevel=error")
	cmd.Dir = tmp
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("npm ci for the ZPL renderer (in %s): %v\n%s", tmp, err, out)
	}
	if err := os.Rename(tmp, dir); err != nil {
		// Another test binary installed it first: use that copy.
		if _, statErr := os.Stat(filepath.Join(dir, "node_modules", "zpl-renderer-js", "package.json")); statErr == nil {
			return dir, nil
		} else if !errors.Is(statErr, fs.ErrNotExist) {
			return "", fmt.Errorf("zplrender: %w", statErr)
		}
		return "", fmt.Errorf("zplrender: install into %s: %w", dir, err)
	}
	return dir, nil
}
