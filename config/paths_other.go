//go:build !linux && !windows && !darwin

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
	base := filepath.Join(home, ".labelbridge")
	return Paths{ConfigDir: base, DataDir: filepath.Join(base, "data"), LogDir: filepath.Join(base, "logs")}, nil
}

func osPolicyFile() string { return "/etc/labelbridge/policy.json" }
