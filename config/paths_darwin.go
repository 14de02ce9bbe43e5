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
	support := filepath.Join(home, "Library", "Application Support", "Labelbridge")
	return Paths{ConfigDir: support, DataDir: support, LogDir: filepath.Join(home, "Library", "Logs", "Labelbridge")}, nil
}

func osPolicyFile() string { return "/Library/Application Support/Labelbridge/policy.json" }
