package autostart

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/windows/registry"
)

// Start at login on Windows: the "Labelbridge" value of the Run key. The
// per-user installer (NSIS) writes it in HKCU, which the toggle changes.
// The MSI writes it in HKLM for every user: that one needs an
// administrator, so the toggle shows it and says so. A "Labelbridge"
// shortcut in the user's Startup folder counts too.

// Supported says whether this OS offers start at login here.
const Supported = true

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

// hasRunValue reports whether root's Run key has the Labelbridge value.
func hasRunValue(root registry.Key) (bool, error) {
	k, err := registry.OpenKey(root, runKeyPath, registry.QUERY_VALUE)
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

// Enabled reports whether Labelbridge starts at login for this user.
func Enabled() (bool, error) {
	if s := startupShortcut(); s != "" {
		if _, err := os.Stat(s); err == nil {
			return true, nil
		}
	}
	if on, err := hasRunValue(registry.CURRENT_USER); on || err != nil {
		return on, err
	}
	return hasRunValue(registry.LOCAL_MACHINE)
}

// Set turns start at login on or off for this user.
func Set(on bool) error {
	k, _, err := registry.CreateKey(registry.CURRENT_USER, runKeyPath, registry.SET_VALUE|registry.QUERY_VALUE)
	if err != nil {
		return fmt.Errorf("open the Run key: %w", err)
	}
	defer k.Close()
	if on {
		exe, err := executable()
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
	if machine, _ := hasRunValue(registry.LOCAL_MACHINE); machine {
		return errors.New("the installer set this PC to start Labelbridge at login for every user: only an administrator can change that")
	}
	return nil
}
