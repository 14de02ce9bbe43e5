package config

import (
	"fmt"
	"os"
	"path/filepath"
)

func osPaths() (Paths, error) {
	roaming, err := os.UserConfigDir() // %APPDATA%
	if err != nil {
		return Paths{}, fmt.Errorf("find %%APPDATA%%: %w", err)
	}
	local := os.Getenv("LOCALAPPDATA")
	if local == "" {
		local = roaming
	}
	return Paths{
		ConfigDir: filepath.Join(roaming, "Labelbridge"),
		DataDir:   filepath.Join(local, "Labelbridge"),
		LogDir:    filepath.Join(local, "Labelbridge", "logs"),
	}, nil
}

func osPolicyFile() string {
	pd := os.Getenv("ProgramData")
	if pd == "" {
		pd = `C:\ProgramData`
	}
	return filepath.Join(pd, "Labelbridge", "policy.json")
}
