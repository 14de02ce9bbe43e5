package main

import (
	"os"
	"sync"
	"testing"
)

// TestMain removes what the package's tests share: the app binary, built
// once (buildApp) for every test that runs it in a child process.
func TestMain(m *testing.M) {
	code := m.Run()
	if sharedBin.dir != "" {
		os.RemoveAll(sharedBin.dir)
	}
	os.Exit(code)
}

// sharedBin is the app binary built once for the package's tests.
var sharedBin struct {
	once sync.Once
	dir  string // removed by TestMain
	path string
	err  error
}
