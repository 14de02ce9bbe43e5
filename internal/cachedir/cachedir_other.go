//go:build !windows && !darwin

package cachedir

func productPath() []string { return []string{"labelbridge"} }
