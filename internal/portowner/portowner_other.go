//go:build !linux

package portowner

// Name cannot name the program here; the error message tells the user
// how to look (netstat -ano on Windows, lsof -i on macOS).
func Name(port int) string {
	return "another program (see which with 'netstat -ano' on Windows or 'lsof -i :PORT' on macOS)"
}
