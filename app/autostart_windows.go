package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/windows/registry"
)

// Start at login on Windows: the per-user Run key. An installer may have
// put a Labelbridge shortcut in the Startup folder instead; it counts too,
// and turning the toggle off removes it.

const startAtLoginSupported = true

const (
	runKeyPath   = `Software\Microsoft\Windows\CurrentVersion\Run`
	runValueName = "Labelbridge"
)

func startupShortcut() string {
	appData := os.Getenv("APPDATA")
	if appData == "" {
		return ""
	}
	return filepath.Join(appData, "Microsoft", "Windows", "Start Menu", "Programs", "Startup", "Labelbridge.lnk")
}

func startAtLoginEnabled() (bool, error) {
	if s := startupShortcut(); s != "" {
		if _, err := os.Stat(s); err == nil {
			return true, nil
		}
	}
	k, err := registry.OpenKey(registry.CURRENT_USER, runKeyPath, registry.QUERY_VALUE)
	if err != nil {
		if errors.Is(err, registry.ErrNotExist) {
			return false, nil
		}
		return false, fmt.Errorf("open the Run key: %w", err)
	}
	defer k.Close()
	_, _, err = k.GetStringValue(runValueName)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, registry.ErrNotExist):
		return false, nil
	}
	return false, fmt.Errorf("read the Run key: %w", err)
}

func setStartAtLogin(on bool) error {
	k, _, err := registry.CreateKey(registry.CURRENT_USER, runKeyPath, registry.SET_VALUE|registry.QUERY_VALUE)
	if err != nil {
		return fmt.Errorf("open the Run key: %w", err)
	}
	defer k.Close()
	if on {
		exe, err := autostartExecutable()
		if err != nil {
			return err
		}
		if err := k.SetStringValue(runValueName, `"`+exe+`"`); err != nil {
			return fmt.Errorf("write the Run key: %w", err)
		}
		return nil
	}
	if err := k.DeleteValue(runValueName); err != nil && !errors.Is(err, registry.ErrNotExist) {
		return fmt.Errorf("remove the Run key value: %w", err)
	}
	if s := startupShortcut(); s != "" {
		if err := os.Remove(s); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("remove the Startup shortcut: %w", err)
		}
	}
	return nil
}
