package bench

import "syscall"

// peakRSSMiB is this process's peak resident set size (macOS reports bytes).
func peakRSSMiB() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Maxrss) / (1 << 20)
}
