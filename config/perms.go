package config

import (
	"io/fs"
	"os"
	"path/filepath"
)

// ModeChange is a file or folder whose permissions TightenModes narrowed.
type ModeChange struct {
	Path     string
	From, To fs.FileMode
}

// privateTargets lists what holds the user's secrets and jobs: the config,
// data and log folders (0700) and the files directly in them (0600), plus
// extra folders (the runtime folder) and their files.
func privateTargets(p Paths, extraDirs []string) (dirs, files []string) {
	for _, d := range append([]string{p.ConfigDir, p.DataDir, p.LogDir}, extraDirs...) {
		if d == "" {
			continue
		}
		dirs = append(dirs, d)
		es, err := os.ReadDir(d)
		if err != nil {
			continue
		}
		for _, e := range es {
			if e.Type().IsRegular() { // never follow links, never descend
				files = append(files, filepath.Join(d, e.Name()))
			}
		}
	}
	return dirs, files
}
