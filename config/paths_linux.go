package config

import (
	"fmt"
	"os"
	"path/filepath"
)

func osPaths() (Paths, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return Paths{}, fmt.Errorf("find home folder: %w", err)
	}
	xdg := func(env, fallback string) string {
		if v := os.Getenv(env); filepath.IsAbs(v) {
			return filepath.Join(v, "labelbridge")
		}
		return filepath.Join(home, fallback, "labelbridge")
	}
	return Paths{
		ConfigDir: xdg("XDG_CONFIG_HOME", ".config"),
		DataDir:   xdg("XDG_DATA_HOME", ".local/share"),
		LogDir:    xdg("XDG_STATE_HOME", ".local/state"),
	}, nil
}

func osPolicyFile() string { return "/etc/labelbridge/policy.json" }
