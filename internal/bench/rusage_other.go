//go:build !linux && !darwin

package bench

// peakRSSMiB is not measured on this OS.
func peakRSSMiB() float64 { return 0 }
