//go:build !linux

package main

// portOwner cannot name the program here; the error message tells the user
// how to look (netstat -ano on Windows, lsof -i on macOS).
func portOwner(port int) string {
	return "another program (see which with 'netstat -ano' on Windows or 'lsof -i :PORT' on macOS)"
}
