//go:build !linux && !darwin && !windows

package autostart

import "errors"

// Start at login is not offered on this OS: use its service manager
// ('labelbridge service install').

// Supported says whether this OS offers start at login here.
const Supported = false

// Enabled reports whether Labelbridge starts at login for this user.
func Enabled() (bool, error) { return false, nil }

// Set turns start at login on or off for this user.
func Set(bool) error {
	return errors.New("start at login is not supported on this OS: use 'labelbridge service install'")
}
