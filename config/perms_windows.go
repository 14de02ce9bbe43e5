package config

// TightenModes does nothing on Windows: the per-user profile folders the
// agent uses are already private to the user by their ACLs.
func TightenModes(Paths, ...string) ([]ModeChange, error) { return nil, nil }
