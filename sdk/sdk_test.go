package sdk

import (
	"io/fs"
	"slices"
	"testing"
)

// TestFiles: the served SDK is the four built files of dist/, not the npm
// package's CommonJS types.
func TestFiles(t *testing.T) {
	names, err := fs.Glob(Files(), "*")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"labelbridge.cjs", "labelbridge.d.ts", "labelbridge.global.js", "labelbridge.js"}
	if !slices.Equal(names, want) {
		t.Fatalf("files %q, want %q", names, want)
	}
}
