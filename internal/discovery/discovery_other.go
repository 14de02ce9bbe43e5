//go:build !linux && !darwin && !windows

package discovery

// No printer discovery on this OS: the virtual and network printers work.
func Watchers() []Watcher { return nil }
