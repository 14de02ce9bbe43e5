//go:build !linux && !darwin && !windows

package main

// No printer discovery on this OS: the virtual and network printers work.
func discoveryWatchers() []watcher { return nil }
