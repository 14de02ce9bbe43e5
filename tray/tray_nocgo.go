//go:build !cgo && darwin

package tray

import (
	"context"
	"errors"
)

// ErrNoTray is returned where this build has no tray.
var ErrNoTray = errors.New("this build has no tray icon (macOS builds need cgo for the menu bar)")

// Available reports that macOS builds without cgo have no tray.
func Available() (note string, err error) { return "", ErrNoTray }

// Run returns ErrNoTray at once: fyne.io/systray needs cgo on macOS.
func Run(ctx context.Context, b Backend, opt Options) error { return ErrNoTray }
