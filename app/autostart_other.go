//go:build !linux && !darwin && !windows

package main

import "errors"

// Start at login is not offered on this OS: use its service manager
// ('labelbridge service install').

const startAtLoginSupported = false

func startAtLoginEnabled() (bool, error) { return false, nil }

func setStartAtLogin(bool) error {
	return errors.New("start at login is not supported on this OS: use 'labelbridge service install'")
}
